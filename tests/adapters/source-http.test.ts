// The resilience factories under one partner source: retries for reads only and only on network
// errors and 5xx, never beyond the budget; a 4xx is not retried and does not count as an outage.
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createSourceHttp } from '../../adapters/common/source-http.js';
import { listen } from './loopback.js';
import { until } from '../support/until.js';

const log = pino({ level: 'silent' });
const CREDENTIAL = 'source-credential-for-tests';
let server: FastifyInstance | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A source that answers `statuses` in turn (then 200), counting calls and keeping their Authorization. */
async function flakySource(statuses: number[]) {
  let calls = 0;
  const authorizations: (string | undefined)[] = [];
  server = Fastify();
  server.all('/x', async (req, reply) => {
    authorizations.push(req.headers.authorization);
    const status = statuses[calls++] ?? 200;
    return reply.code(status).send({ status });
  });
  const url = await listen(server);
  return { url, calls: () => calls, authorizations };
}

describe('createSourceHttp', () => {
  it('retries a read after 5xx answers and succeeds', async () => {
    const source = await flakySource([503, 502]);
    // Two retries with backoff must fit the budget even on a busy machine (a retry is only started
    // when it can still finish inside it).
    const http = createSourceHttp({ partner: 'uwv', baseUrl: source.url, credential: CREDENTIAL, timeoutMs: 10_000, log });
    const res = await http.send({ method: 'POST', path: '/x', accept: 'application/json', read: true });
    expect(res.status).toBe(200);
    expect(source.calls()).toBe(3);
    http.close();
  });

  it('never retries a write', async () => {
    const source = await flakySource([503]);
    const http = createSourceHttp({ partner: 'uwv', baseUrl: source.url, credential: CREDENTIAL, timeoutMs: 1000, log });
    await expect(http.send({ method: 'POST', path: '/x', accept: 'application/json', read: false })).rejects.toMatchObject({
      extensions: { code: 'PARTNER_UNAVAILABLE', partner: 'uwv', reason: 'http-error' },
    });
    expect(source.calls()).toBe(1);
    http.close();
  });

  it('does not retry a 4xx, and 4xx answers do not open the breaker', async () => {
    const source = await flakySource(Array(10).fill(400));
    const http = createSourceHttp({ partner: 'cwi', baseUrl: source.url, credential: CREDENTIAL, timeoutMs: 1000, log, breaker: { volumeThreshold: 2 } });
    for (let i = 0; i < 6; i++) await expect(http.send({ method: 'GET', path: '/x', accept: 'application/json', read: true })).rejects.toBeDefined();
    expect(source.calls()).toBe(6);
    expect(http.breakerOpen).toBe(false);
    http.close();
  });

  it('stops retrying when the budget is spent', async () => {
    const source = await flakySource(Array(50).fill(500));
    const http = createSourceHttp({ partner: 'gemeente', baseUrl: source.url, credential: CREDENTIAL, timeoutMs: 300, log, retry: { retries: 40, baseDelayMs: 100, maxDelayMs: 100 } });
    const started = Date.now();
    await expect(http.send({ method: 'GET', path: '/x', accept: 'application/xml', read: true })).rejects.toMatchObject({ extensions: { partner: 'gemeente' } });
    expect(Date.now() - started).toBeLessThan(300 + 300);
    expect(source.calls()).toBeLessThan(10);
    http.close();
  });

  it('opens the breaker after repeated 5xx, fails fast while open, and closes after a good trial call', async () => {
    const source = await flakySource(Array(4).fill(503));
    const http = createSourceHttp({ partner: 'uwv', baseUrl: source.url, credential: CREDENTIAL, timeoutMs: 1000, log, retry: { retries: 0 }, breaker: { volumeThreshold: 4, resetTimeoutMs: 300 } });
    const read = () => http.send({ method: 'GET', path: '/x', accept: 'application/json', read: true });
    for (let i = 0; i < 4; i++) await expect(read()).rejects.toMatchObject({ extensions: { reason: 'http-error' } });
    expect(http.breakerOpen).toBe(true);
    await expect(read()).rejects.toMatchObject({ extensions: { code: 'PARTNER_UNAVAILABLE', reason: 'circuit-open' } });
    expect(source.calls()).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await read()).status).toBe(200);
    expect(http.breakerOpen).toBe(false);
    http.close();
  });

  it('sends its credential on every call; a source refusing it (401, 403) is credential-refused, not retried, no outage', async () => {
    const source = await flakySource([401, 403, 401, 403, 401, 403]);
    const http = createSourceHttp({ partner: 'uwv', baseUrl: source.url, credential: CREDENTIAL, timeoutMs: 1000, log, breaker: { volumeThreshold: 2 } });
    for (let i = 0; i < 6; i++) {
      await expect(http.send({ method: 'POST', path: '/x', accept: 'application/json', read: true })).rejects.toMatchObject({
        extensions: { code: 'PARTNER_UNAVAILABLE', partner: 'uwv', reason: 'credential-refused' },
      });
    }
    expect(source.calls()).toBe(6);
    expect(http.breakerOpen).toBe(false);
    expect((await http.send({ method: 'GET', path: '/x', accept: 'application/json', read: true })).status).toBe(200);
    expect(new Set(source.authorizations)).toEqual(new Set([`Bearer ${CREDENTIAL}`]));
    http.close();
  });

  it('ends a call that outlasts its budget as a timeout', async () => {
    server = Fastify();
    server.get('/hang', () => new Promise(() => {}));
    const url = await listen(server);
    const http = createSourceHttp({ partner: 'cwi', baseUrl: url, credential: CREDENTIAL, timeoutMs: 300, log, retry: { retries: 0 } });
    const started = Date.now();
    await expect(http.within((deadline) => http.send({ method: 'GET', path: '/hang', accept: 'application/json', read: true }, deadline))).rejects.toMatchObject({
      extensions: { code: 'PARTNER_UNAVAILABLE', partner: 'cwi', reason: 'timeout' },
    });
    expect(Date.now() - started).toBeLessThan(300 + 700);
    http.close();
    await server.close();
    server = undefined;
  });

  it('cancels what a failed call still has in flight, without logging it or counting it against the partner', async () => {
    // One chunk of a call fails at once; its sibling is still waiting for the source. Nobody will
    // read the sibling's answer, so its request is cancelled, long before the budget ends.
    const ended: { answered: boolean }[] = [];
    server = Fastify();
    server.post('/fails', async (_req, reply) => reply.code(503).send({}));
    server.post('/slow', (_req, reply) => {
      reply.raw.on('close', () => ended.push({ answered: reply.raw.writableFinished }));
      return new Promise(() => {});
    });
    const url = await listen(server);
    const lines: { msg?: string; path?: string }[] = [];
    const captured = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const http = createSourceHttp({ partner: 'uwv', baseUrl: url, credential: CREDENTIAL, timeoutMs: 10_000, log: captured, retry: { retries: 0 }, breaker: { volumeThreshold: 2 } });
    const started = Date.now();
    await expect(
      http.within((deadline) =>
        Promise.all(['/slow', '/fails'].map((path) => http.send({ method: 'POST', path, accept: 'application/json', read: true }, deadline))),
      ),
    ).rejects.toMatchObject({ extensions: { reason: 'http-error' } });
    await until('the slow request to be cancelled', async () => ended.length === 1, 4000, 20);
    expect(ended).toEqual([{ answered: false }]);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(lines.map((l) => l.path)).toEqual(['/fails']);
    // One failure in the window (the cancelled request is not one): the breaker stays closed.
    expect(http.breakerOpen).toBe(false);
    http.close();
  });

  it('expects the statuses the caller handles itself', async () => {
    const source = await flakySource([404]);
    const http = createSourceHttp({ partner: 'gemeente', baseUrl: source.url, credential: CREDENTIAL, timeoutMs: 1000, log });
    expect((await http.send({ method: 'GET', path: '/x', accept: 'application/xml', read: true, expect: [404] })).status).toBe(404);
    http.close();
  });
});
