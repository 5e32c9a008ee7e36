// The two refusals for load, made in one place: RATE_LIMITED (429, this caller asked too often) and
// SERVICE_UNAVAILABLE (503, this instance is overloaded). Both tell the caller when to come back,
// in the Retry-After header (set where the reply is at hand) and as `retryAfter` (seconds) in the
// problem+json body or the GraphQL error's extensions.
import { KetenError } from '../errors.js';

export function rateLimited(retryAfterSeconds: number): KetenError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new KetenError('RATE_LIMITED', `too many requests; try again in ${seconds} s`, { retryAfter: seconds });
}

export function overloaded(retryAfterSeconds: number): KetenError {
  return new KetenError('SERVICE_UNAVAILABLE', `the gateway is overloaded; try again in ${retryAfterSeconds} s`, { retryAfter: retryAfterSeconds });
}

/** The Retry-After value a refusal for load carries, if it is one. */
export function retryAfterOf(err: unknown): number | undefined {
  if (!(err instanceof KetenError) || (err.code !== 'RATE_LIMITED' && err.code !== 'SERVICE_UNAVAILABLE')) return undefined;
  const seconds = err.details.retryAfter;
  return typeof seconds === 'number' ? seconds : undefined;
}

/**
 * For a GraphQL answer: when every error is a refusal for load (one the consent-grant limit made
 * in the keten subgraph, relayed here), the HTTP status and Retry-After such a refusal has on REST.
 */
export function graphqlLoadRefusal(errors: readonly { extensions?: Record<string, unknown> }[]): { status: number; retryAfter: number } | undefined {
  if (errors.length === 0) return undefined;
  let status: number | undefined;
  let retryAfter = 0;
  for (const e of errors) {
    const code = e.extensions?.code;
    const seconds = e.extensions?.retryAfter;
    if ((code !== 'RATE_LIMITED' && code !== 'SERVICE_UNAVAILABLE') || typeof seconds !== 'number') return undefined;
    status = Math.max(status ?? 0, code === 'RATE_LIMITED' ? 429 : 503);
    retryAfter = Math.max(retryAfter, seconds);
  }
  return { status: status!, retryAfter };
}
