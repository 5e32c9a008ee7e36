// A partner adapter running as its own process (`ketenpoort adapter uwv`) is killed with SIGKILL
// while klantmanagers are asking for the combined view, and started again. While it is gone every
// answer comes within the partner time limit, partial: the other partners' parts are there and
// UWV's part is PARTNER_UNAVAILABLE naming UWV; no request hangs. /ready shows the gateway's
// circuit breaker towards UWV open; after the restart the answers are whole again within seconds
// and the circuit closes.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { population } from '../../adapters/population/population.js';
import { ADAPTER_BREAKER } from '../../gateway/graph/adapter-circuit.js';
import { runPartnerCommand, type PartnerProcess } from '../adapters/partner-process.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { graphql, type GraphqlAnswer } from '../support/graphql.js';
import { until } from '../support/until.js';

const TIMEOUT_MS = 700;
/** Scheduling noise on a busy two-core machine, not a performance claim. */
const MARGIN_MS = 1500;
const ISSUER = 'http://ketenpoort.test';
/** What the sandbox asks of its adapter (SANDBOX_CREDENTIAL / UWV_SOURCE_CREDENTIAL). */
const CREDENTIAL = 'adapter-crash-test-credential-0123456789';
const QUERY = `query($bsn: ID!) { klant(bsn: $bsn) { naam { volledigeNaam } uitkeringen { soort } inschrijving { status } } }`;
const bsns = [population()[0]!.bsn, population()[3]!.bsn];

let t: TestApp;
let sandbox: PartnerProcess;
let adapterPort: number;
let sandboxUrl: string;
let adapter: PartnerProcess | undefined;
let token: string;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startAdapter(): Promise<PartnerProcess> {
  const p = runPartnerCommand(['adapter', 'uwv'], {
    LOG_LEVEL: 'info', HOST: '127.0.0.1', ADAPTER_PORT: String(adapterPort), UWV_SOURCE_URL: sandboxUrl, UWV_SOURCE_CREDENTIAL: CREDENTIAL,
    GATEWAY_JWKS_URL: `${t.url}/.well-known/jwks.json`, PUBLIC_URL: ISSUER,
  });
  await p.waitForLog((l) => l.msg === 'adapter is listening');
  return p;
}

const ask = (i: number) => graphql(t.url, token, QUERY, { bsn: bsns[i % bsns.length] });
const whole = (a: GraphqlAnswer) => a.errors.length === 0 && Array.isArray(a.data?.klant?.uitkeringen);
const ready = async () => (await (await fetch(`${t.url}/ready`)).json()) as { status: string; adapters: Record<string, string> };

beforeAll(async () => {
  sandbox = runPartnerCommand(['sandbox', 'uwv'], { LOG_LEVEL: 'info', HOST: '127.0.0.1', SANDBOX_PORT: '0', SANDBOX_CREDENTIAL: CREDENTIAL });
  sandboxUrl = String((await sandbox.waitForLog((l) => l.msg === 'sandbox is listening')).url);
  adapterPort = await freePort();
  t = await startTestApp({ env: { PARTNER_TIMEOUT_MS: String(TIMEOUT_MS), UWV_ADAPTER_URL: `http://127.0.0.1:${adapterPort}/graphql` } });
  token = await t.token('km-jan');
  // The adapter trusts the gateway's published keys, so it starts after the gateway listens; the
  // gateway fetches its schema on its next poll.
  adapter = await startAdapter();
  await until('the UWV adapter composed into the graph', async () => whole(await ask(0)), 30_000);
  const second = await ask(1);
  expect(whole(second), JSON.stringify(second.errors)).toBe(true);
}, 60_000);

afterAll(async () => {
  for (const p of [adapter, sandbox]) if (p && p.proc.exitCode === null) p.proc.kill('SIGKILL');
  await t?.close();
});

describe('an adapter process killed under load and started again', () => {
  it('answers partial, in time, naming UWV while it is gone, and whole again within seconds after', async () => {
    expect(await ready()).toMatchObject({ status: 'ready', adapters: { uwv: 'closed', cwi: 'closed', gemeente: 'closed' } });

    // Load: four klantmanagers' screens asking at once, all the time.
    const answers: { at: number; phase: string; answer: GraphqlAnswer }[] = [];
    let phase = 'before';
    let running = true;
    const worker = async (w: number) => {
      for (let i = w; running; i += 4) {
        // A request that spans a change (in flight when the adapter was killed) belongs to neither side.
        const started = phase;
        const answer = await ask(i);
        answers.push({ at: Date.now(), phase: started === phase ? phase : `${started}->${phase}`, answer });
      }
    };
    const load = Promise.all([0, 1, 2, 3].map(worker));
    await new Promise((r) => setTimeout(r, 1000));

    phase = 'down';
    adapter!.proc.kill('SIGKILL');
    await adapter!.exited;
    // Long enough for the circuit to open (five failures in its window) and be seen in /ready.
    const open = await until('the circuit towards UWV open in /ready', async () => {
      const r = await ready();
      return r.adapters.uwv === 'open' && r;
    }, 10_000);
    expect(open).toMatchObject({ status: 'ready', adapters: { cwi: 'closed', gemeente: 'closed' } });
    await new Promise((r) => setTimeout(r, 1000));

    phase = 'restarting';
    adapter = await startAdapter();
    // From the moment it listens again (a node process's own start on a busy machine is not ours to count).
    const restartedAt = Date.now();
    const back = await until('whole answers again', async () => {
      const a = await ask(1);
      return whole(a) && Date.now();
    }, 15_000);
    phase = 'after';
    await new Promise((r) => setTimeout(r, 1000));
    running = false;
    await load;

    // Whole again within seconds of the restart. The circuit's trial call comes within one reset
    // period; on a loaded machine the fresh adapter's first call (cold code, its first JWKS fetch)
    // can outlast the partner time limit, so one failed trial and the next period are allowed.
    expect(back - restartedAt).toBeLessThan(2 * ADAPTER_BREAKER.resetTimeoutMs + TIMEOUT_MS + MARGIN_MS);
    expect((await ready()).adapters.uwv).toBe('closed');

    // No request hung: each answered within the partner time limit (plus scheduling noise).
    for (const { answer } of answers) expect(answer.ms).toBeLessThan(TIMEOUT_MS + 500 + MARGIN_MS);
    expect(answers.filter((a) => a.phase === 'before' && !whole(a.answer)).map((a) => a.answer.errors)).toEqual([]);
    expect(answers.filter((a) => a.phase === 'after' && !whole(a.answer)).map((a) => a.answer.errors)).toEqual([]);

    // While UWV's adapter was gone: partial answers, the other partners' parts filled in.
    const down = answers.filter((a) => a.phase === 'down' && !whole(a.answer));
    expect(down.length).toBeGreaterThan(5);
    for (const { answer } of down) {
      expect(answer.status).toBe(200);
      expect(answer.data!.klant.naam.volledigeNaam.length).toBeGreaterThan(0);
      expect(answer.data!.klant.inschrijving).not.toBeNull();
      expect(answer.data!.klant.uitkeringen).toBeNull();
      expect(answer.errors.map((e) => e.extensions)).toEqual([expect.objectContaining({ code: 'PARTNER_UNAVAILABLE', partner: 'uwv' })]);
    }
    // Once open, the circuit answers at once instead of trying to connect.
    expect(down.some((a) => a.answer.errors[0]!.extensions.reason === 'circuit-open')).toBe(true);
  }, 90_000);
});
