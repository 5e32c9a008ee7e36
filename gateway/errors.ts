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
  CONFLICT: 409,
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
