// `npm run bench`: one comparison run on this machine. The same partner sandboxes and adapters,
// each in a process of its own, serve three targets, measured with the same load generator,
// connections, warm-up and window, rotating clients and pages so nothing is answered from one
// cached response:
//   ceiling     a plain fastify route asking the three adapters in parallel (bench/targets/ceiling.ts)
//   bare        a mercurius gateway over the same adapters, nothing of ours (bench/targets/bare.ts)
//   ketenpoort  `ketenpoort serve` as shipped: bearer tokens, policy, consent, decision and
//               processing logs, on PostgreSQL and on PGlite
// for the one-client view (under load, and one request alone) and caseload pages of 50 and 300
// clients, plus report uploads through the REST API against raw inserts of the same rows. The
// targets take turns, round after round, so the machine's noise falls on all of them alike; the
// table gives each figure's median over the rounds and each rate's ratio to the ceiling and the
// bare gateway. Beside each rate, the CPU milliseconds one request cost the target's process, the
// partners' adapters and sandboxes (also each apart), and the PostgreSQL server
// (bench/support/cpu.ts): on a shared, noisy machine those move far less than the rates do.
// `--json FILE` writes the figures. A script, not a test.
//
//   npm run bench                                   # everything (about 25 minutes)
//   npm run bench -- --db postgres --query view     # a part
//   npm run bench -- --json bench-results.json
// Options: --seconds 10 --warmup 5 --rounds 3 --connections 20 --db postgres,pglite
//   --target ceiling,bare,ketenpoort --query view,alone,caseload50,caseload300,upload
//   --database-url postgresql://…/postgres (the server; a fresh database is made and dropped)
//   --population 600 (synthetic people in the sandboxes) --blocks 50 (blocks the uploads go to)
//   --profile DIR (a V8 CPU profile of every process) --node-args="…" (flags for Ketenpoort's node)
//   --set KEY=VALUE,KEY=VALUE (Ketenpoort's settings, README "Configuration", e.g. PGLITE_SHARED_BUFFERS_MB=32)
//   --program files (Ketenpoort from the files tsc wrote instead of the bundle bin/ketenpoort.js runs)
//   --issuer-port N and --adapter uwv=URL,cwi=URL,gemeente=URL: adapters deployed elsewhere (README)
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { ORG } from '../adapters/population/organisations.js';
import { startBenchIssuer } from './support/bench-issuer.js';
import { adapterEnv, startPartnerProcesses } from './support/partners.js';
import { postgresPids, type CpuGroups, type CpuPerRequest } from './support/cpu.js';
import { measure, warmUp, type LoadResult } from './support/load.js';
import { memoryOf } from './support/processes.js';
import { PAGE_SIZE, type QueryName } from './support/queries.js';
import { goalLines, judgeGoals } from './support/goals.js';
import { isProgram, startBare, startCeiling, startKetenpoort, type Db, type Endpoint, type KetenpoortTarget, type Target } from './support/targets.js';
import { measureRawInserts, measureUploads, prepareUploads } from './support/uploads.js';
import { median } from './support/stats.js';

const { values } = parseArgs({
  options: {
    json: { type: 'string' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '20' },
    db: { type: 'string', default: 'postgres,pglite' },
    target: { type: 'string', default: 'ceiling,bare,ketenpoort' },
    query: { type: 'string', default: 'view,alone,caseload50,caseload300,upload' },
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
    population: { type: 'string', default: '600' },
    blocks: { type: 'string', default: '50' },
    profile: { type: 'string' },
    'node-args': { type: 'string' },
    set: { type: 'string' },
    program: { type: 'string', default: 'bundle' },
    'issuer-port': { type: 'string', default: '0' },
    adapter: { type: 'string' },
  },
});
const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
const dbs = list(values.db!) as Db[];
const targets = list(values.target!) as Target[];
const queries = list(values.query!);
const rounds = Number(values.rounds);
const timing = { connections: Number(values.connections), warmupSeconds: Number(values.warmup), seconds: Number(values.seconds) };

interface Run extends Omit<LoadResult, keyof CpuPerRequest> {
  target: Target;
  query: QueryName | 'upload' | 'rawinsert';
  db: Db;
  connections: number;
  rounds: number;
  /** CPU ms per request (medians over the rounds); null where not measured. */
  gateway_cpu_ms: number | null;
  partners_cpu_ms: number | null;
  database_cpu_ms: number | null;
  /** The partners' CPU ms per request, process by process ("adapter gemeente", "sandbox uwv", …). */
  /** Null for a process when no request was answered (nothing to divide by). */
  processes_cpu_ms?: Record<string, number | null>;
}
const runs: Run[] = [];
const starts: { db: Db; start_to_ready_s: number; idle_rss_mb: number }[] = [];

// ---------------------------------------------------------------- partners, shared by every target
const issuer = await startBenchIssuer(Number(values['issuer-port']));
const quiet = { LOG_LEVEL: 'warn', NODE_ENV: 'development' };
const profiling = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : [];
const program = values.program!;
if (!isProgram(program)) throw new Error('--program: bundle or files');
const kpNode = [...profiling, ...(values['node-args']?.split(' ').filter(Boolean) ?? [])];
/** Settings for Ketenpoort's process only, to measure one against another in turns. */
const kpSettings: Record<string, string> = Object.fromEntries(
  (values.set ?? '').split(',').filter(Boolean).map((kv) => {
    const at = kv.indexOf('=');
    if (at < 1 || !/^[A-Z][A-Z0-9_]*$/.test(kv.slice(0, at))) throw new Error(`--set takes KEY=VALUE pairs with the settings' names (README, "Configuration"); got "${kv}"`);
    return [kv.slice(0, at), kv.slice(at + 1)];
  }),
);
const partners = values.adapter ? undefined : await startPartnerProcesses({ issuer, population: values.population!, node: profiling });
const adapterUrls = partners?.adapterUrls
  ?? (Object.fromEntries(list(values.adapter!).map((kv) => kv.split('=') as [string, string])) as Record<'uwv' | 'cwi' | 'gemeente', string>);
const targetEnv = {
  ...quiet,
  ...adapterEnv(adapterUrls),
  BENCH_ISSUER: issuer.issuer,
  BENCH_SIGNING_JWK: JSON.stringify(issuer.privateJwk),
  BENCH_OIN: ORG.amsterdam.oin,
};

/**
 * Whose CPU a measurement counts: the target's process, the partner processes (when this run
 * started them) and, for Ketenpoort on a PostgreSQL server on this machine, the server's processes
 * (listed when the window starts: the pool's connections are open by then). PGlite runs inside
 * the gateway's process, so its work is in the gateway's figure.
 */
const localServer = ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(values['database-url']!).hostname);
const cpuOf = (target: Target, pid: number, db: Db) => (): CpuGroups => ({
  gateway: [pid],
  partners: partners ? partners.procs().map((p) => ({ name: p.name, pid: p.pid })) : null,
  database: target === 'ketenpoort' && db === 'postgres' && localServer ? postgresPids() : null,
});

// ---------------------------------------------------------------- workloads
/** The caseload's clients and the cursor of every page of 50, read once through the target. */
async function caseloadPages(e: Endpoint): Promise<{ bsns: string[]; cursors: (string | null)[] }> {
  const bsns: string[] = [];
  const cursors: (string | null)[] = [null];
  for (;;) {
    const req = e.request('caseload50', { eerste: 50, na: cursors.at(-1) });
    const res = await fetch(e.proc.url + req.path, { method: 'POST', headers: { 'content-type': 'application/json', ...e.headers }, body: req.body });
    const answer = (await res.json()) as { data?: { caseload: { klanten: { bsn: string }[]; volgende: string | null } }; errors?: unknown[] };
    if (answer.errors?.length || !answer.data) throw new Error(`caseload through ${e.target}: ${JSON.stringify(answer.errors)}`);
    bsns.push(...answer.data.caseload.klanten.map((k) => k.bsn));
    if (!answer.data.caseload.volgende) break;
    cursors.push(answer.data.caseload.volgende);
  }
  return { bsns, cursors };
}

/** `next()` for one query through one target: rotating clients, or full pages from rotating starts. */
function workload(e: Endpoint, q: QueryName | 'alone', pages: { bsns: string[]; cursors: (string | null)[] }) {
  let i = 0;
  if (q === 'view' || q === 'alone') {
    return () => ({ ...e.request('view', { bsn: pages.bsns[i++ % pages.bsns.length] }), headers: e.headers });
  }
  const size = PAGE_SIZE[q];
  const starts = pages.cursors.filter((_, k) => k * 50 + size <= pages.bsns.length);
  if (starts.length === 0) throw new Error(`the caseload has ${pages.bsns.length} clients, fewer than ${size}`);
  return () => ({ ...e.request(q, { eerste: size, na: starts[i++ % starts.length] }), headers: e.headers });
}


function combine(target: Target, query: Run['query'], db: Db, connections: number, results: LoadResult[]): Run {
  return {
    target,
    query,
    db,
    connections,
    rounds: results.length,
    rps: Math.round(median(results.map((r) => r.rps)) * 10) / 10,
    gateway_cpu_ms: medianOf(results.map((r) => r.gateway_cpu_ms)),
    partners_cpu_ms: medianOf(results.map((r) => r.partners_cpu_ms)),
    database_cpu_ms: medianOf(results.map((r) => r.database_cpu_ms)),
    ...processesOf(results),
    p50_ms: median(results.map((r) => r.p50_ms)),
    p99_ms: median(results.map((r) => r.p99_ms)),
    peak_rss_mb: Math.max(...results.map((r) => r.peak_rss_mb)),
    requests: results.reduce((n, r) => n + r.requests, 0),
    errors: results.reduce((n, r) => n + r.errors, 0),
  };
}

/** The median of figures every round has; null when a round lacks it. */
function medianOf(xs: (number | null | undefined)[]): number | null {
  return xs.every((x): x is number => typeof x === 'number') && xs.length > 0 ? Math.round(median(xs) * 100) / 100 : null;
}

/** Every query, the targets taking turns within each round. */
async function measureGraph(db: Db, endpoints: Endpoint[]) {
  const pages = new Map<Endpoint, Awaited<ReturnType<typeof caseloadPages>>>();
  for (const e of endpoints) pages.set(e, await caseloadPages(e));
  for (const q of queries.filter((x) => x !== 'upload') as (QueryName | 'alone')[]) {
    const connections = q === 'alone' ? 1 : timing.connections;
    const results = new Map<Endpoint, LoadResult[]>(endpoints.map((e) => [e, []]));
    // The partners warm up too (code compiled under load, heaps grown), and a target measured on
    // cold partners pays for it: the bare gateway measured first ran its view at 270–287 req/s,
    // measured after the ceiling at 543–575 (2026-12-05). So every target's workload runs through
    // the chain, unmeasured, before the first measured window of any of them.
    for (const e of endpoints) await warmUp({ url: e.proc.url, next: workload(e, q, pages.get(e)!), connections, warmupSeconds: timing.warmupSeconds });
    for (let round = 0; round < rounds; round++) {
      for (const e of endpoints) {
        const r = await measure({
          url: e.proc.url,
          pid: e.proc.pid,
          cpu: cpuOf(e.target, e.proc.pid, db),
          next: workload(e, q, pages.get(e)!),
          connections,
          warmupSeconds: 1,
          seconds: timing.seconds,
        });
        results.get(e)!.push(r);
      }
    }
    for (const e of endpoints) report(combine(e.target, q === 'alone' ? 'view' : q, db, connections, results.get(e)!));
  }
}

async function measureUploadsAndRaw(db: Db, kp: KetenpoortTarget) {
  const uploadTargets = await prepareUploads(kp.proc.url, kp.token, Number(values.blocks));
  const bearer = await kp.token('rib-werkfit');
  const uploads: LoadResult[] = [];
  for (let round = 0; round < rounds; round++) {
    uploads.push(await measureUploads(kp.proc.url, kp.proc.pid, bearer, uploadTargets, {
      ...timing,
      warmupSeconds: round === 0 ? timing.warmupSeconds : 1,
      cpu: cpuOf('ketenpoort', kp.proc.pid, db),
    }));
  }
  report(combine('ketenpoort', 'upload', db, timing.connections, uploads));
  // The raw inserts open the same database, which on PGlite only one process can hold.
  await kp.proc.stop();
  const raw: LoadResult[] = [];
  for (let round = 0; round < rounds; round++) {
    raw.push(await measureRawInserts(kp.database, uploadTargets.map((t) => t.trajectId), { ...timing, warmupSeconds: round === 0 ? timing.warmupSeconds : 1 }));
  }
  report(combine('ceiling', 'rawinsert', db, timing.connections, raw));
}

function report(r: Run) {
  runs.push(r);
  const what = `${r.query}${r.connections === 1 ? ' alone' : ''}`;
  console.log(
    `  ${r.target.padEnd(11)} ${what.padEnd(12)} ${r.db.padEnd(9)} ${String(r.rps).padStart(8)} req/s  p50 ${String(r.p50_ms).padStart(5)} ms  p99 ${String(r.p99_ms).padStart(5)} ms  peak ${String(r.peak_rss_mb).padStart(4)} MB  cpu/req ${cpuText(r)}${r.errors ? `  ERRORS ${r.errors}` : ''}`,
  );
  if (r.processes_cpu_ms) {
    console.log(`      partners' cpu/req: ${Object.entries(r.processes_cpu_ms).map(([n, ms]) => `${n} ${ms === null ? '-' : ms.toFixed(2)}`).join(', ')}`);
  }
}

/** The median, over the rounds, of each partner process's CPU per request. */
function processesOf(results: LoadResult[]): Pick<Run, 'processes_cpu_ms'> {
  const names = [...new Set(results.flatMap((r) => Object.keys(r.processes_cpu_ms ?? {})))].sort();
  if (names.length === 0) return {};
  return { processes_cpu_ms: Object.fromEntries(names.map((n) => [n, medianOf(results.map((r) => r.processes_cpu_ms?.[n] ?? null))])) };
}

/** `gateway / database / partners` CPU ms per request; `-` where not measured. */
function cpuText(r: Run): string {
  const ms = (x: number | null) => (x === null ? '-' : x.toFixed(2));
  return `${ms(r.gateway_cpu_ms)} / ${ms(r.database_cpu_ms)} / ${ms(r.partners_cpu_ms)}`;
}

// ---------------------------------------------------------------- the run
const machine = `${cpus()[0]?.model ?? 'unknown cpu'} × ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
console.log(`Ketenpoort comparison run — ${new Date().toISOString()} — ${machine}`);
if (Object.keys(kpSettings).length) console.log(`Ketenpoort's settings from --set: ${Object.entries(kpSettings).map(([k, v]) => `${k}=${v}`).join(', ')}`);
console.log(`load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${timing.connections} connections, ${timing.warmupSeconds} s warm-up per target and query before any window (1 s before each), ${timing.seconds} s measured, ${rounds} rounds (medians); population ${values.population}`);
try {
  for (const db of dbs) {
    console.log(`\n== ${db}`);
    const endpoints: Endpoint[] = [];
    let kp: KetenpoortTarget | undefined;
    try {
      if (targets.includes('ceiling')) endpoints.push(await startCeiling(targetEnv, profiling));
      if (targets.includes('bare')) endpoints.push(await startBare(targetEnv, profiling));
      if (targets.includes('ketenpoort')) {
        kp = await startKetenpoort(db, { serverUrl: values['database-url']!, issuer, env: { ...targetEnv, ...kpSettings }, node: kpNode, program });
        const idle = Math.round(memoryOf(kp.proc.pid)?.rssMb ?? 0);
        starts.push({ db, start_to_ready_s: kp.startSeconds, idle_rss_mb: idle });
        console.log(`  ketenpoort on ${db}: /ready ${kp.startSeconds} s after start (database migrated), idle RSS ${idle} MB`);
        endpoints.push(kp);
      }
      if (queries.some((q) => q !== 'upload')) await measureGraph(db, endpoints);
      if (kp && queries.includes('upload')) await measureUploadsAndRaw(db, kp);
    } finally {
      for (const e of endpoints) await e.proc.stop();
      await kp?.drop();
    }
  }
} finally {
  await partners?.stop();
  await issuer.close();
}

// ---------------------------------------------------------------- the table
const find = (target: Target, query: Run['query'], db: Db, connections: number) =>
  runs.find((r) => r.target === target && r.query === query && r.db === db && r.connections === connections);
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? `${Math.round((100 * a) / b)} %` : '');
console.log(`\nmedians of ${rounds} rounds; peak = highest RSS of the target's process during the rounds;`);
console.log(`cpu ms/req = CPU milliseconds per answered request in the target's process / the PostgreSQL server / the partners' adapters and sandboxes`);
console.log(`${'target'.padEnd(11)} ${'query'.padEnd(12)} ${'db'.padEnd(9)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'peak MB'.padStart(8)} ${'÷ceiling'.padStart(9)} ${'÷bare'.padStart(7)}  ${'cpu ms/req'}`);
for (const r of runs) {
  const ceiling = r.query === 'upload' ? find('ceiling', 'rawinsert', r.db, r.connections) : find('ceiling', r.query, r.db, r.connections);
  const bare = find('bare', r.query, r.db, r.connections);
  const what = `${r.query}${r.connections === 1 ? ' alone' : ''}`;
  console.log(
    `${r.target.padEnd(11)} ${what.padEnd(12)} ${r.db.padEnd(9)} ${String(r.rps).padStart(8)} ${String(r.p50_ms).padStart(7)} ${String(r.p99_ms).padStart(7)} ${String(r.peak_rss_mb).padStart(8)} ${(r === ceiling ? '' : ratio(r.rps, ceiling?.rps)).padStart(9)} ${(r === bare ? '' : ratio(r.rps, bare?.rps)).padStart(7)}  ${cpuText(r)}${r.errors ? `  errors ${r.errors}` : ''}`,
  );
}
for (const s of starts) console.log(`ketenpoort on ${s.db}: /ready ${s.start_to_ready_s} s after start on a migrated database; idle RSS ${s.idle_rss_mb} MB`);
const kpPg = find('ketenpoort', 'view', 'postgres', timing.connections);
const kpLite = find('ketenpoort', 'view', 'pglite', timing.connections);
if (kpPg && kpLite) console.log(`PGlite view rate ÷ PostgreSQL view rate: ${ratio(kpLite.rps, kpPg.rps)}`);
const goals = judgeGoals(runs, starts, timing.connections);
console.log(`\nissue 10's goals, judged from this run (PostgreSQL unless named; the consent check: bench/consent-check.ts):`);
for (const line of goalLines(goals)) console.log(line);
if (values.json) {
  await writeFile(values.json, JSON.stringify({ date: new Date().toISOString(), machine, timing: { ...timing, rounds }, settings: kpSettings, starts, runs, goals }, null, 2));
  console.log(`figures written to ${values.json}`);
}
