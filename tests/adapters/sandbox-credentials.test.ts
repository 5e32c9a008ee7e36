// Attacks on the partner sandboxes, through HTTP: a sandbox answers its partner's data only to a
// caller with its adapter's credential. Every data operation its OpenAPI file documents refuses a
// call without it, with a wrong one (same length or not, another scheme, in the query string) with
// 401 in that partner's own error format and nothing about any person; the body of a refused call
// is not even read. An adapter given a wrong credential says which partner refused it
// (PARTNER_UNAVAILABLE, reason credential-refused), and sandboxes started inside the gateway
// refuse everyone but their own adapter.
import type { FastifyInstance } from 'fastify';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Partner } from '../../adapters/common/partner.js';
import { randomCredential } from '../../adapters/common/sandbox-credential.js';
import { createCwiSandbox } from '../../adapters/cwi/index.js';
import { createGemeenteSandbox } from '../../adapters/gemeente/index.js';
import { ORG } from '../../adapters/population/organisations.js';
import { population } from '../../adapters/population/population.js';
import { startPartners } from '../../adapters/start.js';
import { createUwvSandbox } from '../../adapters/uwv/index.js';
import { createTestSigner, ISSUER, type TestSigner } from './internal-tokens.js';
import { entitiesQuery, graphql, listen, representations } from './loopback.js';
import { openapiOf } from './openapi-contract.js';
import { startPair } from './pair.js';

const PARTNERS = ['uwv', 'cwi', 'gemeente'] as const;
const people = population();
const fatima = people[0]!;
/** Personal data that must never be in a refusal: every BSN and family name of the population. */
const personal = [...people.map((p) => p.bsn), 'Fatima', fatima.achternaam];

const credential = randomCredential();
const sandboxes = {} as Record<Partner, { app: FastifyInstance; url: string }>;
let signer: TestSigner;

beforeAll(async () => {
  signer = await createTestSigner();
  const create = { uwv: createUwvSandbox, cwi: createCwiSandbox, gemeente: createGemeenteSandbox };
  for (const partner of PARTNERS) {
    const app = create[partner]({ credential, logLevel: 'silent' });
    sandboxes[partner] = { app, url: await listen(app) };
  }
});
afterAll(async () => {
  await Promise.all(Object.values(sandboxes).map((s) => s.app.close()));
});

interface Call {
  method: string;
  path: string;
  body?: { type: string; text: string };
}

/** A well-formed call of each operation: with the credential it would return data. */
function callOf(partner: Partner, method: string, template: string): Call {
  const path = template
    .replace('{oin}', ORG.amsterdam.oin)
    .replace('{uitkeringId}', 'WW-2026-0000001');
  const json = (value: unknown) => ({ type: 'application/json', text: JSON.stringify(value) });
  if (method === 'get') {
    const query = path.endsWith('/wijzigingen') ? '?vanaf=2000-01-01T00:00:00Z' : path.endsWith('/klanten') ? `?bsn=${fatima.bsn}` : '';
    return { method: 'GET', path: path + query };
  }
  const body =
    partner === 'uwv' ? json({ burgerservicenummers: [fatima.bsn] })
    : partner === 'cwi' ? json({ Bsns: [fatima.bsn] })
    : { type: 'application/xml', text: `<opvraging><inp.bsn>${fatima.bsn}</inp.bsn></opvraging>` };
  return { method: 'POST', path, body };
}

/** Every operation of the partner's contract except the open ones (liveness and the contract). */
function dataCalls(partner: Partner): Call[] {
  const calls: Call[] = [];
  for (const [path, operations] of Object.entries(openapiOf(partner).paths)) {
    if (path === '/health' || path === '/openapi.yaml') continue;
    for (const method of Object.keys(operations)) calls.push(callOf(partner, method, path));
  }
  return calls;
}

async function send(partner: Partner, call: Call, headers: Record<string, string> = {}) {
  const res = await fetch(`${sandboxes[partner].url}${call.path}`, {
    method: call.method,
    headers: { ...(call.body ? { 'content-type': call.body.type } : {}), ...headers },
    body: call.body?.text,
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', challenge: res.headers.get('www-authenticate'), text: await res.text() };
}

const xml = new XMLParser({ parseTagValue: false });

/** The refusal is in the partner's own documented error format. */
function expectPartnerRefusal(partner: Partner, answer: Awaited<ReturnType<typeof send>>) {
  expect(answer.status).toBe(401);
  expect(answer.challenge).toMatch(new RegExp(`^Bearer realm="sandbox-${partner}"`));
  for (const value of personal) expect(answer.text).not.toContain(value);
  if (partner === 'uwv') {
    expect(answer.type).toContain('application/problem+json');
    expect(JSON.parse(answer.text)).toMatchObject({ status: 401, title: 'Unauthorized' });
  } else if (partner === 'cwi') {
    expect(answer.type).toContain('application/json');
    expect(JSON.parse(answer.text)).toMatchObject({ Code: 'NIET_GEAUTORISEERD' });
  } else {
    expect(answer.type).toContain('application/xml');
    expect(xml.parse(answer.text).fout).toMatchObject({ code: '401' });
  }
}

describe.each(PARTNERS)('the %s sandbox', (partner) => {
  it('refuses every data operation of its contract without a credential: 401, its own error format, nothing personal', async () => {
    const calls = dataCalls(partner);
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expectPartnerRefusal(partner, await send(partner, call));
  });

  it('refuses a wrong credential: same length, shorter, longer, another scheme, in the query string, with extra text', async () => {
    const differentSameLength = credential.slice(0, -1) + (credential.endsWith('A') ? 'B' : 'A');
    expect(differentSameLength).toHaveLength(credential.length);
    const wrong = [
      `Bearer ${differentSameLength}`,
      `Bearer ${credential.slice(0, -1)}`,
      `Bearer ${credential}x`,
      `Bearer ${randomCredential()}`,
      `Basic ${Buffer.from(`adapter:${credential}`).toString('base64')}`,
      `Token ${credential}`,
      `Bearer ${credential} ${credential}`,
      'Bearer ',
      credential,
    ];
    for (const call of dataCalls(partner)) {
      for (const authorization of wrong) {
        const answer = await send(partner, call, { authorization });
        expectPartnerRefusal(partner, answer);
        if (authorization.startsWith('Bearer ') && authorization.length > 'Bearer '.length) expect(answer.challenge).toContain('error="invalid_token"');
      }
      const separator = call.path.includes('?') ? '&' : '?';
      expectPartnerRefusal(partner, await send(partner, { ...call, path: `${call.path}${separator}access_token=${credential}` }));
    }
  });

  it('reads nothing of a refused call: a malformed body without a credential is 401, not 400', async () => {
    const post = dataCalls(partner).find((c) => c.method === 'POST')!;
    expectPartnerRefusal(partner, await send(partner, { ...post, body: { type: post.body!.type, text: '{<not what it should be' } }));
  });

  it('answers the right credential with data (the scheme in any case), and /health and its contract without one', async () => {
    for (const scheme of ['Bearer', 'bearer']) {
      const post = dataCalls(partner).find((c) => c.method === 'POST')!;
      const answer = await send(partner, post, { authorization: `${scheme} ${credential}` });
      expect(answer.status).toBe(200);
      expect(answer.text).toContain(fatima.bsn);
    }
    expect((await fetch(`${sandboxes[partner].url}/health`)).status).toBe(200);
    expect((await fetch(`${sandboxes[partner].url}/openapi.yaml`)).status).toBe(200);
  });

  it('through its adapter given a wrong credential: PARTNER_UNAVAILABLE naming the partner, reason credential-refused, no data', async () => {
    const pair = await startPair(partner, signer, { adapter: { sourceCredential: randomCredential() } });
    try {
      const { status, body } =
        partner === 'gemeente'
          ? await graphql(pair.adapterUrl, 'query($bsn: ID!) { klant(bsn: $bsn) { naam { achternaam } } }', { bsn: fatima.bsn }, await signer.sign('gemeente'))
          : await graphql(pair.adapterUrl, entitiesQuery(partner === 'uwv' ? 'uitkeringen { soort }' : 'inschrijving { status }'), { representations: representations([fatima.bsn]) }, await signer.sign(partner));
      expect(status).toBe(200);
      expect(body.errors?.[0]?.extensions).toEqual({ code: 'PARTNER_UNAVAILABLE', partner, reason: 'credential-refused' });
      expect(body.errors?.[0]?.message).toContain(partner);
      expect(JSON.stringify(body.data ?? null)).not.toContain(fatima.achternaam);
      // A refused credential is not retried (it would only be refused again).
      expect(pair.sourceCalls.count).toBe(1);
    } finally {
      await pair.close();
    }
  });
});

describe('sandboxes started inside the gateway (startPartners)', () => {
  it('each refuses a caller without its credential, while its own adapter reads from it', async () => {
    const partners = await startPartners({ gatewayIssuer: ISSUER, getKey: signer.getKey, timeoutMs: 1000, sandboxLatencyMs: 0, logLevel: 'silent' });
    try {
      const direct = await fetch(`${partners.sandboxes.uwv}/v1/uitkeringen/zoeken`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` },
        body: JSON.stringify({ burgerservicenummers: [fatima.bsn] }),
      });
      expect(direct.status).toBe(401);
      expect(await direct.text()).not.toContain(fatima.bsn);
      for (const partner of PARTNERS) {
        const call = dataCalls(partner).find((c) => c.method === 'POST')!;
        const res = await fetch(`${partners.sandboxes[partner]}${call.path}`, { method: 'POST', headers: { 'content-type': call.body!.type }, body: call.body!.text });
        expect(res.status, partner).toBe(401);
      }
      const uwv = await graphql(partners.urls.uwv.replace(/\/graphql$/, ''), entitiesQuery('uitkeringen { soort }'), { representations: representations([fatima.bsn]) }, await signer.sign('uwv'));
      expect(uwv.body.errors).toBeUndefined();
      expect(uwv.body.data!._entities[0].uitkeringen).toEqual([{ soort: 'WW' }]);
    } finally {
      await partners.close();
    }
  });
});
