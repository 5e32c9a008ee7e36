// Pages answer as pages (issue 12, point 5): an address that names no page, a refused page and a
// server error answer a page in the house style (404, 403, 500) with a way back, for what a
// browser asks for (Accept: text/html) and for the pages' own addresses; /graphql and the REST API
// keep answering JSON and problem+json, whatever the Accept header says. A 500 names nothing
// internal, and a form the server cannot take is the person's mistake (4xx), not ours.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PATHS, isApiPath, wantsHtml } from '../../gateway/pages/shared/error-pages.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { Visitor } from './support/http.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { PARTNER_TIMEOUT_MS: '5000' } });
});
afterAll(() => t?.close());

/** What Chromium sends when a person opens an address. */
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

async function get(path: string, accept: string, cookie?: string) {
  const res = await fetch(`${t.url}${path}`, { redirect: 'manual', headers: { accept, ...(cookie ? { cookie } : {}) } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

const cookieOf = (v: Visitor) => [...v.jar].map(([k, val]) => `${k}=${val}`).join('; ');
const h1 = (text: string) => /<h1[^>]*>([^<]*)<\/h1>/.exec(text)?.[1];

function expectPage(res: { status: number; type: string; text: string }, status: number, heading: string) {
  expect(res.status).toBe(status);
  expect(res.type).toBe('text/html; charset=utf-8');
  expect(res.text).toMatch(/^<!doctype html>/);
  expect(res.text).toContain('<html lang="nl"');
  expect(h1(res.text)).toBe(heading);
}

function expectProblem(res: { status: number; type: string; text: string }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.type).toContain('application/problem+json');
  expect(JSON.parse(res.text)).toMatchObject({ status, code });
}

describe('an address that names no page', () => {
  for (const path of ['/bestaat-niet', '/mijnx', '/mijn/oude/pagina', '/klantmanager/oud', '/auditor/oud', '/rib/oud', '/inloggen/oud', '/bestaat-niet?bsn=1']) {
    it(`${path}, opened in a browser, is a 404 page with a way back`, async () => {
      const res = await get(path, BROWSER);
      expectPage(res, 404, 'Deze pagina bestaat niet');
      expect(res.text).toMatch(/<a class="utrecht-button-link[^"]*" href="\/(mijn|klantmanager|auditor|rib)?">Naar /);
    });
  }

  it('the pages’ own addresses are pages whatever the Accept header says', async () => {
    expectPage(await get('/mijn/oude/pagina', '*/*'), 404, 'Deze pagina bestaat niet');
    expectPage(await get('/auditor/oud', 'application/json'), 404, 'Deze pagina bestaat niet');
  });

  it('a logged-in person is sent back to their own start page', async () => {
    const v = new Visitor(t.url);
    await v.login('km-jan');
    const res = await get('/iets/anders', BROWSER, cookieOf(v));
    expectPage(res, 404, 'Deze pagina bestaat niet');
    expect(res.text).toContain('href="/klantmanager">Naar uw startpagina</a>');
    expect(res.text).toContain('Ingelogd als <strong>Jan Kok</strong>');
  });

  it('asked for by software (no text/html), an unknown address stays problem+json', async () => {
    for (const accept of ['*/*', 'application/json', 'application/json, text/html;q=0.5', '']) {
      expectProblem(await get('/bestaat-niet', accept), 404, 'NOT_FOUND');
    }
    const head = await fetch(`${t.url}/bestaat-niet`, { method: 'HEAD', headers: { accept: BROWSER } });
    expect(head.status).toBe(404);
    expect(head.headers.get('content-type')).toMatch(/^text\/html/);
  });
});

describe('the RIB pages and the RIB REST API share /rib', () => {
  // Only /rib/v1 and below is the API; the rest of /rib is the bureau's pages.
  it('an unknown page under /rib, opened in a browser, is the 404 page with a way to the bureau’s pages', async () => {
    for (const path of ['/rib/iets-onbekends', '/rib/v1x', '/rib/trajecten/x/iets-onbekends']) {
      const res = await get(path, BROWSER);
      expectPage(res, 404, 'Deze pagina bestaat niet');
      expect(res.text, path).toMatch(/href="\/rib">Naar /);
    }
  });

  it('an unknown address under /rib/v1 stays problem+json, for a browser and for an API client', async () => {
    for (const accept of [BROWSER, 'application/json', '*/*']) {
      for (const path of ['/rib/v1', '/rib/v1/', '/rib/v1/iets-onbekends', '/rib/v1/trajecten/x/iets-onbekends']) {
        expectProblem(await get(path, accept), 404, 'NOT_FOUND');
      }
    }
  });

  it('an API client asking for an unknown page under /rib gets the page, as for every role area', async () => {
    expectPage(await get('/rib/iets-onbekends', 'application/json'), 404, 'Deze pagina bestaat niet');
  });
});

describe('the APIs keep their answers', () => {
  it('unknown REST addresses and refusals are problem+json even for a browser', async () => {
    for (const path of ['/rib/v1/trajecten/x/onbekend', '/controle/v1/onbekend', '/toestemmingen/x/onbekend', '/.well-known/onbekend', '/bijlagen/x/y', '/health/x']) {
      expectProblem(await get(path, BROWSER), 404, 'NOT_FOUND');
    }
    expectProblem(await get('/toestemmingen/3f1c0c2e-5d4a-4e63-9d0a-0b6f3c1d2e4f/token', BROWSER), 401, 'UNAUTHENTICATED');
    const exported = await fetch(`${t.url}/controle/v1/export`, { method: 'POST', headers: { accept: BROWSER, 'content-type': 'application/json', authorization: `Bearer ${await t.token('km-jan')}` }, body: '{"maand":"2026-01","reden":"zomaar kijken"}' });
    expect(exported.status).toBe(403);
    expect(exported.headers.get('content-type')).toContain('application/problem+json');
  });

  it('/graphql answers JSON for a browser too', async () => {
    const res = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { accept: BROWSER, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ ik { rol } }' }) });
    expect(res.headers.get('content-type')).toContain('application/json');
    expect((await res.json()) as object).toHaveProperty('errors');
    const bad = await get('/graphql?query=%7B', BROWSER);
    expect(bad.type).toContain('json');
    expect(bad.status).toBe(401);
  });

  it('every documented REST path is one of the API paths; the page addresses are not', () => {
    const documented = Object.keys((JSON.parse(readFileSync('docs/openapi.json', 'utf8')) as { paths: Record<string, unknown> }).paths);
    expect(documented.length).toBeGreaterThan(0);
    for (const path of documented) expect(isApiPath(path.replace(/\{[^}]+\}/g, 'x')), path).toBe(true);
    for (const path of ['/', '/mijn', '/klantmanager/zoeken', '/auditor/klant', '/rib', '/rib/trajecten/x', '/inloggen']) expect(isApiPath(path), path).toBe(false);
    expect(API_PATHS).toContain('/graphql');
  });

  it('reads the Accept header as a browser means it', () => {
    expect(wantsHtml(BROWSER)).toBe(true);
    expect(wantsHtml('text/html')).toBe(true);
    expect(wantsHtml('*/*')).toBe(false);
    expect(wantsHtml(undefined)).toBe(false);
    expect(wantsHtml('application/json, text/html;q=0.5')).toBe(false);
    expect(wantsHtml('text/html;q=0')).toBe(false);
  });
});

describe('a refused page', () => {
  it('is a 403 page that sends the person to their own start page', async () => {
    const v = new Visitor(t.url);
    await v.login('client-dewi');
    const res = await get('/klantmanager', BROWSER, cookieOf(v));
    expectPage(res, 403, 'Deze pagina is niet voor u');
    expect(res.text).toContain('href="/mijn"');
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await v.get('/mijn')).text)![1]!;
    const posted = await v.post('/klantmanager/zoeken', { _csrf: csrf, naam: 'Janssen' });
    expect(posted.status).toBe(403);
    expect(posted.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('a forged form is a 403 page, not problem+json', async () => {
    const v = new Visitor(t.url);
    await v.login('km-jan');
    const res = await v.post('/klantmanager/zoeken', { naam: 'Janssen' });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(h1(res.text)).toBe('Dit formulier is verlopen');
    expect(res.text).toContain('href="/klantmanager">Naar uw startpagina</a>');
  });
});

describe('what the server cannot take, and what fails inside', () => {
  it('a form too big is a 413 page (the sender’s mistake), and nothing is written', async () => {
    const v = new Visitor(t.url);
    await v.login('km-jan');
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await v.get('/klantmanager/zoeken')).text)![1]!;
    const before = await t.db.prisma.verwerking.count();
    const res = await v.post('/klantmanager/zoeken', { _csrf: csrf, naam: 'x'.repeat(40_000) });
    expectPage({ status: res.status, type: res.headers.get('content-type') ?? '', text: res.text }, 413, 'Te veel tekst');
    expect(await t.db.prisma.verwerking.count()).toBe(before);
  });

  it('a server error is a 500 page with a way back and nothing internal; the API answers JSON meanwhile', async () => {
    const v = new Visitor(t.url);
    await v.login('km-jan');
    // A real failure inside: the signals' table is gone (as after a botched migration).
    await t.db.query('ALTER TABLE signalering RENAME TO signalering_weg', []);
    try {
      const res = await get('/klantmanager', BROWSER, cookieOf(v));
      expectPage(res, 500, 'Er ging iets mis');
      expect(res.text).toContain('href="/klantmanager">Naar uw startpagina</a>');
      const main = /<main[\s\S]*<\/main>/.exec(res.text)![0];
      for (const internal of ['signalering', 'relation', 'prisma', 'Error', 'stack', '.ts:', 'at ', 'INTERNAL', 'P20']) expect(main, internal).not.toContain(internal);
      const api = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { accept: BROWSER, 'content-type': 'application/json', authorization: `Bearer ${await t.token('km-jan')}` },
        body: JSON.stringify({ query: '{ signaleringen { id } }' }),
      });
      expect(api.headers.get('content-type')).toContain('application/json');
      expect(((await api.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('INTERNAL');
    } finally {
      await t.db.query('ALTER TABLE signalering_weg RENAME TO signalering', []);
    }
    expect((await get('/klantmanager', BROWSER, cookieOf(v))).status).toBe(200);
  });
});
