// CSRF protection on every POST of the pages: a per-browser secret in its own HttpOnly,
// SameSite=Strict cookie and a token derived from it in each form (@fastify/csrf-protection).
// The secret outlives the session on purpose: a form posted after the session ran out still proves
// it came from our page, so its text can be kept as a draft (drafts.ts) instead of being refused.
import fastifyCsrf from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export async function registerCsrf(app: FastifyInstance, secure: boolean) {
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: secure ? '__Host-kp_csrf' : 'kp_csrf',
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure },
    // Only the form field: the pages have no scripts that would send a header.
    getToken: (request: FastifyRequest) => (request.body as { _csrf?: string } | undefined)?._csrf,
  });
}

/** The token for the forms of the page being rendered (sets the secret cookie the first time). */
export function csrfToken(reply: FastifyReply): string {
  return reply.generateCsrf();
}

export function isCsrfError(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return code === 'FST_CSRF_INVALID_TOKEN' || code === 'FST_CSRF_MISSING_SECRET';
}
