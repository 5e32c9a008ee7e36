// The one error catalogue. GraphQL errors carry `extensions.code` from ERROR_CODES; REST endpoints
// answer with problem+json (NL API Design Rules) using the same codes. Detail is shown below 500 only.
export const ERROR_CODES = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CONSENT_REQUIRED: 403,
  CONSENT_REVOKED: 403,
  CONSENT_EXPIRED: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  /** The request itself is malformed (not JSON, no query, wrong shape), before any field is read. */
  BAD_REQUEST: 400,
  CONFLICT: 409,
  /** Stored content no longer matches its recorded SHA-256 (a PDF attachment): nothing is sent, an operator must look. */
  INTEGRITY_FAILED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  PARTNER_UNAVAILABLE: 502,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An error we raise on purpose: a stable code, a message fit for the caller, optional details. */
export class KetenError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'KetenError';
    this.statusCode = ERROR_CODES[code];
  }
}

export const unauthenticated = (message = 'a valid bearer token is required') =>
  new KetenError('UNAUTHENTICATED', message);
export const forbidden = (message = 'not allowed') => new KetenError('FORBIDDEN', message);
export const badInput = (field: string, message: string) =>
  new KetenError('BAD_USER_INPUT', `${field}: ${message}`, { field });
export const notFound = (what: string) => new KetenError('NOT_FOUND', `${what} not found`);

/**
 * The errors fastify and mercurius raise for a request a client got wrong (malformed JSON, wrong
 * content type, too large, a forbidden `__proto__` key, no query): a 4xx with a code from the
 * catalogue, never INTERNAL. Their cause is the client, so they are logged at info without a stack
 * (an error-level line per bad request would let anyone flood the logs). Undefined for anything else.
 */
export function clientErrorOf(err: unknown): KetenError | undefined {
  if (err instanceof KetenError) return err.statusCode < 500 ? err : undefined;
  if (!(err instanceof Error)) return undefined;
  const { statusCode, code } = err as Error & { statusCode?: unknown; code?: unknown };
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || statusCode === 413) {
    return new KetenError('PAYLOAD_TOO_LARGE', 'the request body is too large');
  }
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || statusCode === 415) {
    return new KetenError('UNSUPPORTED_MEDIA_TYPE', 'unsupported content type: send application/json');
  }
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.name === 'SyntaxError') {
    return new KetenError('BAD_REQUEST', 'the body is not valid JSON, or holds a forbidden key such as __proto__');
  }
  if (code === 'MER_ERR_GQL_PERSISTED_QUERY_NOT_FOUND') return new KetenError('BAD_REQUEST', 'the request has no query');
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500 && statusCode !== 429) {
    return new KetenError('BAD_REQUEST', err.message);
  }
  return undefined;
}

/** The one way a client's mistake is logged, on every path (REST, GraphQL, the request-shape
 *  check): at info, with its code and the framework's reason, never a stack — a bad request is the
 *  caller's business, not an incident. */
export function logClientError(log: { info(obj: object, msg: string): void }, err: KetenError, reason?: unknown) {
  log.info({ code: err.code, reason: typeof reason === 'string' ? reason : undefined }, 'client error');
}

/** RFC 9457 problem details, as the NL API Design Rules ask for REST errors. */
export function problem(err: KetenError, instance?: string) {
  return {
    type: `https://ketenpoort.nl/problems/${err.code.toLowerCase().replaceAll('_', '-')}`,
    title: err.code,
    status: err.statusCode,
    detail: err.message,
    code: err.code,
    ...(instance ? { instance } : {}),
    ...err.details,
  };
}
