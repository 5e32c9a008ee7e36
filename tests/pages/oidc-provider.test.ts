// The pages' OpenID Connect login against a real provider: panva's oidc-provider, running in this
// test on loopback with its development login screens, JWT access tokens for the gateway (resource
// indicator urn:ketenpoort, audience ketenpoort, the claims role/name/bsn), refresh tokens and
// RP-initiated logout. The "browser" here is fetch with a cookie jar per site.
//
// Key rotation: two provider instances, one with the old key and one with the new; the test
// decides which serves which path, as a provider cluster in the middle of a rotation would.
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { startRuntime, type Runtime } from '../../gateway/runtime.js';
import { testConfig } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { Visitor } from './support/http.js';

const PAGES = 'http://ketenpoort.test';
const fatima = findDemoPerson('client-fatima')!;
/** The provider's accounts: the login name on its login screen, and the claims the gateway needs. */
const ACCOUNTS: Record<string, Record<string, string>> = {
  fatima: { role: 'client', name: fatima.name, bsn: fatima.bsn! },
};
const ACCESS_TOKEN_TTL_S = 240;

let oldProvider: Provider;
let newProvider: Provider;
/** Which provider answers: all paths, and (during a rotation) the key set on its own. */
let serving: Provider;
let jwksServedBy: Provider | undefined;
let server: Server;
let issuer: string;
let runtime: Runtime;
let database: TestDatabase;
/** The gateway's warnings: why a login was refused. */
const warnings: { msg: string; err?: { message?: string; reason?: string; error?: string } }[] = [];

async function signingKey(kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
}

function provider(keys: JWK[]): Provider {
  const p = new Provider(issuer, {
    clients: [
      {
        client_id: 'pages',
        client_secret: 'geheim-voor-de-test',
        redirect_uris: [`${PAGES}/inloggen/terug`],
        post_logout_redirect_uris: [`${PAGES}/inloggen/uitgelogd`],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'ES256',
      },
    ],
    jwks: { keys },
    cookies: { keys: ['cookie-key-of-the-test-provider'] },
    pkce: { required: () => true },
    async findAccount(_ctx, id) {
      const claims = ACCOUNTS[id];
      return claims ? { accountId: id, claims: async () => ({ sub: id, name: claims.name }) } : undefined;
    },
    // A first-party client: no consent screen (oidc-provider's documented way to skip it).
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId });
      grant.addOIDCScope('openid');
      grant.addResourceScope('urn:ketenpoort', 'ketenpoort');
      await grant.save();
      return grant;
    },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    async extraTokenClaims(_ctx, token) {
      return token.kind === 'AccessToken' && token.accountId ? ACCOUNTS[token.accountId] : undefined;
    },
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'urn:ketenpoort',
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'ketenpoort',
          audience: 'ketenpoort',
          accessTokenFormat: 'jwt',
          accessTokenTTL: ACCESS_TOKEN_TTL_S,
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
  });
  return p;
}

beforeAll(async () => {
  const handlers = new Map<Provider, (req: IncomingMessage, res: ServerResponse) => void>();
  const handler = (p: Provider) => {
    let h = handlers.get(p);
    if (!h) handlers.set(p, (h = p.callback()));
    return h;
  };
  server = createServer((req, res) => handler(jwksServedBy && req.url?.startsWith('/jwks') ? jwksServedBy : serving)(req, res));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const [oldKey, newKey] = [await signingKey('sleutel-oud'), await signingKey('sleutel-nieuw')];
  oldProvider = provider([oldKey]);
  newProvider = provider([newKey]);
  serving = oldProvider;

  database = await createTestDatabase();
  const config = testConfig({
    ...database.env,
    DEV_ISSUER: 'off',
    OIDC_ISSUER: issuer,
    OIDC_JWKS_URL: `${issuer}/jwks`,
    OIDC_CLIENT_ID: 'pages',
    OIDC_CLIENT_SECRET: 'geheim-voor-de-test',
    OIDC_SCOPE: 'openid ketenpoort',
    OIDC_PROVIDER_NAME: 'DigiD (test)',
    LOG_LEVEL: 'warn',
  });
  const logDestination = new Writable({
    write(chunk, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line.startsWith('{')) warnings.push(JSON.parse(line));
      done();
    },
  });
  runtime = await startRuntime(config, { demo: true, db: database.db, logDestination });
}, 120_000);

afterAll(async () => {
  await runtime?.close();
  await database?.drop();
  await new Promise((ok) => server?.close(ok));
});

/** A browser's cookies at the provider (its session, its login screens). */
class ProviderJar {
  readonly cookies = new Map<string, string>();
  header = () => [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  keep(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const gone = attrs.some((a) => /^\s*expires=thu, 01 jan 1970/i.test(a) || /^\s*max-age=0\s*$/i.test(a));
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, pair!.slice(eq + 1).trim());
    }
  }
}

interface ProviderVisit {
  /** Where the provider sent the browser back to the pages, if it did. */
  back?: URL;
  /** The provider's screens shown on the way (prompt names: login, logout). */
  screens: string[];
}

/**
 * Follows the provider's redirects and fills in its screens as a person would (log in as `login`;
 * confirm logging out), until the provider sends the browser back to the pages.
 */
async function atProvider(start: string, jar: ProviderJar, login = 'fatima'): Promise<ProviderVisit> {
  const screens: string[] = [];
  let url = start;
  let form: URLSearchParams | undefined;
  for (let step = 0; step < 12; step++) {
    const res = await fetch(url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { cookie: jar.header(), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: form?.toString(),
    });
    jar.keep(res);
    form = undefined;
    const location = res.headers.get('location');
    if (location) {
      const next = new URL(location, url);
      if (next.origin === PAGES) return { back: next, screens };
      url = next.toString();
      continue;
    }
    const page = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
    if (res.status !== 200 || !action) throw new Error(`provider answered ${res.status}: ${page.slice(0, 300)}`);
    url = new URL(action.replace(/&amp;/g, '&'), url).toString();
    const prompt = /name="prompt" value="([^"]+)"/.exec(page)?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page)?.[1];
    if (prompt === 'login') {
      screens.push('login');
      form = new URLSearchParams({ prompt, login, password: 'wat-dan-ook' });
    } else if (xsrf) {
      screens.push('logout');
      form = new URLSearchParams({ xsrf, logout: 'yes' });
    } else {
      screens.push(prompt ?? 'unknown');
      form = new URLSearchParams({ prompt: prompt ?? '' });
    }
  }
  throw new Error('the provider kept redirecting');
}

interface Login {
  visitor: Visitor;
  jar: ProviderJar;
  /** The pages' answer on return from the provider. */
  done: { status: number; location: string | null };
  /** The return address the provider gave, and the browser's flow cookie at that moment. */
  back: URL;
  flowCookie: string;
  screens: string[];
}

/** Presses the login button on the pages, goes through the provider and returns to the pages. */
async function login(options: { jar?: ProviderJar; visitor?: Visitor; terug?: string; tamper?: (back: URL) => void } = {}): Promise<Login> {
  const visitor = options.visitor ?? new Visitor(runtime.url);
  const jar = options.jar ?? new ProviderJar();
  const start = await visitor.get(`/inloggen/oidc?terug=${encodeURIComponent(options.terug ?? '/mijn/toestemmingen')}`);
  expect(start.status).toBe(303);
  expect(start.location!.startsWith(`${issuer}/`)).toBe(true);
  const { back, screens } = await atProvider(start.location!, jar);
  expect(back?.pathname).toBe('/inloggen/terug');
  options.tamper?.(back!);
  const flowCookie = visitor.cookie('kp_oidc')!;
  const done = await visitor.get(`${back!.pathname}${back!.search}`);
  return { visitor, jar, done, back: back!, flowCookie, screens };
}

const sessionRows = () => database.db.prisma.paginaSessie.count();

describe('login at a real OpenID Connect provider (oidc-provider)', () => {
  it('logs in with the code flow, PKCE, state and nonce; the graph accepts the provider’s access token', async () => {
    const before = await sessionRows();
    const { visitor, done, screens } = await login();
    expect(screens).toEqual(['login']);
    expect(done.status).toBe(303);
    expect(done.location).toBe('/mijn/toestemmingen');
    expect(visitor.cookie('kp_oidc')).toBeUndefined();
    const page = await visitor.get('/mijn/toestemmingen');
    expect(page.status).toBe(200);
    expect(page.text).toContain(fatima.name);
    expect(page.text).toContain('Werkfit');
    expect(await sessionRows()).toBe(before + 1);
  });

  it('asks the provider with PKCE S256, state and nonce', async () => {
    const start = await new Visitor(runtime.url).get('/inloggen/oidc');
    const url = new URL(start.location!);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('nonce')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('redirect_uri')).toBe(`${PAGES}/inloggen/terug`);
  });

  it('starts no session when the state that comes back is not this browser’s', async () => {
    const before = await sessionRows();
    warnings.length = 0;
    const { visitor, done } = await login({ tamper: (back) => back.searchParams.set('state', 'iets-anders') });
    expect(done.location).toBe('/inloggen?fout=1');
    expect(warnings.map((w) => `${w.msg}: ${w.err?.reason}`)).toEqual(['oidc login refused: unexpected "state" response parameter value']);
    expect(visitor.cookie('kp_sessie')).toBeUndefined();
    expect(await sessionRows()).toBe(before);
    const page = await visitor.get(done.location!);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Inloggen is niet gelukt');
  });

  it('redeems a code once: the same return replayed, even with a copy of the flow cookie, starts no session', async () => {
    const first = await login();
    expect(first.done.location).toBe('/mijn/toestemmingen');
    const before = await sessionRows();
    const thief = new Visitor(runtime.url);
    thief.jar.set('kp_oidc', first.flowCookie);
    warnings.length = 0;
    const replay = await thief.get(`${first.back.pathname}${first.back.search}`);
    expect(replay.status).toBe(303);
    expect(replay.location).toBe('/inloggen?fout=1');
    // Refused by the provider: the code was redeemed before.
    expect(warnings.map((w) => w.err?.error)).toEqual(['invalid_grant']);
    expect(thief.cookie('kp_sessie')).toBeUndefined();
    expect(await sessionRows()).toBe(before);
  });

  it('accepts at once a login signed with the provider’s new key after it rotated', async () => {
    serving = newProvider;
    try {
      const { visitor, done } = await login();
      expect(done.location).toBe('/mijn/toestemmingen');
      expect((await visitor.get('/mijn/toestemmingen')).status).toBe(200);
    } finally {
      serving = oldProvider;
    }
  });

  it('refuses an ID token signed with the old key after the provider rotated it out', async () => {
    // The provider publishes only the new key; the node that signs still uses the old one.
    jwksServedBy = newProvider;
    try {
      const before = await sessionRows();
      warnings.length = 0;
      const { visitor, done } = await login();
      expect(done.location).toBe('/inloggen?fout=1');
      expect(visitor.cookie('kp_sessie')).toBeUndefined();
      expect(await sessionRows()).toBe(before);
      // Refused by the pages' ID token check, before the gateway is even shown the access token.
      expect(warnings.map((w) => `${w.msg}: ${w.err?.message}`)).toEqual([expect.stringMatching(/^oidc login refused: .*no applicable keys found/)]);
    } finally {
      jwksServedBy = undefined;
    }
  });

  it('refreshes the tokens past half their life: a new session, the old one ended', async () => {
    const { visitor } = await login();
    const first = visitor.cookie('kp_sessie')!;
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + (ACCESS_TOKEN_TTL_S / 2 + 30) * 1000 });
    try {
      // A page updating itself is not the person's use: no refresh, no new session.
      const live = await fetch(`${runtime.url}/mijn/toestemmingen`, { headers: { cookie: `kp_sessie=${first}`, 'kp-live-refresh': '1' }, redirect: 'manual' });
      expect(live.status).toBe(200);
      expect(live.headers.getSetCookie().filter((c) => c.startsWith('kp_sessie='))).toEqual([]);
      const page = await visitor.get('/mijn/toestemmingen');
      expect(page.status).toBe(200);
      expect(page.text).toContain(fatima.name);
      const second = visitor.cookie('kp_sessie')!;
      expect(second).not.toBe(first);
      // The refreshed session works on its own; the one before it is over.
      expect((await visitor.get('/mijn')).status).toBe(200);
      const old = new Visitor(runtime.url);
      old.jar.set('kp_sessie', first);
      expect((await old.get('/mijn')).location).toBe('/inloggen?terug=%2Fmijn');
    } finally {
      vi.useRealTimers();
    }
  });

  it('logs out at the provider too: its session ends, so the next login asks for the password again', async () => {
    const { visitor, jar } = await login();
    // While the provider's session lasts, a second login needs no password.
    const again = await login({ jar, visitor });
    expect(again.screens).toEqual([]);
    expect(again.done.location).toBe('/mijn/toestemmingen');

    const copy = visitor.cookie('kp_sessie')!;
    const out = await visitor.post('/uitloggen', { _csrf: await visitor.csrfFrom('/mijn') });
    expect(out.status).toBe(303);
    const endSession = new URL(out.location!);
    expect(endSession.origin).toBe(issuer);
    expect(endSession.searchParams.get('id_token_hint')).toBeTruthy();
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${PAGES}/inloggen/uitgelogd`);
    // Ended here at once, before the provider is even asked.
    const other = new Visitor(runtime.url);
    other.jar.set('kp_sessie', copy);
    expect((await other.get('/mijn')).location).toBe('/inloggen?terug=%2Fmijn');

    const { back, screens } = await atProvider(out.location!, jar);
    expect(screens).toEqual(['logout']);
    expect(back?.href).toBe(`${PAGES}/inloggen/uitgelogd`);
    const landed = await visitor.get(back!.pathname);
    expect(landed.location).toBe('/inloggen?uitgelogd=1');
    expect((await visitor.get(landed.location!)).text).toContain('U bent uitgelogd.');

    const next = await login({ jar, visitor });
    expect(next.screens).toEqual(['login']);
    expect(next.done.location).toBe('/mijn/toestemmingen');
  });
});
