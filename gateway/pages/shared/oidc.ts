// OpenID Connect authorization-code flow with PKCE (S256), state and nonce, for a real identity
// provider. The provider's token never reaches the browser: the code is exchanged here and the
// token kept in the server-side session (session-store.ts). The gateway verifies that token like
// any bearer token (issuer, JWKS, audience, claims; see README "Bearer tokens from a real identity
// provider").
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { decodeJwt } from 'jose';
import type { Pages } from './context.js';
import { beginSession, returnTo, verifiedSession } from './login.js';
import type { OidcSettings } from './oidc-settings.js';
import { safeReturnPath } from './safe-return.js';
import { cookieOptions } from './session.js';

const COOKIE = 'kp_oidc';
const FLOW_LIFETIME_MS = 10 * 60_000;

interface Flow {
  state: string;
  nonce: string;
  verifier: string;
  terug: string;
  until: number;
}

const random = () => randomBytes(32).toString('base64url');

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function oidcRoutes(app: FastifyInstance, pages: Pages, oidc: OidcSettings) {
  app.get<{ Querystring: { terug?: string } }>('/inloggen/oidc', async (request, reply) => {
    const flow: Flow = { state: random(), nonce: random(), verifier: random(), terug: safeReturnPath(request.query.terug, pages.knownPages), until: Date.now() + FLOW_LIFETIME_MS };
    // SameSite=Lax: the provider sends the person back with a top-level GET, which Lax lets through.
    reply.setCookie(COOKIE, pages.sealer.seal('oidc', flow), cookieOptions(pages.cookie.secure, FLOW_LIFETIME_MS / 1000));
    const target = new URL(oidc.authorizationUrl);
    target.searchParams.set('response_type', 'code');
    target.searchParams.set('client_id', oidc.clientId);
    target.searchParams.set('redirect_uri', oidc.redirectUrl);
    target.searchParams.set('scope', oidc.scope);
    target.searchParams.set('state', flow.state);
    target.searchParams.set('nonce', flow.nonce);
    target.searchParams.set('code_challenge', createHash('sha256').update(flow.verifier).digest('base64url'));
    target.searchParams.set('code_challenge_method', 'S256');
    return reply.redirect(target.toString(), 303);
  });

  // Where a login succeeds or fails (the code is exchanged here): counted as a login attempt.
  app.get<{ Querystring: { code?: string; state?: string; error?: string } }>('/inloggen/terug', { config: { rateLimit: app.loginRateLimit } }, async (request, reply) => {
    const flow = pages.sealer.open<Flow>('oidc', request.cookies[COOKIE]);
    reply.clearCookie(COOKIE, cookieOptions(pages.cookie.secure));
    const { code, state } = request.query;
    if (!flow || flow.until < Date.now() || !code || !state || !same(state, flow.state)) {
      request.log.warn('oidc login refused: missing or mismatched state');
      return reply.redirect('/inloggen?fout=1', 303);
    }
    const token = await exchange(oidc, code, flow.verifier);
    if (!token) {
      request.log.warn('oidc login refused: the token endpoint gave no usable token');
      return reply.redirect('/inloggen?fout=1', 303);
    }
    // The ID token came straight from the token endpoint over TLS (OIDC Core 3.1.3.7); its nonce
    // ties it to this browser's login, so a code stolen from another flow is useless here.
    if (token.idToken) {
      let nonce: unknown;
      try {
        nonce = decodeJwt(token.idToken).nonce;
      } catch {
        nonce = undefined;
      }
      if (typeof nonce !== 'string' || !same(nonce, flow.nonce)) {
        request.log.warn('oidc login refused: nonce mismatch');
        return reply.redirect('/inloggen?fout=1', 303);
      }
    }
    const bearer = oidc.bearer === 'id_token' ? token.idToken : token.accessToken;
    const session = bearer ? await verifiedSession(pages, bearer) : undefined;
    if (!session) {
      request.log.warn('oidc login refused: the gateway does not accept the provider token');
      return reply.redirect('/inloggen?fout=1', 303);
    }
    await beginSession(request, reply, pages, session);
    // Checked again: the flow cookie is ours, but the rule is cheap and lives in one place.
    return reply.redirect(returnTo(pages, session, flow.terug), 303);
  });
}

async function exchange(oidc: OidcSettings, code: string, verifier: string): Promise<{ accessToken?: string; idToken?: string } | undefined> {
  const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: oidc.redirectUrl, code_verifier: verifier });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (oidc.clientSecret) {
    // client_secret_basic (RFC 6749 2.3.1): both parts form-encoded before base64.
    const id = encodeURIComponent(oidc.clientId);
    const secret = encodeURIComponent(oidc.clientSecret);
    headers.authorization = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  } else {
    form.set('client_id', oidc.clientId);
  }
  try {
    const res = await fetch(oidc.tokenUrl, { method: 'POST', headers, body: form, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { access_token?: unknown; id_token?: unknown };
    return {
      accessToken: typeof body.access_token === 'string' ? body.access_token : undefined,
      idToken: typeof body.id_token === 'string' ? body.id_token : undefined,
    };
  } catch {
    return undefined;
  }
}
