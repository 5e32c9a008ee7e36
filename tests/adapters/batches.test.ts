// The gateway sends the entity queries it has for one adapter in one tick as one batch (a JSON
// array). An adapter answers each query of a batch as it would answer it alone, shares the
// request's loaders across them (one source call per endpoint), refuses a batch without a valid
// token like any call, and refuses a batch larger than MAX_BATCH before any resolver runs.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BATCH } from '../../adapters/common/subgraph-app.js';
import { population } from '../../adapters/population/population.js';
import { createTestSigner, type TestSigner } from './internal-tokens.js';
import { entitiesQuery, graphql, representations } from './loopback.js';
import { startPair, type Pair } from './pair.js';

const bsns = population().slice(0, 5).map((c) => c.bsn);
// The three queries a klantbeeld sends CWI: one per Klant field it extends.
const QUERIES = ['inschrijving { status }', 'werkprofiel { beroepen { naam } }', 'sollicitaties { functie resultaat }'].map(entitiesQuery);

let signer: TestSigner;
let cwi: Pair;
/** The adapter's log lines, as JSON. */
const lines: Record<string, unknown>[] = [];
beforeAll(async () => {
  signer = await createTestSigner();
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      for (const l of chunk.toString().split('\n')) if (l.startsWith('{')) lines.push(JSON.parse(l));
      done();
    },
  });
  cwi = await startPair('cwi', signer, { adapter: { logLevel: 'warn', logStream } });
});
afterAll(() => cwi?.close());

async function batch(body: unknown, token?: string) {
  const res = await fetch(`${cwi.adapterUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('a batch of queries to an adapter', () => {
  it('answers each query as it would alone', async () => {
    const token = await signer.sign('cwi');
    const variables = { representations: representations(bsns) };
    const alone = await Promise.all(QUERIES.map((q) => graphql(cwi.adapterUrl, q, variables, token)));
    const together = await batch(QUERIES.map((query) => ({ query, variables })), token);
    expect(together.status).toBe(200);
    expect(together.body).toEqual(alone.map((a) => a.body));
    expect(together.body.every((r: { data: { _entities: unknown[] } }) => r.data._entities.length === bsns.length)).toBe(true);
  });

  it('answers an invalid query in the batch with its own error, the others with their data', async () => {
    const token = await signer.sign('cwi');
    const variables = { representations: representations(bsns) };
    const { status, body } = await batch([{ query: QUERIES[0], variables }, { query: entitiesQuery('geenVeld'), variables }], token);
    expect(status).toBe(200);
    expect(body[0].data._entities).toHaveLength(bsns.length);
    expect(body[1].data ?? null).toBeNull();
    expect(body[1].errors[0].message).toContain('geenVeld');
  });

  it(`refuses more than ${MAX_BATCH} queries with 400 BAD_USER_INPUT, without asking its source`, async () => {
    const token = await signer.sign('cwi');
    const before = cwi.sourceCalls.count;
    const variables = { representations: representations(bsns) };
    const { status, body } = await batch(Array.from({ length: MAX_BATCH + 1 }, () => ({ query: QUERIES[0], variables })), token);
    expect(status).toBe(400);
    expect(body.data).toBeNull();
    expect(body.errors).toEqual([{ message: `a batch holds at most ${MAX_BATCH} queries, this one ${MAX_BATCH + 1}`, extensions: { code: 'BAD_USER_INPUT', partner: 'cwi' } }]);
    expect(cwi.sourceCalls.count).toBe(before);
  });

  it('warns the operator of an oversized batch from a valid token, without the subject or the token', async () => {
    const token = await signer.sign('cwi');
    const from = lines.length;
    const variables = { representations: representations(bsns) };
    await batch(Array.from({ length: MAX_BATCH + 1 }, () => ({ query: QUERIES[0], variables })), token);
    const warned = lines.slice(from).filter((l) => l.event === 'oversized_batch');
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ level: 40, queries: MAX_BATCH + 1, limit: MAX_BATCH, role: expect.any(String), purpose: expect.any(String) });
    const text = JSON.stringify(lines.slice(from));
    expect(text).not.toContain(token);
    for (const bsn of bsns) expect(text).not.toContain(bsn);
  });

  it('does not warn of a batch within the limit, nor of one without a valid token', async () => {
    const from = lines.length;
    const variables = { representations: representations(bsns) };
    await batch(QUERIES.map((query) => ({ query, variables })), await signer.sign('cwi'));
    await batch(Array.from({ length: MAX_BATCH + 1 }, () => ({ query: QUERIES[0], variables })));
    expect(lines.slice(from).filter((l) => l.event === 'oversized_batch')).toEqual([]);
  });

  it('refuses a batch without a token, or with a forged one, with 401 before its size is looked at', async () => {
    const before = cwi.sourceCalls.count;
    const stranger = await createTestSigner('test-internal-1');
    const variables = { representations: representations(bsns) };
    for (const token of [undefined, await stranger.sign('cwi')]) {
      for (const size of [1, MAX_BATCH + 1]) {
        const { status, body } = await batch(Array.from({ length: size }, () => ({ query: QUERIES[0], variables })), token);
        expect(status).toBe(401);
        expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      }
    }
    expect(cwi.sourceCalls.count).toBe(before);
  });
});
