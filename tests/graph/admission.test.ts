// Admission to the graph (gateway/graph/admission.ts), through the HTTP API: caseload pages beyond
// GRAPH_CLIENTS_IN_FLIGHT wait their turn, first come first served; a one-client view that fits
// beside them is not held back; a caller who hangs up while waiting never gets their page read;
// one who waits too long is refused 503 with Retry-After, and nothing of theirs is read or logged;
// one caller's pages beyond their share wait for their own and hold up no one else; a request that
// may not run is refused at once, however many wait.
// The sandboxes answer after SANDBOX_LATENCY_MS, so a page takes at least two of those (the
// gemeente's list, then the other partners' fields): the order shows in when answers arrive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG } from '../../adapters/population/organisations.js';
import { population } from '../../adapters/population/population.js';
import { randomHex } from '../../lib/random.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { graphql } from '../support/graphql.js';

const LATENCY_MS = 500;
const PAGE = `query($eerste: Int!) { caseload(eerste: $eerste) { klanten { bsn uitkeringen { soort } inschrijving { status } } } }`;
const VIEW = `query($bsn: ID!) { klant(bsn: $bsn) { bsn uitkeringen { soort } } }`;
const amsterdam = population().filter((c) => c.gemeenteOin === ORG.amsterdam.oin);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One request with its own trace id, so its log rows can be found; `done` is when its answer had arrived. */
async function send(t: TestApp, query: string, variables: Record<string, unknown>, o: { signal?: AbortSignal; person?: string } = {}) {
  const { signal, person = 'km-jan' } = o;
  const traceId = randomHex(16);
  const token = await t.token(person);
  const headers = { traceparent: `00-${traceId}-${randomHex(8)}-01` };
  const answer = signal
    ? await fetch(`${t.url}/graphql`, {
        method: 'POST',
        signal,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
        body: JSON.stringify({ query, variables }),
      }).then(
        () => undefined,
        () => undefined,
      )
    : await graphql(t.url, token, query, variables, headers);
  return { answer, traceId, done: performance.now() };
}

async function processingRows(t: TestApp, traceId: string): Promise<number> {
  const [row] = (await t.db.query('SELECT count(*)::int AS n FROM verwerking WHERE trace_id = $1', [traceId])) as { n: number }[];
  return row!.n;
}

async function decisions(t: TestApp, traceId: string): Promise<string[]> {
  const rows = (await t.db.query('SELECT decision FROM besluit WHERE trace_id = $1', [traceId])) as { decision: string }[];
  return rows.map((r) => r.decision);
}

/** ketenpoort_graph_admission from /metrics, as Prometheus would scrape it. */
async function admissionGauge(t: TestApp): Promise<Record<string, number>> {
  const text = await (await fetch(t.runtime.metricsUrl!)).text();
  const values: Record<string, number> = {};
  for (const m of text.matchAll(/^ketenpoort_graph_admission\{state="(\w+)"\} (\S+)$/gm)) values[m[1]!] = Number(m[2]);
  return values;
}

describe('with room for 50 clients at once', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { GRAPH_CLIENTS_IN_FLIGHT: '50', GRAPH_ADMISSION_WAIT_MS: '8000', SANDBOX_LATENCY_MS: String(LATENCY_MS), METRICS_PORT: '0' } });
  });
  afterAll(() => t?.close());

  it('a second page waits for the first to finish; a view that fits beside the first does not wait; /metrics shows the queue', async () => {
    const first = send(t, PAGE, { eerste: 40 });
    await sleep(100);
    const view = send(t, VIEW, { bsn: amsterdam[2]!.bsn });
    await sleep(100);
    const second = send(t, PAGE, { eerste: 40 });
    await sleep(100);
    const gauge = await admissionGauge(t);
    const [a, v, b] = await Promise.all([first, view, second]);
    // Mid-way: the first page (40) and the view (1) running, the second page waiting.
    expect(gauge).toEqual({ running_clients: 41, waiting_operations: 1 });
    expect(await admissionGauge(t)).toEqual({ running_clients: 0, waiting_operations: 0 });
    for (const r of [a, v, b]) {
      expect(r.answer!.status).toBe(200);
      expect(r.answer!.errors).toEqual([]);
    }
    expect(a.answer!.data!.caseload.klanten).toHaveLength(40);
    // Run beside each other, both pages would be done within a few ms of each other; queued, the
    // second starts only when the first has gone and then waits on its partners again.
    expect(b.done - a.done).toBeGreaterThan(LATENCY_MS * 1.5);
    // The view (weight 1) fitted beside the first page (40 of 50): it did not wait for it.
    expect(v.done).toBeLessThan(a.done + LATENCY_MS / 2);
    expect(await processingRows(t, a.traceId)).toBe(40);
    expect(await processingRows(t, b.traceId)).toBe(40);
  });
});

describe('with room for 100 clients at once, 50 of them per caller', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      env: { GRAPH_CLIENTS_IN_FLIGHT: '100', GRAPH_CALLER_CLIENTS_IN_FLIGHT: '50', GRAPH_ADMISSION_WAIT_MS: '8000', SANDBOX_LATENCY_MS: String(LATENCY_MS) },
    });
  });
  afterAll(() => t?.close());

  it("a caller's second page waits for their first, and another caller's page does not wait behind it", async () => {
    const jan1 = send(t, PAGE, { eerste: 40 });
    await sleep(100);
    // Fits the instance (80 of 100) but not Jan's share (80 of 50): it waits for his first.
    const jan2 = send(t, PAGE, { eerste: 40 });
    await sleep(100);
    const sanne = send(t, PAGE, { eerste: 5 }, { person: 'km-sanne' });
    const [a, b, s] = await Promise.all([jan1, jan2, sanne]);
    for (const r of [a, b, s]) {
      expect(r.answer!.status).toBe(200);
      expect(r.answer!.errors).toEqual([]);
    }
    expect(s.answer!.data!.caseload.klanten).toHaveLength(5);
    expect(b.done - a.done).toBeGreaterThan(LATENCY_MS * 1.5);
    // Sanne came after Jan's waiting page and was not held behind it. Held, her page would start only
    // once his first had gone and then make its two partner round trips: done at least
    // 2 × LATENCY_MS after his first. Not held, she is done about 200 ms after him (she was sent
    // 200 ms later). The limit sits between the two, as for his second page above; at exactly one
    // LATENCY_MS it once failed by 2 ms on PGlite in CI, her first request's work taking longer.
    expect(s.done).toBeLessThan(a.done + LATENCY_MS * 1.5);
    expect(await processingRows(t, b.traceId)).toBe(40);
    expect(await processingRows(t, s.traceId)).toBe(5);
  });

  it('while pages wait their turn, a request that may not run is refused at once and reads nothing', async () => {
    const first = send(t, PAGE, { eerste: 40 });
    await sleep(100);
    const waiting = send(t, PAGE, { eerste: 40 });
    await sleep(100);
    // A re-integratiebureau asking for a caseload, and someone without a token: neither queues.
    const rib = await send(t, PAGE, { eerste: 40 }, { person: 'rib-werkfit' });
    const started = performance.now();
    const anonymous = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: PAGE, variables: { eerste: 40 } }),
    });
    const anonymousMs = performance.now() - started;
    const [a, w] = await Promise.all([first, waiting]);
    expect(rib.answer!.errors.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
    expect(rib.answer!.data?.caseload ?? null).toBeNull();
    expect(anonymous.status).toBe(401);
    // Answered while the first page was still on its partners, long before the waiting one ran.
    expect(rib.done).toBeLessThan(a.done);
    expect(anonymousMs).toBeLessThan(LATENCY_MS);
    expect(await processingRows(t, rib.traceId)).toBe(0);
    expect(await decisions(t, rib.traceId)).toEqual(['deny']);
    expect(await processingRows(t, w.traceId)).toBe(40);
  });
});

describe('with room for 50 clients at once, a caller hanging up', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { GRAPH_CLIENTS_IN_FLIGHT: '50', GRAPH_ADMISSION_WAIT_MS: '8000', SANDBOX_LATENCY_MS: String(LATENCY_MS) } });
  });
  afterAll(() => t?.close());

  it('a caller who hangs up while waiting gives the place away: their page is never read, the next one is', async () => {
    const first = send(t, PAGE, { eerste: 40 });
    await sleep(100);
    const leaving = new AbortController();
    const gone = send(t, PAGE, { eerste: 40 }, { signal: leaving.signal });
    await sleep(100);
    leaving.abort();
    const next = send(t, PAGE, { eerste: 40 });
    const [a, g, n] = await Promise.all([first, gone, next]);
    expect(a.answer!.status).toBe(200);
    expect(n.answer!.status).toBe(200);
    expect(n.answer!.errors).toEqual([]);
    expect(await processingRows(t, a.traceId)).toBe(40);
    expect(await processingRows(t, n.traceId)).toBe(40);
    expect(await processingRows(t, g.traceId)).toBe(0);
    // Every slot came back: were one still held, this view would wait its 8 s and be refused.
    const after = await send(t, VIEW, { bsn: amsterdam[3]!.bsn });
    expect(after.answer!.status).toBe(200);
    expect(after.answer!.errors).toEqual([]);
  });
});

describe('with room for 40 clients and a wait of 200 ms at most', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { GRAPH_CLIENTS_IN_FLIGHT: '40', GRAPH_ADMISSION_WAIT_MS: '200', SANDBOX_LATENCY_MS: String(LATENCY_MS) } });
  });
  afterAll(() => t?.close());

  it('refuses a page that waited too long with 503, having read and logged nothing of it', async () => {
    const first = send(t, PAGE, { eerste: 40 });
    await sleep(100);
    const late = await send(t, PAGE, { eerste: 10 });
    expect(late.answer!.status).toBe(503);
    expect(late.answer!.data ?? null).toBeNull();
    expect(late.answer!.errors).toHaveLength(1);
    expect(late.answer!.errors[0]!.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfter: expect.any(Number) });
    expect(late.answer!.errors[0]!.message).toMatch(/try again in \d+ s/);
    const a = await first;
    expect(a.answer!.status).toBe(200);
    expect(await processingRows(t, a.traceId)).toBe(40);
    expect(await processingRows(t, late.traceId)).toBe(0);
  });

  it("a client's own view refused for load: nothing read, but the permit given before it queued is on record", async () => {
    const fatima = population()[0]!;
    const first = send(t, PAGE, { eerste: 40 });
    await sleep(100);
    const late = await send(t, VIEW, { bsn: fatima.bsn }, { person: 'client-fatima' });
    expect(late.answer!.status).toBe(503);
    expect(await processingRows(t, late.traceId)).toBe(0);
    expect(await decisions(t, late.traceId)).toEqual(['permit']);
    await first;
  });

  it('sends Retry-After with the refusal', async () => {
    const first = send(t, PAGE, { eerste: 40 });
    await sleep(100);
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token('km-jan')}` },
      body: JSON.stringify({ query: VIEW, variables: { bsn: amsterdam[4]!.bsn } }),
    });
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    await first;
  });
});
