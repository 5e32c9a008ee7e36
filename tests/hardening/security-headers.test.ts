// Attack: open any answer of the gateway in a browser (an API error, a REST answer, a page, a 404)
// and try to frame it, sniff it, or leak its address as a referrer. Every answer carries the same
// headers; HSTS is only sent in production.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import helmet from 'helmet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../gateway/app.js';
import { helmetOptions } from '../../gateway/security-headers.js';
import { startTestApp, testConfig, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

function expectHardened(headers: Headers, what: string) {
  expect(headers.get('content-security-policy'), what).toContain("default-src 'none'");
  expect(headers.get('content-security-policy'), what).toContain("frame-ancestors 'none'");
  expect(headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(headers.get('x-frame-options'), what).toBe('DENY');
  expect(headers.get('referrer-policy'), what).toBe('no-referrer');
}

describe('security headers on every route', () => {
  it('are on GraphQL answers, REST answers and errors, health, pages and a 404', async () => {
    const token = await t.token('km-jan');
    const answers: Array<[string, Response]> = [
      ['graphql', await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"query":"{ ik { rol } }"}' })],
      ['graphql error', await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":' })],
      ['REST refusal', await fetch(`${t.url}/rib/v1/trajecten/x/rapportages`)],
      ['jwks', await fetch(`${t.url}/.well-known/jwks.json`)],
      ['health', await fetch(`${t.url}/health`)],
      ['page', await fetch(`${t.url}/`, { redirect: 'manual' })],
      ['login page', await fetch(`${t.url}/inloggen`, { redirect: 'manual' })],
      ['404', await fetch(`${t.url}/bestaat-niet`)],
    ];
    for (const [what, res] of answers) {
      await res.arrayBuffer();
      expectHardened(res.headers, what);
      expect(res.headers.get('strict-transport-security'), what).toBeNull();
    }
  });
});

describe('the headers worked out once at start', () => {
  it('are exactly what helmet’s own middleware sets on a real answer', async () => {
    // helmet on a plain node server, per request, as @fastify/helmet ran it before.
    const server = createServer((req, res) => helmet(helmetOptions(false))(req, res, () => res.end()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const plain = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      const ours = await fetch(`${t.url}/health`);
      const named = (h: Headers) => {
        const names: string[] = [];
        h.forEach((_, k) => names.push(k));
        return names.filter((k) => !['date', 'connection', 'keep-alive', 'content-length', 'content-type', 'transfer-encoding'].includes(k));
      };
      const helmetSet = named(plain.headers);
      expect(helmetSet.length).toBeGreaterThan(8);
      for (const name of helmetSet) expect(ours.headers.get(name), name).toBe(plain.headers.get(name));
    } finally {
      server.close();
    }
  });
});

describe('HSTS', () => {
  it('is sent in production', async () => {
    const config = { ...testConfig(t.config.DATABASE_URL ? { DATABASE_URL: t.config.DATABASE_URL } : {}), production: true };
    const app = await buildApp({ config, db: t.db });
    try {
      const res = await app.inject({ method: 'GET', url: '/health' });
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    } finally {
      await app.close();
    }
  });
});
