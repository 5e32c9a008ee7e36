import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { population } from '../../adapters/population/population.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { graphql, type GraphqlAnswer } from '../support/graphql.js';

// A partner that is down gives partial data, in time; and adapters refuse anyone but the gateway.
const TIMEOUT_MS = 700;
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { PARTNER_TIMEOUT_MS: String(TIMEOUT_MS) } });
});
afterAll(() => t?.close());

const fatima = population()[0]!;
const QUERY = `query($bsn: ID!) { klant(bsn: $bsn) { naam { volledigeNaam } uitkeringen { soort } inschrijving { status } trajecten { titel } } }`;

describe('adapters', () => {
  it('answer a direct call without the gateway signature with 401', async () => {
    for (const url of Object.values(t.runtime.partners.urls)) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `query($b: ID!) { klant(bsn: $b) { bsn } }`, variables: { b: fatima.bsn } }),
      });
      expect(res.status).toBe(401);
      expect(JSON.stringify(await res.json())).toContain('UNAUTHENTICATED');
    }
  });

  it('answer a call with the user\'s own bearer token (not an internal token) with 401', async () => {
    const res = await fetch(t.runtime.partners.urls.uwv, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token('km-jan')}` },
      body: JSON.stringify({ query: '{ _service { sdl } }' }),
    });
    expect(res.status).toBe(401);
  });
});

describe('with the UWV sandbox stopped', () => {
  it('fills the other partners\' fields, nulls UWV\'s with PARTNER_UNAVAILABLE, within the timeout', async () => {
    const token = await t.token('km-jan');
    const healthy = await graphql(t.url, token, QUERY, { bsn: fatima.bsn });
    expect(healthy.errors).toEqual([]);

    await t.runtime.partners.stopSandbox('uwv');
    const r = await graphql(t.url, token, QUERY, { bsn: fatima.bsn });
    expect(r.data!.klant.naam.volledigeNaam).toContain('Fatima');
    expect(r.data!.klant.inschrijving).not.toBeNull();
    expect(r.data!.klant.trajecten).toHaveLength(1);
    expect(r.data!.klant.uitkeringen).toBeNull();
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.extensions).toMatchObject({ code: 'PARTNER_UNAVAILABLE', partner: 'uwv' });
    expect(r.ms).toBeLessThan(TIMEOUT_MS + 1000);

    // The processing log says which partners' data was actually read.
    const entry = await t.db.prisma.verwerking.findFirstOrThrow({ orderBy: { id: 'desc' } });
    expect(entry.partners).toEqual(['cwi', 'gemeente']);
    expect(entry.statusCode).toBe('ERROR');
  });
});

describe('with the UWV source hanging (accepts connections, never answers)', () => {
  it('answers within the timeout, not when UWV gives up', async () => {
    const sandboxUrl = t.runtime.partners.sandboxes.uwv!;
    await t.runtime.partners.stopSandbox('uwv');
    const sockets: Socket[] = [];
    const blackhole: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => blackhole.listen(Number(new URL(sandboxUrl).port), '127.0.0.1', resolve));
    try {
      const r = await graphql(t.url, await t.token('km-jan'), QUERY, { bsn: population()[3]!.bsn });
      expect(r.data!.klant.naam.volledigeNaam.length).toBeGreaterThan(0);
      expect(r.data!.klant.uitkeringen).toBeNull();
      expect(r.errors[0]!.extensions).toMatchObject({ code: 'PARTNER_UNAVAILABLE', partner: 'uwv' });
      expect(r.ms).toBeLessThan(TIMEOUT_MS + 1000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => blackhole.close(resolve));
    }
  });
});

// A view asks CWI for three fields; the gateway sends them as one batch, and a batch with a failed
// query still comes back as a partial answer naming CWI (patches/@mercuriusjs+gateway+5.2.0.patch).
describe('the view\'s three CWI fields', () => {
  // Its own gateway and partners: the tests above leave UWV stopped.
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { PARTNER_TIMEOUT_MS: String(TIMEOUT_MS) } });
  });
  afterAll(() => t?.close());
  const CWI_QUERY = `query($bsn: ID!) { klant(bsn: $bsn) { naam { volledigeNaam } uitkeringen { soort } inschrijving { status } werkprofiel { rijbewijzen } sollicitaties { functie } } }`;

  /** Requests the gateway makes to the CWI adapter while `fn` runs (undici's diagnostics channel). */
  async function callsToCwi(fn: () => Promise<unknown>): Promise<number> {
    const origin = new URL(t.runtime.partners.urls.cwi).origin;
    let calls = 0;
    const onCreate = (m: unknown) => {
      if ((m as { request: { origin: string } }).request.origin === origin) calls++;
    };
    subscribe('undici:request:create', onCreate);
    try {
      await fn();
    } finally {
      unsubscribe('undici:request:create', onCreate);
    }
    return calls;
  }

  it('go to CWI in one call', async () => {
    const token = await t.token('km-jan');
    let r: GraphqlAnswer | undefined;
    expect(await callsToCwi(async () => (r = await graphql(t.url, token, CWI_QUERY, { bsn: fatima.bsn })))).toBe(1);
    expect(r!.errors).toEqual([]);
    expect(r!.data!.klant.inschrijving.status).toBeTruthy();
    expect(Array.isArray(r!.data!.klant.sollicitaties)).toBe(true);
  });

  it('with the CWI sandbox stopped: all three null with PARTNER_UNAVAILABLE naming CWI, the rest filled, logged as not read', async () => {
    const token = await t.token('km-jan');
    await t.runtime.partners.stopSandbox('cwi');
    const r = await graphql(t.url, token, CWI_QUERY, { bsn: population()[4]!.bsn });
    expect(r.data!.klant.naam.volledigeNaam.length).toBeGreaterThan(0);
    expect(r.data!.klant.uitkeringen).not.toBeNull();
    expect(r.data!.klant.inschrijving).toBeNull();
    expect(r.data!.klant.werkprofiel).toBeNull();
    expect(r.data!.klant.sollicitaties).toBeNull();
    expect(r.errors.length).toBeGreaterThan(0);
    for (const e of r.errors) expect(e.extensions).toMatchObject({ code: 'PARTNER_UNAVAILABLE', partner: 'cwi' });
    expect(r.ms).toBeLessThan(TIMEOUT_MS + 1000);
    const entry = await t.db.prisma.verwerking.findFirstOrThrow({ orderBy: { id: 'desc' } });
    expect(entry.partners).toEqual(['gemeente', 'uwv']);
    expect(entry.statusCode).toBe('ERROR');
  });
});
