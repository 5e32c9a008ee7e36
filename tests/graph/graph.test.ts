import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

async function gql(token: string | undefined, query: string, variables?: Record<string, unknown>) {
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as { data?: Record<string, unknown> | null; errors?: { message: string; extensions: { code: string } }[] } };
}

describe('the graph at /graphql', () => {
  it('tells a logged-in person who they are, through the keten subgraph', async () => {
    const { status, body } = await gql(await t.token('km-jan'), '{ ik { rol naam organisatie { oin naam } } }');
    expect(status).toBe(200);
    expect(body.data).toEqual({ ik: { rol: 'klantmanager', naam: 'Jan Kok', organisatie: { oin: '00000001990000000001', naam: 'Gemeente Amsterdam (demo)' } } });
  });

  it('refuses a request without a bearer token with UNAUTHENTICATED', async () => {
    const { status, body } = await gql(undefined, '{ ik { rol } }');
    expect(status).toBe(401);
    expect(JSON.stringify(body)).toContain('UNAUTHENTICATED');
  });

  it('refuses a forged bearer token', async () => {
    const real = await t.token('km-jan');
    const [h, p] = real.split('.');
    const forged = `${h}.${p}.${'A'.repeat(86)}`;
    const { status } = await gql(forged, '{ ik { rol } }');
    expect(status).toBe(401);
  });

  it('gives every error a code from the catalogue', async () => {
    const { body } = await gql(await t.token('km-jan'), '{ bestaatNiet }');
    expect(body.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('bounds query depth and aliases', async () => {
    const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: ik { rol }`).join(' ');
    const { body } = await gql(await t.token('km-jan'), `{ ${aliases} }`);
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toMatch(/alias/i);
  });
});
