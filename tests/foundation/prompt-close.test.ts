// Shutting down while someone holds a connection open without sending anything (a browser's
// preconnect, a load balancer's TCP check), and while a request is being answered: Node's own close
// waited for the first until its headersTimeout (60 s) and for the second's keep-alive connection
// until keepAliveTimeout (72 s), so a graceful stop overran SHUTDOWN_GRACE_MS and exited 1
// (lib/prompt-close.ts). The gateway, its partner adapters and the metrics server now close both at
// once; the request in flight still gets its answer.
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { population } from '../../adapters/population/population.js';
import { startTestApp } from '../support/app.js';
import { graphql } from '../support/graphql.js';

const VIEW = `query($bsn: ID!) { klant(bsn: $bsn) { bsn uitkeringen { soort } } }`;

/** A TCP connection that sends nothing; `closed` settles when the server has closed it. */
async function silentConnection(url: string) {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => {});
  return { socket, closed };
}

describe('closing with a request in flight and connections that never sent one', () => {
  it('answers the request, closes every connection at once, and is done in seconds, not minutes', async () => {
    const t = await startTestApp({ env: { SANDBOX_LATENCY_MS: '400', METRICS_PORT: '0' } });
    const partners = Object.values(t.runtime.partners.urls);
    expect(partners).toHaveLength(3);
    const silent = await Promise.all([t.url, t.runtime.metricsUrl!, ...partners].map(silentConnection));
    const fatima = population()[0]!;
    const inFlight = graphql(t.url, await t.token('client-fatima'), VIEW, { bsn: fatima.bsn });
    await new Promise((r) => setTimeout(r, 150));
    const started = performance.now();
    await t.close();
    const closeMs = performance.now() - started;
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.errors).toEqual([]);
    expect(answer.data!.klant.bsn).toBe(fatima.bsn);
    expect(closeMs).toBeLessThan(10_000);
    await Promise.all(silent.map((s) => s.closed));
    for (const s of silent) expect(s.socket.destroyed).toBe(true);
  }, 30_000);
});
