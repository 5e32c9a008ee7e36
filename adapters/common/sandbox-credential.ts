// The credential a partner sandbox demands of its caller: one bearer secret, shared with the
// adapter that reads from it, so the synthetic partner answers its own adapter and nobody else
// (as a real partner's source API does). The presented and the expected secret are both hashed
// before comparing: timingSafeEqual needs equal lengths, and comparing fixed-length digests leaks
// neither the secret's content nor its length through the time taken.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { onRequestAsyncHookHandler } from 'fastify';
import type { Partner } from './partner.js';
import type { ErrorWriter } from './sandbox-app.js';

/** Shortest credential a sandbox accepts to be configured with (the config asks the same). */
export const MIN_CREDENTIAL_LENGTH = 16;

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** A random credential, for a sandbox and its adapter started together in one process. */
export const randomCredential = () => randomBytes(32).toString('base64url');

/** What follows the Bearer scheme (case-insensitive, RFC 6750); compared whole, whatever it holds. */
function bearerOf(header: string | undefined): string | undefined {
  return /^Bearer +(.+)$/i.exec(header ?? '')?.[1];
}

/**
 * An onRequest hook answering 401 (in the partner's own error format, with WWW-Authenticate) to any
 * request without `Authorization: Bearer <credential>`. It runs before the body is read, so an
 * unauthenticated caller's BSNs are never even parsed.
 */
export function requireCredential(partner: Partner, credential: string, writeError: ErrorWriter): onRequestAsyncHookHandler {
  if (credential.length < MIN_CREDENTIAL_LENGTH) {
    throw new Error(`the ${partner} sandbox needs a credential of at least ${MIN_CREDENTIAL_LENGTH} characters`);
  }
  const expected = digest(credential);
  const realm = `sandbox-${partner}`;
  return async (request, reply) => {
    const presented = bearerOf(request.headers.authorization);
    if (presented !== undefined && timingSafeEqual(digest(presented), expected)) return;
    // Which of the two it was is safe to log; the presented value never is.
    request.log.warn({ partner, credential: presented === undefined ? 'missing' : 'wrong' }, 'sandbox call refused: no valid credential');
    reply.header('www-authenticate', presented === undefined ? `Bearer realm="${realm}"` : `Bearer realm="${realm}", error="invalid_token"`);
    return writeError(reply, 401, 'Unauthorized', 'a valid bearer credential is required');
  };
}
