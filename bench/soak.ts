// `npm run bench:soak`: a long run of mixed load while Ketenpoort's dependencies fail on a schedule,
// to show what survives: klantmanagers' combined views, RIBs' report uploads, and clients revoking
// and granting consent, against `ketenpoort serve` on PostgreSQL (or PGlite, `--db pglite`) with the
// three adapters and their sandboxes as processes of their own. On PostgreSQL, every `--every`
// minutes the database goes away for `--outage` seconds (a TCP proxy between Ketenpoort and
// PostgreSQL drops every connection and refuses new ones; PGlite has no separate server to lose).
// Half a period later one adapter is killed with SIGKILL and started again after `--adapter-down`
// seconds. At the end the gateway itself is killed with SIGKILL, a crash, and the receipted uploads
// are looked for in its database afterwards (on PGlite: opened again, so PostgreSQL's recovery runs
// first). It prints: requests and answers by outcome and code, receipted uploads and how many of
// those are not in the database (lost: must be 0), revocations whose next upload was not refused
// (must be 0), requests that hung past 10 s, and the gateway's memory after warm-up, at the end and
// minute by minute (RSS, V8 heap in use, external; on PGlite also the write-ahead log's size on
// disk, which only the gateway's own checkpoints keep bounded: gateway/db/pglite-checkpoints.ts).
// A script, not a test.
//
//   npm run bench:soak                                  # 30 minutes, an outage every 5
//   npm run bench:soak -- --minutes 4 --every 2         # a short run
//   npm run bench:soak -- --db pglite                   # on PGlite: adapter crashes only
// Options: --db postgres|pglite --minutes 30 --every 5 --outage 15 --adapter-down 5 --views 4 --uploads 2
//   --database-url postgresql://…/postgres (the server; a fresh database is made and dropped)
//   --population 600 --json FILE
//   --node-args="…" (flags for Ketenpoort's node, e.g. --heapsnapshot-signal=SIGUSR2 to look for a leak)
import { readdirSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { PARTNERS } from '../adapters/common/partner.js';
import { openDatabase } from '../gateway/db/database.js';
import { startTcpProxy } from '../tests/support/tcp-proxy.js';
import { startBenchIssuer } from './support/bench-issuer.js';
import { adapterEnv, startPartnerProcesses } from './support/partners.js';
import { freePort, memoryOf } from './support/processes.js';
import { CASELOAD_QUERY, VIEW_QUERY } from './support/queries.js';
import { BENCH_LIMITS } from './support/limits.js';
import { startKetenpoort } from './support/targets.js';
import { grantConsent, prepareUploads, reportBody } from './support/uploads.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'postgres' },
    minutes: { type: 'string', default: '30' },
    every: { type: 'string', default: '5' },
    outage: { type: 'string', default: '15' },
    'adapter-down': { type: 'string', default: '5' },
    views: { type: 'string', default: '4' },
    uploads: { type: 'string', default: '2' },
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
    population: { type: 'string', default: '600' },
    json: { type: 'string' },
    'node-args': { type: 'string' },
  },
});
if (values.db !== 'postgres' && values.db !== 'pglite') throw new Error(`--db must be postgres or pglite, not ${values.db}`);
const onPglite = values.db === 'pglite';
const minutes = Number(values.minutes);
const everyMs = Number(values.every) * 60_000;
const HANG_MS = 10_000;

// ---------------------------------------------------------------- the system under test
const issuer = await startBenchIssuer(0);
const partners = await startPartnerProcesses({ issuer, population: values.population! });
const server = new URL(values['database-url']!);
const proxy = onPglite ? undefined : await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
const metricsPort = await freePort();
const kp = await startKetenpoort(onPglite ? 'pglite' : 'postgres', {
  serverUrl: values['database-url']!,
  issuer,
  node: values['node-args'] ? values['node-args'].split(' ').filter(Boolean) : [],
  via: proxy ? (url) => proxy.via(url) : undefined,
  env: {
    LOG_LEVEL: 'warn',
    ...adapterEnv(partners.adapterUrls),
    ...BENCH_LIMITS,
    // Load shedding as shipped: under an outage and a crash, shedding is part of what is soaked.
    PRESSURE_EVENT_LOOP_DELAY_MS: '1000',
    // The gateway's own metrics tell the V8 heap apart from the rest of its memory (timeline below).
    METRICS_PORT: String(metricsPort),
  },
});
const url = kp.proc.url;
const [km, client, rib] = await Promise.all([kp.token('km-jan'), kp.token('client-fatima'), kp.token('rib-werkfit')]);

// ---------------------------------------------------------------- counting
const outcomes = new Map<string, number>();
const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
const receipts: string[] = [];
let revocations = 0;
let notEnforced = 0;
let hung = 0;

/** POSTs and classifies: `<what> <status> <first error code>`; a request past HANG_MS is a hang. */
async function post(what: string, path: string, headers: Record<string, string>, body: unknown) {
  try {
    const res = await fetch(url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(HANG_MS),
    });
    const answer = (await res.json().catch(() => ({}))) as { data?: any; errors?: { extensions?: { code?: string } }[]; code?: string; rapportageId?: string };
    const code = answer.errors?.[0]?.extensions?.code ?? answer.code;
    const partial = answer.errors?.length && answer.data && Object.values(answer.data).some((v) => v !== null);
    count(`${what} ${res.status}${code ? ` ${code}` : ''}${partial ? ' (partial)' : ''}`);
    return { status: res.status, answer };
  } catch (err) {
    const timeout = (err as Error).name === 'TimeoutError';
    if (timeout) hung++;
    count(`${what} ${timeout ? 'hung' : 'connection error'}`);
    return { status: 0, answer: {} as Record<string, any> };
  }
}

const caseload = await post('setup', '/graphql', { authorization: `Bearer ${km}` }, { query: CASELOAD_QUERY, variables: { eerste: 300, na: null } });
const bsns: string[] = caseload.answer.data.caseload.klanten.map((k: { bsn: string }) => k.bsn);
const uploadTargets = await prepareUploads(url, kp.token, 20);
const revocable = await prepareUploads(url, kp.token, 5);
outcomes.clear();

// ---------------------------------------------------------------- load
const started = Date.now();
const endAt = started + minutes * 60_000;
const running = () => Date.now() < endAt;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function viewer(offset: number) {
  for (let i = offset; running(); i += 7) {
    await post('view', '/graphql', { authorization: `Bearer ${km}` }, { query: VIEW_QUERY, variables: { bsn: bsns[i % bsns.length] } });
  }
}

async function uploader(offset: number) {
  for (let i = offset; running(); i += 3) {
    const t = uploadTargets[i % uploadTargets.length]!;
    const { status, answer } = await post('upload', `/rib/v1/trajecten/${t.trajectId}/rapportages`,
      { authorization: `Bearer ${rib}`, 'consent-token': t.consentToken, 'idempotency-key': crypto.randomUUID() }, reportBody());
    if (status === 201 && answer.rapportageId) receipts.push(answer.rapportageId);
    if (status !== 201) await sleep(200);
  }
}

/** Revoke, then the RIB's very next upload with the old token must be refused; then grant again. */
async function consentCycles() {
  for (let i = 0; running(); i++) {
    const t = revocable[i % revocable.length]!;
    const revoke = await post('revoke', '/graphql', { authorization: `Bearer ${client}` },
      { query: 'mutation($id: ID!) { trekToestemmingIn(toestemmingId: $id) { id status } }', variables: { id: t.consentId } });
    if (revoke.status === 200 && !revoke.answer.errors) {
      revocations++;
      const next = await post('upload after revoke', `/rib/v1/trajecten/${t.trajectId}/rapportages`,
        { authorization: `Bearer ${rib}`, 'consent-token': t.consentToken, 'idempotency-key': crypto.randomUUID() }, reportBody());
      if (next.status === 201) notEnforced++;
      // Granted again for the next round (retried through outages).
      while (running()) {
        const granted = await grantConsent(url, { client, rib }, t.trajectId).catch(() => undefined);
        if (granted) {
          Object.assign(t, granted);
          break;
        }
        await sleep(1000);
      }
    }
    await sleep(1000);
  }
}

// ---------------------------------------------------------------- failures on a schedule
const events: string[] = [];
const at = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
async function chaos() {
  for (let k = 0; ; k++) {
    const outageAt = started + (k + 0.5) * everyMs;
    const crashAt = started + (k + 1) * everyMs;
    if (proxy) {
      if (outageAt + Number(values.outage) * 1000 > endAt) return;
      await sleep(outageAt - Date.now());
      events.push(`${at()} database unreachable for ${values.outage} s`);
      await proxy.cut();
      await sleep(Number(values.outage) * 1000);
      await proxy.restore();
    }
    if (crashAt + Number(values['adapter-down']) * 1000 > endAt) return;
    await sleep(crashAt - Date.now());
    const partner = PARTNERS[k % PARTNERS.length]!;
    events.push(`${at()} adapter ${partner} killed (SIGKILL), restarted after ${values['adapter-down']} s`);
    partners.crash(partner);
    await sleep(Number(values['adapter-down']) * 1000);
    await partners.restart(partner);
  }
}

// Memory every minute: RSS from /proc, the V8 heap in use and memory outside it (Buffers) from the
// gateway's /metrics, so growth that is a heap leak can be told apart from a heap that has not yet
// reached its working size.
interface MemorySample { minute: number; rss_mb: number; heap_used_mb?: number; external_mb?: number; wal_mb?: number }
/** PGlite's write-ahead log on disk (MB): bounded only while the gateway checkpoints it. */
function walMb(): number | undefined {
  if (!onPglite) return undefined;
  const dir = join(kp.database.dataDir, 'pg_wal');
  let bytes = 0;
  for (const name of readdirSync(dir)) {
    const st = statSync(join(dir, name));
    if (st.isFile()) bytes += st.size;
  }
  return Math.round(bytes / 1048576);
}
const timeline: MemorySample[] = [];
async function sampleMemory(minute: number) {
  const rss = memoryOf(kp.proc.pid)?.rssMb;
  if (rss === undefined) return;
  const text = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { signal: AbortSignal.timeout(2000) }).then((r) => r.text()).catch(() => '');
  const metric = (name: string) => {
    const m = new RegExp(`^${name} (\\S+)`, 'm').exec(text);
    return m ? Math.round(Number(m[1]) / 1048576) : undefined;
  };
  timeline.push({ minute, rss_mb: Math.round(rss), heap_used_mb: metric('nodejs_heap_size_used_bytes'), external_mb: metric('nodejs_external_memory_bytes'), wal_mb: walMb() });
}
const sampler = setInterval(() => void sampleMemory(Math.round((Date.now() - started) / 60_000)), 60_000);
await sleep(0);
const memory: { start?: number; end?: number } = {};
setTimeout(() => (memory.start = memoryOf(kp.proc.pid)?.rssMb), Math.min(30_000, minutes * 15_000)).unref();
await Promise.all([
  ...Array.from({ length: Number(values.views) }, (_, i) => viewer(i)),
  ...Array.from({ length: Number(values.uploads) }, (_, i) => uploader(i)),
  consentCycles(),
  chaos(),
]);
clearInterval(sampler);
memory.end = memoryOf(kp.proc.pid)?.rssMb;
// A gateway that died is the worst outcome of all: say so, with the end of its own log.
const gatewayDied = memory.end === undefined;
if (gatewayDied) {
  const { readFileSync } = await import('node:fs');
  console.log(`\nTHE GATEWAY PROCESS EXITED during the run; the end of its log (${kp.proc.logFile}):`);
  console.log(readFileSync(kp.proc.logFile, 'utf8').split('\n').slice(-40).join('\n'));
}

// ---------------------------------------------------------------- what survived a crash
// The gateway is killed, not stopped: a receipt must hold without a clean shutdown's flushes.
await kp.proc.stop('SIGKILL');
const lost = receipts.length - (await countStored(receipts));

async function countStored(ids: string[]): Promise<number> {
  const sql = 'SELECT count(*)::int AS n FROM rapportage WHERE id = ANY($1::uuid[])';
  if (!onPglite) {
    const direct = new pg.Client({ connectionString: kp.database.url });
    await direct.connect();
    try {
      return (await direct.query<{ n: number }>(sql, [ids])).rows[0]!.n;
    } finally {
      await direct.end();
    }
  }
  // Opened again after the crash: PostgreSQL's recovery replays the log first.
  const database = await openDatabase({ dataDir: kp.database.dataDir });
  try {
    return (await database.query<{ n: number }>(sql, [ids]))[0]!.n;
  } finally {
    await database.close();
  }
}

const summary = {
  db: values.db,
  machine: `${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, load ${loadavg()[0]!.toFixed(1)} at the end`,
  minutes,
  requests: [...outcomes.values()].reduce((a, b) => a + b, 0),
  outcomes: Object.fromEntries([...outcomes].sort(([a], [b]) => a.localeCompare(b))),
  receipted_uploads: receipts.length,
  lost_uploads: lost,
  revocations,
  revocations_not_enforced: notEnforced,
  hung_requests: hung,
  gateway_exited: memory.end === undefined,
  memory_mb: { after_warmup: Math.round(memory.start ?? 0), end: Math.round(memory.end ?? 0) },
  memory_growth_pct: memory.start ? Math.round(((memory.end! - memory.start) / memory.start) * 1000) / 10 : null,
  memory_timeline: timeline,
  events,
};
console.log(`\nSoak run on ${values.db}, ${minutes} min — ${summary.machine}`);
for (const e of events) console.log(`  ${e}`);
console.log('\nanswers by outcome:');
for (const [k, v] of Object.entries(summary.outcomes)) console.log(`  ${String(v).padStart(8)}  ${k}`);
console.log(`\nrequests                         ${summary.requests}`);
console.log(`receipted uploads                ${receipts.length}`);
console.log(`lost uploads (must be 0)         ${lost}`);
console.log(`revocations                      ${revocations}`);
console.log(`not enforced next (must be 0)    ${notEnforced}`);
console.log(`hung past ${HANG_MS / 1000} s                   ${hung}`);
console.log(gatewayDied ? 'gateway memory                   (the gateway exited)' : `gateway memory                   ${summary.memory_mb.after_warmup} MB after warm-up → ${summary.memory_mb.end} MB at the end (${summary.memory_growth_pct} %)`);
console.log('memory by minute (RSS / V8 heap used / external, MB):');
console.log(`  ${timeline.map((t) => `${t.minute}: ${t.rss_mb}/${t.heap_used_mb ?? '?'}/${t.external_mb ?? '?'}`).join('  ')}`);
if (onPglite) console.log(`PGlite's write-ahead log by minute (MB on disk):\n  ${timeline.map((t) => `${t.minute}: ${t.wal_mb ?? '?'}`).join('  ')}`);
if (values.json) await writeFile(values.json, JSON.stringify(summary, null, 2));

await kp.drop();
await partners.stop();
await proxy?.close();
await issuer.close();
process.exit(lost === 0 && notEnforced === 0 && !gatewayDied ? 0 : 1);
