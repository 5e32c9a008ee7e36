// The OpenID Connect login (openid-client) against a small hand-written provider on loopback, which
// can misbehave on purpose (an ID token with another login's nonce): the authorization-code flow
// with PKCE, state and nonce; the provider's token ends up in the server-side session and the graph
// accepts it. A wrong state or nonce starts no session. The same flow against a real provider
// (oidc-provider): oidc-provider.test.ts. The development issuer's provider endpoints: below.
import { createHash, randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { SignJWT, decodeJwt, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../gateway/config.js';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { startRuntime, type Runtime } from '../../gateway/runtime.js';
import { startTestApp, testConfig, type TestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { Visitor } from './support/http.js';

const fatima = findDemoPerson('client-fatima')!;
let provider: FastifyInstance;
let providerUrl: string;
let runtime: Runtime;
let database: TestDatabase;
/** What the provider will put in the next ID token's nonce; undefined: the one it was given. */
let forcedNonce: string | undefined;

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-provider-1', alg: 'ES256', use: 'sig' };
  const codes = new Map<string, { challenge: string; nonce: string }>();
  provider = Fastify();
  await provider.register(import('@fastify/formbody'));
  provider.get('/.well-known/openid-configuration', async () => ({
    issuer: providerUrl,
    authorization_endpoint: `${providerUrl}/authorize`,
    token_endpoint: `${providerUrl}/token`,
    jwks_uri: `${providerUrl}/jwks`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
    code_challenge_methods_supported: ['S256'],
  }));
  provider.get('/jwks', async () => ({ keys: [jwk] }));
  provider.get<{ Querystring: Record<string, string> }>('/authorize', async (request, reply) => {
    const q = request.query;
    const code = randomUUID();
    codes.set(code, { challenge: q.code_challenge!, nonce: q.nonce! });
    return reply.redirect(`${q.redirect_uri}?code=${code}&state=${encodeURIComponent(q.state!)}`, 302);
  });
  provider.post<{ Body: Record<string, string> }>('/token', async (request, reply) => {
    const b = request.body;
    const grant = codes.get(b.code!);
    codes.delete(b.code!);
    const auth = request.headers.authorization ?? '';
    const verifierOk = grant && createHash('sha256').update(b.code_verifier ?? '').digest('base64url') === grant.challenge;
    if (!grant || !verifierOk || auth !== `Basic ${Buffer.from('pages:geheim').toString('base64')}`) return reply.code(400).send({ error: 'invalid_grant' });
    const sign = (claims: Record<string, unknown>, aud: string) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: jwk.kid }).setIssuer(providerUrl).setAudience(aud).setSubject('digid-123').setIssuedAt().setExpirationTime('1h').sign(privateKey);
    return {
      access_token: await sign({ role: 'client', name: fatima.name, bsn: fatima.bsn }, 'ketenpoort'),
      id_token: await sign({ nonce: forcedNonce ?? grant.nonce }, 'pages'),
      token_type: 'Bearer',
    };
  });
  providerUrl = (await provider.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
  database = await createTestDatabase();
  const config = testConfig({
    ...database.env,
    DEV_ISSUER: 'off',
    OIDC_ISSUER: providerUrl,
    OIDC_JWKS_URL: `${providerUrl}/jwks`,
    OIDC_CLIENT_ID: 'pages',
    OIDC_CLIENT_SECRET: 'geheim',
    OIDC_PROVIDER_NAME: 'DigiD (test)',
  });
  runtime = await startRuntime(config, { demo: true, db: database.db });
}, 120_000);

afterAll(async () => {
  await runtime?.close();
  await database?.drop();
  await provider?.close();
});

/** Follows the login button to the provider and back, as a browser would; returns the callback answer. */
async function loginThroughProvider(v: Visitor, tamperState = false, terug = '/mijn/toestemmingen') {
  const start = await v.get(`/inloggen/oidc?terug=${encodeURIComponent(terug)}`);
  expect(start.status).toBe(303);
  const authorize = new URL(start.location!);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('redirect_uri')).toBe('http://ketenpoort.test/inloggen/terug');
  const atProvider = await fetch(authorize, { redirect: 'manual' });
  const back = new URL(atProvider.headers.get('location')!);
  if (tamperState) back.searchParams.set('state', 'iets-anders');
  return v.get(`${back.pathname}${back.search}`);
}

describe('login with an OpenID Connect provider', () => {
  it('offers the provider and no demo people when the development issuer is off', async () => {
    const page = await new Visitor(runtime.url).get('/inloggen');
    expect(page.text).toContain('Inloggen bij DigiD (test)');
    expect(page.text).not.toContain('Kies met wie u wilt inloggen');
  });

  it('logs in with the code flow and uses the provider token for the graph', async () => {
    const v = new Visitor(runtime.url);
    const done = await loginThroughProvider(v);
    expect(done.status).toBe(303);
    expect(done.location).toBe('/mijn/toestemmingen');
    const page = await v.get('/mijn/toestemmingen');
    expect(page.status).toBe(200);
    expect(page.text).toContain(fatima.name);
    expect(page.text).toContain('Werkfit');
  });

  it('does not return to another site after an OIDC login either', async () => {
    for (const terug of ['//evil.example/mijn', '/\\evil.example', '/%2F%2Fevil.example', 'https://evil.example', '/.//evil.example']) {
      const done = await loginThroughProvider(new Visitor(runtime.url), false, terug);
      expect(done.status).toBe(303);
      expect(done.location, terug).toBe('/mijn');
    }
  });

  it('ends the provider login’s session on logout: a copy of the cookie stops working', async () => {
    const v = new Visitor(runtime.url);
    await loginThroughProvider(v);
    const copy = v.cookie('kp_sessie')!;
    await v.post('/uitloggen', { _csrf: await v.csrfFrom('/mijn') });
    const other = new Visitor(runtime.url);
    other.jar.set('kp_sessie', copy);
    const res = await other.get('/mijn/toestemmingen');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/inloggen?terug=%2Fmijn%2Ftoestemmingen');
  });

  it('starts no session when the state does not match', async () => {
    const v = new Visitor(runtime.url);
    const done = await loginThroughProvider(v, true);
    expect(done.location).toBe('/inloggen?fout=1');
    expect(v.cookie('kp_sessie')).toBeUndefined();
  });

  it('starts no session when the ID token carries another nonce', async () => {
    forcedNonce = 'van-een-andere-login';
    try {
      const v = new Visitor(runtime.url);
      const done = await loginThroughProvider(v);
      expect(done.location).toBe('/inloggen?fout=1');
      expect(v.cookie('kp_sessie')).toBeUndefined();
    } finally {
      forcedNonce = undefined;
    }
  });
});

describe('the development issuer as an OpenID Connect provider (the demo login’s other side)', () => {
  let t: TestApp;
  const issuer = 'http://ketenpoort.test/dev-issuer';
  const redirect = 'http://ketenpoort.test/inloggen/terug';
  const verifier = 'een-geheime-verifier-van-minstens-drieenveertig-tekens';
  const challenge = createHash('sha256').update(verifier).digest('base64url');

  // A provider is configured too, at an address where nothing answers.
  beforeAll(async () => {
    t = await startTestApp({ env: { OIDC_ISSUER: 'http://127.0.0.1:9', OIDC_JWKS_URL: 'http://127.0.0.1:9/jwks', OIDC_CLIENT_ID: 'pages', OIDC_PROVIDER_NAME: 'DigiD (test)' } });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  const authorize = (params: Record<string, string>) =>
    fetch(`${t.url}/dev-issuer/oauth/authorize?${new URLSearchParams({ client_id: 'ketenpoort-demo', redirect_uri: redirect, response_type: 'code', scope: 'openid', state: 's1', nonce: 'n1', code_challenge: challenge, code_challenge_method: 'S256', login_hint: 'client-fatima', ...params })}`, { redirect: 'manual' });
  const redeem = (code: string, codeVerifier = verifier) =>
    fetch(`${t.url}/dev-issuer/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: 'ketenpoort-demo', redirect_uri: redirect, code, code_verifier: codeVerifier }),
    });
  const codeOf = async (res: Response) => {
    expect(res.status).toBe(303);
    const back = new URL(res.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(redirect);
    expect(back.searchParams.get('state')).toBe('s1');
    expect(back.searchParams.get('iss')).toBe(issuer);
    return back.searchParams.get('code')!;
  };

  it('serves the discovery document openid-client reads', async () => {
    const doc = (await (await fetch(`${t.url}/dev-issuer/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(doc).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      jwks_uri: `${issuer}/jwks.json`,
      code_challenge_methods_supported: ['S256'],
    });
    expect(doc).not.toHaveProperty('end_session_endpoint');
  });

  it('redeems a code once, only with its PKCE verifier; the ID token carries the nonce', async () => {
    const wrong = await codeOf(await authorize({}));
    expect((await redeem(wrong, 'een-andere-verifier-van-minstens-drieenveertig-tekens')).status).toBe(400);
    // Refused once, gone: the right verifier no longer helps.
    expect(await (await redeem(wrong)).json()).toMatchObject({ error: 'invalid_grant' });

    const code = await codeOf(await authorize({}));
    const ok = await redeem(code);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { id_token: string; access_token: string };
    expect(decodeJwt(body.id_token)).toMatchObject({ iss: issuer, aud: 'ketenpoort-demo', sub: 'client-fatima', nonce: 'n1' });
    expect(decodeJwt(body.access_token)).toMatchObject({ aud: 'ketenpoort', role: 'client', bsn: fatima.bsn });
    expect((await redeem(code)).status).toBe(400);
  });

  it('sends no one elsewhere, and demands PKCE and a demo person', async () => {
    const elsewhere = await authorize({ redirect_uri: 'https://evil.example/terug' });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.headers.get('location')).toBeNull();
    for (const [params, error] of [[{ code_challenge_method: 'plain' }, 'invalid_request'], [{ login_hint: 'niemand' }, 'login_required']] as const) {
      const res = await authorize(params);
      expect(res.status).toBe(303);
      const back = new URL(res.headers.get('location')!);
      expect(back.searchParams.get('error')).toBe(error);
      expect(back.searchParams.get('code')).toBeNull();
    }
  });

  it('says in Dutch that the provider cannot be reached, and the demo login still works', async () => {
    const v = new Visitor(t.url);
    const start = await v.get('/inloggen/oidc');
    expect(start.status).toBe(303);
    expect(start.location).toBe('/inloggen?fout=dienst');
    expect(v.cookie('kp_oidc')).toBeUndefined();
    const page = await v.get(start.location!);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Inloggen bij DigiD (test) lukt nu niet.');
    const demo = await v.login('client-fatima', '/mijn');
    expect(demo.location).toBe('/mijn');
    expect((await v.get('/mijn')).status).toBe(200);
  });
});

describe('the login settings', () => {
  const base = { NODE_ENV: 'test', OIDC_ISSUER: 'https://login.example.nl/realms/keten', OIDC_JWKS_URL: 'https://login.example.nl/realms/keten/certs' };

  it('refuses the endpoint settings that discovery replaced, naming them', () => {
    for (const gone of ['OIDC_AUTHORIZATION_URL', 'OIDC_TOKEN_URL']) {
      expect(() => loadConfig({ ...base, OIDC_CLIENT_ID: 'pages', [gone]: 'https://login.example.nl/x' })).toThrow(`${gone}: no longer used`);
    }
  });

  it('needs the provider (OIDC_ISSUER) for the login button', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', OIDC_CLIENT_ID: 'pages' })).toThrow('OIDC_ISSUER: required with OIDC_CLIENT_ID');
    expect(loadConfig({ ...base, OIDC_CLIENT_ID: 'pages' }).OIDC_CLIENT_ID).toBe('pages');
  });
});
