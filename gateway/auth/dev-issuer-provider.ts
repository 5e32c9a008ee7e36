// The development issuer as an OpenID Connect provider, so the demo login runs through the same
// client code (openid-client, gateway/pages/shared/oidc-client.ts) as a real provider: discovery,
// JWKS, the authorization code with PKCE (S256), state and nonce, and a signed ID token.
//
// Deliberately small. The person is named in `login_hint`: the demo login page is where a tester
// picks one, so this issuer has no login page and keeps no login session of its own. That is also
// why it has no end_session endpoint: there is nothing there to end (logging out of the pages ends
// the pages' session). One client is registered: the pages, a public client with PKCE.
//
// Codes live in this process's memory for a minute and are redeemed once. The pages reach this
// issuer in-process (`fetch` below), because PUBLIC_URL need not resolve from the server itself
// (behind a proxy, in tests), so a code never has to cross to another instance.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { SignJWT } from 'jose';
import { findDemoPerson } from '../demo/people.js';
import { SIGNING_ALG, type KeyStore } from '../keys/key-store.js';
import { devIssuerUrl, signDevToken } from './dev-issuer.js';

/** The pages' client id at the development issuer. */
export const DEV_CLIENT_ID = 'ketenpoort-demo';
export const DEV_AUTHORIZE_PATH = '/oauth/authorize';
export const DEV_TOKEN_PATH = '/oauth/token';
export const DEV_DISCOVERY_PATH = '/.well-known/openid-configuration';
export const DEV_JWKS_PATH = '/jwks.json';

const CODE_LIFETIME_MS = 60_000;
/** Codes kept at most; more pending at once means someone is filling memory. */
const MAX_PENDING_CODES = 10_000;
const ACCESS_TOKEN_TTL_S = 8 * 3600;
const ID_TOKEN_TTL_S = 600;

interface PendingCode {
  personId: string;
  challenge: string;
  nonce?: string;
  until: number;
}

export interface DevAnswer {
  status: number;
  /** For a redirect (303). */
  location?: string;
  body?: Record<string, unknown>;
}

export interface DevProvider {
  readonly issuer: string;
  /** The one redirect URI registered for the pages. */
  readonly redirectUri: string;
  metadata(): Record<string, unknown>;
  authorize(query: URLSearchParams): DevAnswer;
  token(form: URLSearchParams): Promise<DevAnswer>;
  jwks(): Promise<DevAnswer>;
  /** A fetch for openid-client's `customFetch`: answers the issuer's own URLs in-process, nothing else. */
  fetch(url: string | URL, init?: { method?: string; body?: unknown }): Promise<Response>;
}

const providers = new WeakMap<KeyStore, DevProvider>();

/** The development provider of this gateway (one per key store, so routes and pages share its codes). */
export function devProvider(keys: KeyStore, publicUrl: string): DevProvider {
  let p = providers.get(keys);
  if (!p) {
    p = createDevProvider(keys, publicUrl);
    providers.set(keys, p);
  }
  return p;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function createDevProvider(keys: KeyStore, publicUrl: string): DevProvider {
  const issuer = devIssuerUrl(publicUrl);
  const redirectUri = `${publicUrl}/inloggen/terug`;
  const codes = new Map<string, PendingCode>();

  const back = (params: Record<string, string | undefined>): DevAnswer => {
    const to = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) to.searchParams.set(k, v);
    to.searchParams.set('iss', issuer);
    return { status: 303, location: to.toString() };
  };
  const tokenError = (status: number, error: string, description: string): DevAnswer => ({ status, body: { error, error_description: description } });

  const provider: DevProvider = {
    issuer,
    redirectUri,

    metadata: () => ({
      issuer,
      authorization_endpoint: `${issuer}${DEV_AUTHORIZE_PATH}`,
      token_endpoint: `${issuer}${DEV_TOKEN_PATH}`,
      jwks_uri: `${issuer}${DEV_JWKS_PATH}`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [SIGNING_ALG],
      token_endpoint_auth_methods_supported: ['none'],
      code_challenge_methods_supported: ['S256'],
      scopes_supported: ['openid'],
      claims_supported: ['sub', 'name', 'role', 'bsn', 'oin'],
      authorization_response_iss_parameter_supported: true,
    }),

    authorize(query) {
      // A request naming another client or return address is not sent anywhere (RFC 6749 4.1.2.1).
      if (query.get('client_id') !== DEV_CLIENT_ID || query.get('redirect_uri') !== redirectUri) {
        return tokenError(400, 'invalid_request', 'unknown client_id or redirect_uri');
      }
      const state = query.get('state') ?? undefined;
      if (query.get('response_type') !== 'code') return back({ error: 'unsupported_response_type', state });
      if (!(query.get('scope') ?? '').split(' ').includes('openid')) return back({ error: 'invalid_scope', state });
      const challenge = query.get('code_challenge');
      if (!challenge || query.get('code_challenge_method') !== 'S256') {
        return back({ error: 'invalid_request', error_description: 'PKCE with S256 is required', state });
      }
      const person = findDemoPerson(query.get('login_hint') ?? '');
      if (!person) return back({ error: 'login_required', error_description: 'login_hint must name a demo person', state });
      const now = Date.now();
      for (const [c, pending] of codes) if (pending.until < now) codes.delete(c);
      if (codes.size >= MAX_PENDING_CODES) return back({ error: 'temporarily_unavailable', state });
      const code = randomBytes(32).toString('base64url');
      codes.set(code, { personId: person.id, challenge, nonce: query.get('nonce') ?? undefined, until: now + CODE_LIFETIME_MS });
      return back({ code, state });
    },

    async token(form) {
      if (form.get('grant_type') !== 'authorization_code') return tokenError(400, 'unsupported_grant_type', 'only authorization_code');
      if (form.get('client_id') !== DEV_CLIENT_ID) return tokenError(401, 'invalid_client', 'unknown client_id');
      const code = form.get('code') ?? '';
      const pending = codes.get(code);
      // Redeemed once, whatever follows: a second try with the same code finds nothing.
      codes.delete(code);
      if (!pending || pending.until < Date.now()) return tokenError(400, 'invalid_grant', 'unknown, used or expired code');
      if (form.get('redirect_uri') !== redirectUri) return tokenError(400, 'invalid_grant', 'redirect_uri differs');
      if (!same(sha256(form.get('code_verifier') ?? ''), pending.challenge)) return tokenError(400, 'invalid_grant', 'code_verifier does not match');
      const person = findDemoPerson(pending.personId)!;
      const { kid, alg, key } = await keys.signer('dev-issuer');
      const idClaims: Record<string, unknown> = { name: person.name, auth_time: Math.floor(Date.now() / 1000) };
      if (pending.nonce) idClaims.nonce = pending.nonce;
      const idToken = await new SignJWT(idClaims)
        .setProtectedHeader({ alg, kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(DEV_CLIENT_ID)
        .setSubject(person.id)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime(`${ID_TOKEN_TTL_S}s`)
        .sign(key);
      const accessToken = await signDevToken(keys, person, { publicUrl, ttlSeconds: ACCESS_TOKEN_TTL_S });
      return { status: 200, body: { access_token: accessToken, id_token: idToken, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL_S } };
    },

    async jwks() {
      return { status: 200, body: await keys.jwks('dev-issuer') };
    },

    async fetch(input, init) {
      const url = new URL(input);
      const path = url.href.startsWith(`${issuer}/`) ? url.pathname.slice(new URL(issuer).pathname.length) : undefined;
      const method = (init?.method ?? 'GET').toUpperCase();
      let answer: DevAnswer;
      if (method === 'GET' && path === DEV_DISCOVERY_PATH) answer = { status: 200, body: provider.metadata() };
      else if (method === 'GET' && path === DEV_JWKS_PATH) answer = await provider.jwks();
      else if (method === 'GET' && path === DEV_AUTHORIZE_PATH) answer = provider.authorize(url.searchParams);
      else if (method === 'POST' && path === DEV_TOKEN_PATH) answer = await provider.token(formOf(init?.body));
      else throw new TypeError(`not an address of the development issuer: ${method} ${url.origin}${url.pathname}`);
      return toResponse(answer);
    },
  };
  return provider;
}

function formOf(body: unknown): URLSearchParams {
  if (body instanceof URLSearchParams) return body;
  return new URLSearchParams(typeof body === 'string' ? body : '');
}

export function toResponse(answer: DevAnswer): Response {
  if (answer.location) return new Response(null, { status: answer.status, headers: { location: answer.location, 'cache-control': 'no-store' } });
  return new Response(JSON.stringify(answer.body ?? {}), { status: answer.status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });
}
