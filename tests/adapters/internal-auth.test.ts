// An adapter answers only calls the gateway signed. Without a valid internal token the answer is
// 401 with a GraphQL-shaped UNAUTHENTICATED error, no resolver runs and the partner's source is
// never asked, for every adapter and every request, the schema query included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Partner } from '../../adapters/common/partner.js';
import { population } from '../../adapters/population/population.js';
import { createTestSigner, ISSUER, type TestSigner } from './internal-tokens.js';
import { entitiesQuery, graphql, representations } from './loopback.js';
import { startPair, type Pair } from './pair.js';

const PARTNERS: Partner[] = ['uwv', 'cwi', 'gemeente'];
const FIELD: Record<Partner, string> = { uwv: 'uitkeringen { id }', cwi: 'sollicitaties { id }', gemeente: 'naam { achternaam }' };
const bsns = population().slice(0, 3).map((c) => c.bsn);

let signer: TestSigner;
let stranger: TestSigner;
const pairs = {} as Record<Partner, Pair>;

beforeAll(async () => {
  signer = await createTestSigner();
  // Same kid, another key: a forger who knows the key id but not the key.
  stranger = await createTestSigner('test-internal-1');
  for (const p of PARTNERS) pairs[p] = await startPair(p, signer);
});
afterAll(async () => {
  await Promise.all(PARTNERS.map((p) => pairs[p].close()));
});

const now = () => Math.floor(Date.now() / 1000);

const refused: [string, (p: Partner) => Promise<string | undefined>][] = [
  ['no token', async () => undefined],
  ['a token signed by another key', (p) => stranger.sign(p)],
  ['a token for another adapter', (p) => signer.sign(p === 'uwv' ? 'cwi' : 'uwv')],
  ['an expired token', (p) => signer.sign(p, {}, { issuedAt: now() - 600, expiresIn: now() - 300 })],
  ['a token from another issuer', (p) => signer.sign(p, {}, { issuer: 'http://elsewhere.test' })],
  ['a token living longer than five minutes', (p) => signer.sign(p, {}, { expiresIn: '10m' })],
  ['a token without the gateway as actor', (p) => signer.sign(p, { act: { sub: 'http://elsewhere.test' } })],
  ['a token without a purpose', (p) => signer.sign(p, { purpose: '' })],
];

describe.each(PARTNERS)('the %s adapter', (partner) => {
  it.each(refused)('answers 401 UNAUTHENTICATED to %s, without asking its source', async (_what, token) => {
    const pair = pairs[partner];
    const before = pair.sourceCalls.count;
    for (const query of ['{ _service { sdl } }', entitiesQuery(FIELD[partner])]) {
      const { status, body } = await graphql(pair.adapterUrl, query, { representations: representations(bsns) }, await token(partner));
      expect(status).toBe(401);
      expect(body.data ?? null).toBeNull();
      expect(body.errors).toEqual([{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED' } }]);
    }
    expect(pair.sourceCalls.count).toBe(before);
  });

  it('refuses a GET to /graphql without a token too', async () => {
    const res = await fetch(`${pairs[partner].adapterUrl}/graphql?query=${encodeURIComponent('{ _service { sdl } }')}`);
    expect(res.status).toBe(401);
  });

  it('answers the schema query and an entity query with a valid token', async () => {
    const sdl = await graphql(pairs[partner].adapterUrl, '{ _service { sdl } }', {}, await signer.sign(partner, { role: 'system', oin: undefined, sub: 'ketenpoort-gateway' }));
    expect(sdl.status).toBe(200);
    expect(sdl.body.data!._service.sdl).toContain('@key(fields: "bsn")');
    const entities = await graphql(pairs[partner].adapterUrl, entitiesQuery(FIELD[partner]), { representations: representations(bsns) }, await signer.sign(partner));
    expect(entities.status).toBe(200);
    expect(entities.body.errors).toBeUndefined();
  });
});

it('the test issuer is what the adapters were configured with', () => {
  expect(ISSUER).toBe('http://ketenpoort.test');
});
