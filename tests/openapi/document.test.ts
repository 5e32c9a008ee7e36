// The REST API's OpenAPI document: generated from the route schemas, committed in docs/openapi.json
// (this test fails when they differ, so CI catches a route changed without its contract), valid
// OpenAPI 3.1 like the sandboxes' own documents, served at /openapi.json and as a readable page.
// The contract check that runs under every test (tests/support/contract.ts) is shown to catch
// answers that break the document.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENT_FILE, documentText, generateOpenApi } from '../../gateway/openapi/document.js';
import { API_VERSION } from '../../gateway/openapi/problem.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { checkedAnswers, createChecker, GATEWAY_DOCUMENT, loadDocument, SANDBOX_DOCUMENTS } from '../support/contract.js';

const committed = () => readFileSync(fileURLToPath(new URL(`../../${DOCUMENT_FILE}`, import.meta.url)), 'utf8');

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

describe('the OpenAPI document', () => {
  it('committed docs/openapi.json is the one the routes generate (else: npm run openapi)', async () => {
    expect(documentText(await generateOpenApi()), `${DOCUMENT_FILE} is stale: run \`npm run openapi\` and commit it`).toBe(committed());
  });

  it.each([GATEWAY_DOCUMENT, ...SANDBOX_DOCUMENTS])('%s is valid OpenAPI 3.1', async (path) => {
    const validator = new Validator();
    const text = readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');
    const result = await validator.validate(text);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('is served at /openapi.json, with every REST resource and nothing else', async () => {
    const res = await fetch(`${t.url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('api-version')).toBe(API_VERSION);
    const doc = (await res.json()) as { openapi: string; info: { version: string }; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe(API_VERSION);
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/.well-known/jwks.json',
      '/bijlagen/{bijlageId}',
      '/controle/v1/export',
      '/health',
      '/ready',
      '/rib/v1/trajecten/{trajectId}/bijlagen',
      '/rib/v1/trajecten/{trajectId}/bijlagen/{bijlageId}',
      '/rib/v1/trajecten/{trajectId}/rapportages',
      '/toestemmingen/{id}/ontvangstbewijs',
      '/toestemmingen/{id}/token',
    ]);
    // The pages, the graph and the demo issuer are not in the REST contract.
    expect(JSON.stringify(doc)).not.toMatch(/"\/(graphql|mijn|klantmanager|inloggen|dev-issuer)/);
  });

  it('is readable as a page at /openapi', async () => {
    const res = await fetch(`${t.url}/openapi/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain('swagger-ui');
    const json = await fetch(`${t.url}/openapi/json`);
    expect(await json.json()).toEqual(JSON.parse(committed()));
  });

  it('every answer carries API-Version, errors are problem+json from the catalogue', async () => {
    const res = await fetch(`${t.url}/toestemmingen/00000000-0000-0000-0000-000000000000/token`);
    expect(res.status).toBe(401);
    expect(res.headers.get('api-version')).toBe(API_VERSION);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', title: 'UNAUTHENTICATED' });
  });
});

describe('the contract check under every test', () => {
  const checker = createChecker(loadDocument(GATEWAY_DOCUMENT));
  const answer = { method: 'GET', route: '/toestemmingen/:id/token', apiVersion: API_VERSION, contentType: 'application/json; charset=utf-8' };

  it('ran on the answers of this file', () => {
    expect(checkedAnswers()).toBeGreaterThan(0);
  });

  it('passes a conforming answer', () => {
    const body = JSON.stringify({ consent_token: 'x.y.z', token_type: 'consent', kid: 'k1', expires_at: '2030-01-01T00:00:00.000Z' });
    expect(checker.check({ ...answer, status: 200, body })).toEqual([]);
  });

  it('fails a body missing a field, a field of the wrong type, an undocumented status or content type, a missing API-Version', () => {
    expect(checker.check({ ...answer, status: 200, body: JSON.stringify({ consent_token: 'x', token_type: 'consent', kid: 'k1' }) }).join()).toMatch(/expires_at/);
    expect(checker.check({ ...answer, status: 200, body: JSON.stringify({ consent_token: 1, token_type: 'consent', kid: 'k1', expires_at: '2030-01-01T00:00:00Z' }) }).join()).toMatch(/consent_token/);
    expect(checker.check({ ...answer, status: 418, body: '{}' }).join()).toMatch(/status not documented/);
    expect(checker.check({ ...answer, status: 200, contentType: 'text/html', body: '<p>' }).join()).toMatch(/content type text\/html not documented/);
    expect(checker.check({ ...answer, status: 401, contentType: 'application/problem+json', apiVersion: undefined, body: JSON.stringify({ title: 'UNAUTHENTICATED', status: 401, code: 'UNAUTHENTICATED' }) }).join()).toMatch(/API-Version/);
    expect(checker.check({ ...answer, status: 401, contentType: 'application/problem+json', body: JSON.stringify({ title: 'x', status: 401, code: 'NOT_A_CODE' }) }).join()).toMatch(/code/);
  });
});
