// The GraphQL errors an adapter answers with. Codes come from the chain's one documented list
// (DESIGN.md: UNAUTHENTICATED, FORBIDDEN, PARTNER_UNAVAILABLE, BAD_USER_INPUT, ...), and every error
// names where it came from (`partner`), so the gateway can show partial data and say whose part is
// missing.
import mercurius from 'mercurius';
import type { Partner } from './partner.js';

const { ErrorWithProps } = mercurius;

/** Why a partner's source could not answer; safe to show (no personal data, no addresses).
 * `credential-refused`: the source answered 401/403 to the credential this adapter sends. */
export type UnavailableReason = 'timeout' | 'circuit-open' | 'network' | 'http-error' | 'bad-response' | 'credential-refused';

export function partnerUnavailable(partner: Partner, reason: UnavailableReason): Error {
  return new ErrorWithProps(`${partner} is not available at the moment`, { code: 'PARTNER_UNAVAILABLE', partner, reason });
}

export function badUserInput(partner: Partner, message: string): Error {
  return new ErrorWithProps(message, { code: 'BAD_USER_INPUT', partner });
}

export function forbidden(partner: Partner, message: string): Error {
  return new ErrorWithProps(message, { code: 'FORBIDDEN', partner });
}

/** The GraphQL-shaped body of a request refused for its shape (HTTP 400), before any resolver runs. */
export function badUserInputBody(partner: Partner, message: string) {
  return { data: null, errors: [{ message, extensions: { code: 'BAD_USER_INPUT', partner } }] };
}

/** The GraphQL-shaped body of a refused request (HTTP 401), before any resolver runs. */
export function unauthenticatedBody(message: string) {
  return { data: null, errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] };
}
