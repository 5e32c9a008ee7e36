// Shapes every REST route shares in its schema: the problem+json error (RFC 9457, as the NL API
// Design Rules ask), the API-Version header on every answer, and a route-level validator that
// documents a request without letting fastify check it. Used by the routes' schema files.
import { ERROR_CODES, type ErrorCode } from '../errors.js';

/** The version of the gateway's REST API (NL API Design Rules API-57: full version in a header). */
export const API_VERSION = '1.0.0';

export const PROBLEM_SCHEMA_ID = 'Problem';

/** Registered once with app.addSchema; @fastify/swagger turns it into #/components/schemas/Problem. */
export const problemSchema = {
  $id: PROBLEM_SCHEMA_ID,
  type: 'object',
  description: 'RFC 9457 problem details; `code` is from the error catalogue (the same codes as GraphQL `extensions.code`).',
  required: ['title', 'status', 'code'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string', enum: Object.keys(ERROR_CODES) },
    retryAfter: { type: 'integer', minimum: 1, description: 'With a refusal for load (RATE_LIMITED, SERVICE_UNAVAILABLE): seconds to wait, as in Retry-After' },
  },
  // Some errors name what is wrong (`field`, `reason`, `partner`): extra members are allowed by RFC 9457.
  additionalProperties: true,
} as const;

const apiVersionHeader = {
  'API-Version': { type: 'string', description: 'The full version of this API (NL API Design Rules API-57)' },
} as const;

/** A JSON answer with the API-Version header. */
export function json(description: string, schema: Record<string, unknown>) {
  return { description, headers: apiVersionHeader, content: { 'application/json': { schema } } };
}

const retryAfterHeader = {
  'Retry-After': { type: 'integer', minimum: 1, description: 'Seconds to wait before trying again (RFC 9110)' },
} as const;

/** problem+json answers for the given codes of the catalogue (one entry per status). */
export function problems(...codes: ErrorCode[]): Record<number, unknown> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERROR_CODES[code], [...(byStatus.get(ERROR_CODES[code]) ?? []), code]);
  const out: Record<number, unknown> = {};
  for (const [status, list] of byStatus) {
    out[status] = {
      description: list.join(', '),
      // Refused for load (429 rate limit, 503 overloaded) says when to come back.
      headers: status === 429 || status === 503 ? { ...apiVersionHeader, ...retryAfterHeader } : apiVersionHeader,
      content: { 'application/problem+json': { schema: { $ref: `${PROBLEM_SCHEMA_ID}#` } } },
    };
  }
  return out;
}

/** Routes that need the caller's bearer token (the scheme is declared in plugin.ts). */
export const BEARER = [{ bearer: [] }];

/** What any route may answer besides its own: a malformed request, refused for load, or broken on our side. */
export const ALWAYS: ErrorCode[] = ['BAD_REQUEST', 'RATE_LIMITED', 'INTERNAL', 'SERVICE_UNAVAILABLE'];

/** What a route that reads a body may answer besides: too large, or of a type it does not take. */
export const BODY: ErrorCode[] = ['PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'];

/**
 * For routes whose input is checked in the handler, after authentication and the consent check
 * (so an unauthorised caller learns nothing, and every refusal names its field the same way as the
 * GraphQL API does): the schema documents the input; the same zod schema that checks it made it.
 */
export const documentedOnly = () => (): true => true;
