import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { population } from '../../adapters/population/population.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { graphql } from '../support/graphql.js';

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
