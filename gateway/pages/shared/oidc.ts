// The login at a real OpenID Connect provider, through openid-client (oidc-client.ts): the browser
// goes to the provider with PKCE (S256), state and nonce, comes back with a code, and the code is
// redeemed here. The provider's tokens never reach the browser: they are kept in the server-side
// session (session-store.ts). The gateway verifies the bearer token like any other (issuer, JWKS,
// audience, claims; see README "Bearer tokens from a real identity provider").
//
// The flow's state, nonce and PKCE verifier are bound to this browser in a sealed, short-lived
// cookie that the return clears. Each is used once: the cookie is gone after the return, and a
// copy of it only fits a code issued for its own PKCE challenge, which the provider redeems once.
//
// Refresh: when the provider gave a refresh token, a page request after the bearer token's
// half-life gets new tokens and a new session (a new id, the old one ended on the server). A
// session that ran out (idle, or its token expired) is not revived: log in again. A page updating
// itself (live-stream.ts) never refreshes: that is not the person's use, and a new session would
// keep an idle one alive.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Pages } from './context.js';
import { providerClient } from './login-providers.js';
import { beginSession, returnTo, verifiedSession } from './login.js';
import type { FlowChecks, OidcClient, ProviderTokens } from './oidc-client.js';
import type { OidcSettings } from './oidc-settings.js';
import { safeReturnPath } from './safe-return.js';
import { LIVE_PATH } from './live-stream.js';
import { cookieOptions, LIVE_REFRESH_HEADER, type PageSession } from './session.js';

const COOKIE = 'kp_oidc';
const FLOW_LIFETIME_MS = 10 * 60_000;
/** After a failed refresh, the same refresh token is not tried again for this long. */
const REFRESH_RETRY_MS = 60_000;
/**
 * The sealed session must stay under the sealer's 8 KB (seal.ts): beyond this many characters of
 * JSON the refresh token, then the ID token, are not kept (no refresh; logout only here).
 */
const MAX_SESSION_JSON = 6000;

interface Flow extends FlowChecks {
  terug: string;
  until: number;
}

/** The page session for the provider's tokens, or undefined when the gateway does not accept them. */
async function sessionFor(pages: Pages, settings: OidcSettings, tokens: ProviderTokens, receivedAt: number): Promise<PageSession | undefined> {
  const bearer = settings.bearer === 'id_token' ? tokens.idToken : tokens.accessToken;
  const session = bearer ? await verifiedSession(pages, bearer) : undefined;
  if (!session) return undefined;
  // The ID token says who logged in; a bearer token for someone else is not theirs to use.
  if (tokens.subject !== undefined && tokens.subject !== session.subject) return undefined;
  const withProvider: PageSession = { ...session, provider: { idToken: tokens.idToken, refreshToken: tokens.refreshToken, receivedAt } };
  if (JSON.stringify(withProvider).length > MAX_SESSION_JSON) delete withProvider.provider!.refreshToken;
  if (JSON.stringify(withProvider).length > MAX_SESSION_JSON) delete withProvider.provider;
  return withProvider;
}

export async function oidcRoutes(app: FastifyInstance, pages: Pages, settings: OidcSettings) {
  const oidc = providerClient(app.config, settings);

  app.get<{ Querystring: { terug?: string } }>('/inloggen/oidc', async (request, reply) => {
    let start: Awaited<ReturnType<OidcClient['start']>>;
    try {
      start = await oidc.start();
    } catch (err) {
      request.log.warn({ err: (err as Error).message }, 'oidc login: the provider cannot be reached (discovery)');
      return reply.redirect('/inloggen?fout=dienst', 303);
    }
    const flow: Flow = { ...start.checks, terug: safeReturnPath(request.query.terug, pages.knownPages), until: Date.now() + FLOW_LIFETIME_MS };
    // SameSite=Lax: the provider sends the person back with a top-level GET, which Lax lets through.
    reply.setCookie(COOKIE, pages.sealer.seal('oidc', flow), cookieOptions(pages.cookie.secure, FLOW_LIFETIME_MS / 1000));
    return reply.redirect(start.url.toString(), 303);
  });

  // Where a login succeeds or fails (the code is redeemed here): counted as a login attempt.
  app.get('/inloggen/terug', { config: { rateLimit: app.loginRateLimit } }, async (request, reply) => {
    const flow = pages.sealer.open<Flow>('oidc', request.cookies[COOKIE]);
    reply.clearCookie(COOKIE, cookieOptions(pages.cookie.secure));
    if (!flow || flow.until < Date.now()) {
      request.log.warn('oidc login refused: no login of this browser is waiting for an answer');
      return reply.redirect('/inloggen?fout=1', 303);
    }
    // The provider answered at our registered redirect URL; openid-client reads the answer from it.
    const callback = new URL(settings.redirectUrl);
    callback.search = new URL(request.url, 'http://pages.invalid').search;
    let tokens: ProviderTokens;
    try {
      tokens = await oidc.finish(callback, flow);
    } catch (err) {
      // A wrong state, a refused or replayed code, an ID token that does not verify: no session.
      request.log.warn({ err: errorSummary(err) }, 'oidc login refused');
      return reply.redirect('/inloggen?fout=1', 303);
    }
    const session = await sessionFor(pages, settings, tokens, Date.now());
    if (!session) {
      request.log.warn('oidc login refused: the gateway does not accept the provider token');
      return reply.redirect('/inloggen?fout=1', 303);
    }
    await beginSession(request, reply, pages, session);
    return reply.redirect(returnTo(pages, session, flow.terug), 303);
  });

  // Where the provider sends the person after logging out there (RP-initiated logout).
  app.get('/inloggen/uitgelogd', async (_request, reply) => reply.redirect('/inloggen?uitgelogd=1', 303));

  // Runs after the session is read (pages/plugin.ts registers that hook first).
  const failed = new Map<string, number>();
  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    const current = request.pages?.current;
    const known = current?.provider;
    if (!current || !known?.refreshToken) return;
    if (request.headers[LIVE_REFRESH_HEADER] !== undefined || request.url.split('?')[0] === LIVE_PATH) return;
    const now = Date.now();
    if (now < known.receivedAt + (current.expiresAt - known.receivedAt) / 2) return;
    if ((failed.get(known.refreshToken) ?? 0) > now) return;
    try {
      const tokens = await oidc.refresh(known.refreshToken);
      // A provider may keep the ID token and the refresh token as they were.
      const next = await sessionFor(pages, settings, { ...tokens, idToken: tokens.idToken ?? known.idToken, refreshToken: tokens.refreshToken ?? known.refreshToken }, now);
      if (!next || next.subject !== current.subject || next.role !== current.role) throw new Error('the refreshed token is not accepted for this person');
      await beginSession(request, reply, pages, next);
      request.pages = { current: next };
    } catch (err) {
      // The session goes on until its token runs out; then the person logs in again.
      if (failed.size > 1000) failed.clear();
      failed.set(known.refreshToken, now + REFRESH_RETRY_MS);
      request.log.warn({ err: errorSummary(err) }, 'oidc refresh failed');
    }
  });
}

/**
 * What went wrong, without tokens: openid-client's error code and message, the check that failed
 * underneath (its cause's message), and the provider's error code.
 */
function errorSummary(err: unknown): Record<string, unknown> {
  const e = err as { code?: unknown; message?: unknown; error?: unknown; cause?: { message?: unknown } };
  return { code: e.code, message: e.message, reason: e.cause?.message, error: e.error };
}
