// Rate limits and load shedding, tried as an attacker would: floods of forged tokens, failed
// logins, consent grants by script, spread over two instances; and a gateway whose event loop
// lags. Every refusal is 429 (or 503) with Retry-After, in the answer's own form (GraphQL error,
// problem+json, Dutch page), and writes nothing but the shared counter.
// Callers are told apart by address through X-Forwarded-For (TRUST_PROXY=127.0.0.1), so each test
// has addresses of its own; limits count per clock-aligned window, so a test that needs its whole
// count in one window first waits out a window that is about to end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, usingPostgres, type TestDatabase } from '../support/database.js';
import { QUIET, REQUEST, REVOKE, clearConsents, endOf, gql, trajectOf, WERKFIT } from '../consent/helpers.js';
import { Visitor } from '../pages/support/http.js';
import { writtenRows } from '../support/written.js';

const LIMITS = {
  RATE_LIMIT_PER_MINUTE: '40',
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '30',
  RATE_LIMIT_LOGIN_PER_MINUTE: '5',
  RATE_LIMIT_CONSENT_GRANTS_PER_HOUR: '3',
  TRUST_PROXY: '127.0.0.1',
};
const PER_CALLER = 40;
const ANONYMOUS = 30;
const LOGINS = 5;
const GRANTS = 3;

let database: TestDatabase;
let a: TestApp;
let b: TestApp;
beforeAll(async () => {
  database = await createTestDatabase();
  a = await startTestApp({ database, env: { ...QUIET, ...LIMITS } });
  b = await startTestApp({ database, env: { ...QUIET, ...LIMITS } });
  await clearConsents(a);
}, 120_000);
afterAll(async () => {
  await b?.close();
  await a?.close();
  await database?.drop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits for the next window when fewer than `needMs` are left of the running one. */
async function roomInWindow(windowMs: number, needMs = 15_000) {
  const left = windowMs - (Date.now() % windowMs);
  if (left < needMs) await sleep(left + 50);
}
/** An address of a documentation range (RFC 5737), new for every call. */
let next = 0;
const freshAddress = () => `203.0.113.${(next++ % 250) + 1}`;
const from = (ip: string) => ({ 'x-forwarded-for': ip });

async function graphqlRaw(t: TestApp, token: string | undefined, headers: Record<string, string>, query = '{ ik { rol } }') {
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { data?: unknown; errors?: { message: string; extensions: { code: string; retryAfter?: number } }[] };
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body, codes: (body.errors ?? []).map((e) => e.extensions.code) };
}

/** A token of a real person with its signature bent: verifiable shape, forged content. */
async function forgedTokens(n: number): Promise<string[]> {
  const real = await a.token('km-jan');
  const [h, p, s] = real.split('.');
  return Array.from({ length: n }, (_, i) =>
    i % 3 === 0 ? `${h}.${p}.${s!.slice(0, -6)}${String(i).padStart(6, 'A')}` : i % 3 === 1 ? `${h}.${p}x.${s}` : `garbage-${i}`,
  );
}

function expectRetryAfter(value: string | null, maxSeconds: number) {
  expect(value, 'Retry-After header').not.toBeNull();
  const seconds = Number(value);
  expect(Number.isInteger(seconds)).toBe(true);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(maxSeconds);
}

describe('hundreds of bad tokens', () => {
  it('are answered 401 up to the per-address limit, then 429 with Retry-After on /graphql; nothing is written', async () => {
    await roomInWindow(60_000);
    const ip = freshAddress();
    const before = await writtenRows(a);
    const answers = [];
    for (const token of await forgedTokens(300)) answers.push(await graphqlRaw(a, token, from(ip)));
    expect(answers.slice(0, ANONYMOUS).map((x) => x.status)).toEqual(Array(ANONYMOUS).fill(401));
    const refused = answers.slice(ANONYMOUS);
    expect(refused.map((x) => x.status)).toEqual(Array(300 - ANONYMOUS).fill(429));
    for (const r of refused) {
      expect(r.codes).toEqual(['RATE_LIMITED']);
      expectRetryAfter(r.retryAfter, 60);
      expect(r.body.errors![0]!.extensions.retryAfter).toBe(Number(r.retryAfter));
    }
    expect(await writtenRows(a)).toEqual(before);
    // The shared counter holds hashes, never the address in clear.
    const keys = await a.db.prisma.rateLimitCounter.findMany({ select: { key: true } });
    expect(keys.length).toBeGreaterThan(0);
    expect(JSON.stringify(keys)).not.toContain(ip);
  });

  it('on REST are answered 429 as problem+json with Retry-After, on the other instance too', async () => {
    await roomInWindow(60_000);
    const ip = freshAddress();
    const before = await writtenRows(a);
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < ANONYMOUS + 20; i++) {
      last = await fetch(`${(i % 2 ? a : b).url}/toestemmingen/00000000-0000-4000-8000-000000000000/token`, {
        headers: { authorization: `Bearer not-a-token-${i}`, ...from(ip) },
      });
      statuses.push(last.status);
      if (last.status !== 429) await last.arrayBuffer();
      // Spread over time a little so the two instances learn each other's counts.
      if (i % 10 === 9) await sleep(300);
    }
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(ANONYMOUS - 1);
    // Each instance alone has seen about half: only the shared count can refuse (sync lag allows a few more).
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(ANONYMOUS + 6);
    expect(statuses.at(-1)).toBe(429);
    expect(last!.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expectRetryAfter(last!.headers.get('retry-after'), 60);
    const problem = (await last!.json()) as { code: string; status: number; retryAfter: number };
    expect(problem).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfter: Number(last!.headers.get('retry-after')) });
    expect(await writtenRows(a)).toEqual(before);
  });

  it('do not lock out a caller whose token was verified before, from the same address', async () => {
    await roomInWindow(60_000);
    const ip = freshAddress();
    const token = await a.token('auditor-leiden');
    expect((await graphqlRaw(a, token, from(freshAddress()))).status).toBe(200); // verified once, elsewhere
    for (const bad of await forgedTokens(ANONYMOUS + 5)) await graphqlRaw(a, bad, from(ip));
    expect((await graphqlRaw(a, 'still-bad', from(ip))).status).toBe(429);
    const mine = await graphqlRaw(a, token, from(ip));
    expect(mine.status).toBe(200);
    expect(mine.body.data).toEqual({ ik: { rol: 'auditor' } });
  });
});

describe('per authenticated caller', () => {
  it('counts each caller apart, whatever address they use, and refuses past the limit with 429', async () => {
    await roomInWindow(60_000);
    const jan = await a.token('km-jan');
    const sanne = await a.token('km-sanne');
    const statuses: number[] = [];
    for (let i = 0; i < PER_CALLER + 5; i++) statuses.push((await graphqlRaw(a, jan, from(freshAddress()))).status);
    expect(statuses.slice(0, PER_CALLER)).toEqual(Array(PER_CALLER).fill(200));
    expect(statuses.slice(PER_CALLER)).toEqual(Array(5).fill(429));
    const refused = await graphqlRaw(a, jan, from(freshAddress()));
    expect(refused.codes).toEqual(['RATE_LIMITED']);
    expectRetryAfter(refused.retryAfter, 60);
    // Another caller from the very same address as the last refusal is not affected.
    const other = await graphqlRaw(a, sanne, from('203.0.113.251'));
    expect(other.status).toBe(200);
    expect(other.body.data).toEqual({ ik: { rol: 'klantmanager' } });
  });

  it('is one count over two instances on one database', async () => {
    await roomInWindow(60_000);
    const token = await a.token('rib-aandeslag');
    for (let i = 0; i < PER_CALLER; i++) expect((await graphqlRaw(a, token, {})).status).toBe(200);
    await sleep(700); // A has shared its count
    // B has not answered this caller before: it refuses once it has learned A's count, after at most a sync or two.
    let onB = 0;
    let status = 0;
    while (onB < 6 && status !== 429) {
      status = (await graphqlRaw(b, token, {})).status;
      onB++;
      if (status !== 429) await sleep(300);
    }
    expect(status).toBe(429);
    expect(onB).toBeLessThanOrEqual(6);
    expect((await graphqlRaw(a, token, {})).status).toBe(429);
  });

  it('never limits /health and /ready', async () => {
    await roomInWindow(60_000);
    const ip = freshAddress();
    const statuses = new Set<number>();
    for (let i = 0; i < ANONYMOUS + 10; i++) {
      statuses.add((await fetch(`${a.url}/health`, { headers: from(ip) })).status);
      statuses.add((await fetch(`${a.url}/ready`, { headers: from(ip) })).status);
    }
    expect([...statuses]).toEqual([200]);
  });
});

describe('logging in', () => {
  /** One browser: the login form's CSRF cookie and token, then a post of `persoon`. */
  async function tryLogin(t: TestApp, ip: string, persoon: string) {
    const form = await fetch(`${t.url}/inloggen`, { headers: from(ip) });
    const html = await form.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? 'none';
    const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    return fetch(`${t.url}/inloggen`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, ...from(ip) },
      body: new URLSearchParams({ _csrf: csrf, persoon, terug: '/' }).toString(),
    });
  }

  it('refuses failed logins past the login limit with a Dutch 429 page and Retry-After; no session starts', async () => {
    await roomInWindow(60_000);
    const ip = freshAddress();
    for (let i = 0; i < LOGINS; i++) {
      const res = await tryLogin(a, ip, `niemand-${i}`);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/inloggen?fout=1');
    }
    const refused = await tryLogin(a, ip, 'client-fatima');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
    expectRetryAfter(refused.headers.get('retry-after'), 60);
    expect(await refused.text()).toContain('Even wachten');
    expect(refused.headers.getSetCookie().some((c) => c.startsWith('kp_sessie='))).toBe(false);
    // The development issuer's token is a login too: same count.
    const token = await fetch(`${a.url}/dev-issuer/token`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...from(ip) }, body: JSON.stringify({ person: 'km-jan' }),
    });
    expect(token.status).toBe(429);
    expectRetryAfter(token.headers.get('retry-after'), 60);
    // Another address logs in as usual.
    const elsewhere = await tryLogin(a, freshAddress(), 'client-fatima');
    expect(elsewhere.status).toBe(303);
    expect(elsewhere.headers.get('location')).toBe('/mijn');
  });
});

describe('a page session', () => {
  it("counts against its person, not against the address it comes from", async () => {
    await roomInWindow(60_000);
    const v = new Visitor(a.url);
    await v.login('client-dewi');
    const cookie = `kp_sessie=${v.cookie('kp_sessie')!}`;
    const ip = freshAddress();
    for (let i = 0; i < 5; i++) {
      const page = await fetch(`${a.url}/mijn`, { redirect: 'manual', headers: { cookie, ...from(ip) } });
      expect(page.status).toBe(200);
      await page.arrayBuffer();
    }
    // The address still has its whole anonymous allowance.
    const anonymous: number[] = [];
    for (let i = 0; i <= ANONYMOUS; i++) anonymous.push((await fetch(`${a.url}/.well-known/jwks.json`, { headers: from(ip) })).status);
    expect(anonymous.slice(0, ANONYMOUS)).toEqual(Array(ANONYMOUS).fill(200));
    expect(anonymous.at(-1)).toBe(429);
  });
});

describe('a copied session cookie after logout', () => {
  it('is refused by address before its session is read once the address is over its limit: a bounded number of refusals on record', async () => {
    await roomInWindow(60_000);
    const v = new Visitor(a.url);
    await v.login('km-sanne'); // a person no other test here counts much against
    const copy = v.cookie('kp_sessie')!;
    await v.post('/uitloggen', { _csrf: await v.csrfFrom('/klantmanager') });
    const ip = freshAddress();
    const before = await a.db.prisma.besluit.count({ where: { reason: 'session-ended' } });
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < ANONYMOUS + 40; i++) {
      last = await fetch(`${a.url}/klantmanager`, { redirect: 'manual', headers: { cookie: `kp_sessie=${copy}`, ...from(ip) } });
      statuses.push(last.status);
      await last.arrayBuffer();
    }
    expect(statuses.slice(0, ANONYMOUS)).toEqual(Array(ANONYMOUS).fill(303)); // to the login page, refusal on record
    expect(statuses.slice(ANONYMOUS)).toEqual(Array(40).fill(429));
    expectRetryAfter(last!.headers.get('retry-after'), 60);
    expect(last!.headers.get('content-type')).toMatch(/^text\/html/);
    // Each refusal the pages recorded is one the address was allowed to make; the rest cost nothing.
    const recorded = (await a.db.prisma.besluit.count({ where: { reason: 'session-ended' } })) - before;
    expect(recorded).toBe(ANONYMOUS);
  });
});

describe('granting consents', () => {
  const GRANT = 'mutation($i: ToestemmingInvoer!) { verleenToestemming(invoer: $i) { id } }';
  const APPROVE = 'mutation($id: ID!) { keurVerzoekGoed(verzoekId: $id) { id } }';

  it(`refuses a client's grants past the hourly limit with RATE_LIMITED and Retry-After, storing nothing, on either instance (${usingPostgres ? 'PostgreSQL' : 'PGlite'})`, async () => {
    await roomInWindow(3600_000);
    const traject = await trajectOf(a, 'client-fatima');
    const grant = { i: { trajectId: traject.id, bureau: WERKFIT, bevoegdheden: ['rapportage:schrijven'], geldigTot: endOf(traject) } };
    for (let i = 0; i < GRANTS; i++) {
      const t = i % 2 ? b : a; // the count is shared
      const granted = await gql(t, 'client-fatima', GRANT, grant);
      expect(granted.errors).toEqual([]);
      expect((await gql(t, 'client-fatima', REVOKE, { id: granted.data!.verleenToestemming.id })).errors).toEqual([]);
    }

    const before = await writtenRows(a);
    const res = await fetch(`${b.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await b.token('client-fatima')}` },
      body: JSON.stringify({ query: GRANT, variables: grant }),
    });
    expect(res.status).toBe(429);
    expectRetryAfter(res.headers.get('retry-after'), 3600);
    const body = (await res.json()) as { data: unknown; errors: { extensions: { code: string; retryAfter: number } }[] };
    expect(body.data).toBeNull();
    expect(body.errors.map((e) => e.extensions.code)).toEqual(['RATE_LIMITED']);
    expect(body.errors[0]!.extensions.retryAfter).toBe(Number(res.headers.get('retry-after')));
    expect(await writtenRows(a)).toEqual(before);

    // Approving a bureau's request is a grant too: the request stays open, no consent is made.
    const asked = await gql(a, 'rib-werkfit', REQUEST, { invoer: { trajectId: traject.id, bevoegdheden: ['rapportage:schrijven'], geldigTot: endOf(traject) } });
    expect(asked.errors).toEqual([]);
    const afterAsk = await writtenRows(a);
    const approve = await gql(a, 'client-fatima', APPROVE, { id: asked.data!.vraagToestemming.id });
    expect(approve.codes).toEqual(['RATE_LIMITED']);
    expect(await writtenRows(a)).toEqual(afterAsk);
    const request = await a.db.prisma.consentRequest.findUniqueOrThrow({ where: { id: asked.data!.vraagToestemming.id } });
    expect(request.status).toBe('pending');
  });
});

describe('under pressure', () => {
  let p: TestApp;
  beforeAll(async () => {
    p = await startTestApp({ env: { ...QUIET, PRESSURE_EVENT_LOOP_DELAY_MS: '30' } });
  }, 120_000);
  afterAll(() => p?.close());

  const status = async (path: string) => (await fetch(`${p.url}${path}`)).status;

  it('sheds load with 503 and Retry-After while the event loop lags; /ready says not ready, /health still answers', async () => {
    await expect.poll(() => status('/ready'), { timeout: 15_000, interval: 100 }).toBe(200);
    const token = await p.token('km-jan');
    const before = await writtenRows(p);
    // The gateway runs in this process: block its event loop 150 ms of every 160 ms. Requests still
    // get through in the gaps, late, and the lag is far above 30 ms.
    let blocking = true;
    const blocker = (async () => {
      while (blocking) {
        const until = Date.now() + 150;
        while (Date.now() < until);
        await sleep(10);
      }
    })();
    try {
      await expect.poll(() => status('/ready'), { timeout: 15_000, interval: 50 }).toBe(503);
      const ready = await fetch(`${p.url}/ready`);
      expect(ready.status).toBe(503);
      expectRetryAfter(ready.headers.get('retry-after'), 60);
      expect(await ready.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE', detail: expect.stringMatching(/^under pressure: the event loop lags \d+ ms/) });
      expect(await status('/health')).toBe(200);

      const graph = await graphqlRaw(p, token, {});
      expect(graph.status).toBe(503);
      expect(graph.codes).toEqual(['SERVICE_UNAVAILABLE']);
      expectRetryAfter(graph.retryAfter, 60);

      const rest = await fetch(`${p.url}/toestemmingen/00000000-0000-4000-8000-000000000000/token`, { headers: { authorization: `Bearer ${token}` } });
      expect(rest.status).toBe(503);
      expect(rest.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expectRetryAfter(rest.headers.get('retry-after'), 60);
      expect(await rest.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });

      const page = await fetch(`${p.url}/inloggen`);
      expect(page.status).toBe(503);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expectRetryAfter(page.headers.get('retry-after'), 60);
      expect(await page.text()).toContain('Even wachten');
    } finally {
      blocking = false;
      await blocker;
    }
    expect(await writtenRows(p)).toEqual(before);
    // Recovered: ready again, and serving.
    await expect.poll(() => status('/ready'), { timeout: 15_000, interval: 100 }).toBe(200);
    expect((await graphqlRaw(p, token, {})).status).toBe(200);
  });
});
