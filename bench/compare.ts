// `npm run bench`: one comparison run on this machine. The same partner sandboxes and adapters,
// each in a process of its own, serve three targets in turn, measured with the same load
// generator, connections, warm-up and window, rotating clients and pages:
//   ceiling     a plain fastify route asking the three adapters in parallel (bench/targets/ceiling.ts)
//   bare        a mercurius gateway over the same adapters, nothing of ours (bench/targets/bare.ts)
//   ketenpoort  `ketenpoort serve` as shipped: bearer tokens, policy, consent, decision and
//               processing logs, on PostgreSQL and on PGlite
// for the one-client view and caseload pages of 50 and 300 clients, plus report uploads through
// the REST API against raw inserts of the same rows. Prints a table with each rate's ratio to the
// ceiling and the bare gateway; `--json FILE` writes the figures. A script, not a test.
//
//   npm run bench                                  # everything (about 15 minutes)
//   npm run bench -- --db postgres --query view    # a part
//   npm run bench -- --json bench-results.json
// Options: --seconds 15 --warmup 5 --connections 20 --db postgres,pglite
//   --target ceiling,bare,ketenpoort --query view,caseload50,caseload300,upload
//   --database-url postgresql://…/postgres (the server; a fresh database is made and dropped)
//   --profile DIR (a V8 CPU profile of every process, written when it stops)
//   --issuer-port N and --adapter uwv=URL,cwi=URL,gemeente=URL: adapters deployed elsewhere (README)
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ORG } from '../adapters/population/organisations.js';
import { openDatabase } from '../gateway/db/database.js';
import { applyMigrations } from '../gateway/db/migrations.js';
import { startBenchIssuer, type BenchIssuer } from './support/bench-issuer.js';
import { measure, type LoadResult } from './support/load.js';
import { freePort, KETENPOORT_BIN, memoryOf, startProcess, type Proc } from './support/processes.js';
import { CASELOAD_QUERY, PAGE_SIZE, VIEW_QUERY, type QueryName } from './support/queries.js';
import { measureRawInserts, measureUploads, prepareUploads } from './support/uploads.js';

const { values } = parseArgs({
  options: {
    json: { type: 'string' },
    seconds: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '5' },
    connections: { type: 'string', default: '20' },
    db: { type: 'string', default: 'postgres,pglite' },
    target: { type: 'string', default: 'ceiling,bare,ketenpoort' },
    query: { type: 'string', default: 'view,caseload50,caseload300,upload' },
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
    population: { type: 'string', default: '600' },
    blocks: { type: 'string', default: '50' },
    'issuer-port': { type: 'string', default: '0' },
    adapter: { type: 'string' },
    profile: { type: 'string' },
    'node-args': { type: 'string' },
  },
});
const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
const dbs = list(values.db!) as ('postgres' | 'pglite')[];
const targets = list(values.target!) as Target[];
const queries = list(values.query!);
const timing = { connections: Number(values.connections), warmupSeconds: Number(values.warmup), seconds: Number(values.seconds) };

type Target = 'ceiling' | 'bare' | 'ketenpoort';
interface Run extends LoadResult {
  target: Target;
  query: QueryName | 'upload' | 'rawinsert';
  db: 'postgres' | 'pglite';
  idle_rss_mb?: number;
}
const runs: Run[] = [];
const KM = { oin: ORG.amsterdam.oin };

// ---------------------------------------------------------------- partners, shared by all targets
const issuer: BenchIssuer = await startBenchIssuer(Number(values['issuer-port']));
const started: Proc[] = [];
// --profile DIR: every process writes a V8 CPU profile there when it stops.
const common = { LOG_LEVEL: 'warn', NODE_ENV: 'development' };
// --node-args "...": extra Node flags for Ketenpoort's process (diagnostics, e.g. --max-old-space-size=200).
const node = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : [];
const ketenpoortNode = [...node, ...(values['node-args']?.split(' ').filter(Boolean) ?? [])];
let adapterUrls: Record<'uwv' | 'cwi' | 'gemeente', string>;
if (values.adapter) {
  adapterUrls = Object.fromEntries(list(values.adapter).map((kv) => kv.split('=') as [string, string])) as typeof adapterUrls;
} else {
  adapterUrls = {} as typeof adapterUrls;
  for (const partner of ['uwv', 'cwi', 'gemeente'] as const) {
    const sandboxPort = await freePort();
    const sandbox = await startProcess(`sandbox ${partner}`, [...node, KETENPOORT_BIN, 'sandbox', partner], { ...common, SANDBOX_PORT: String(sandboxPort), SANDBOX_POPULATION: values.population }, { url: `http://127.0.0.1:${sandboxPort}` });
    const adapterPort = await freePort();
    const adapter = await startProcess(`adapter ${partner}`, [...node, KETENPOORT_BIN, 'adapter', partner], {
      ...common,
      ADAPTER_PORT: String(adapterPort),
      [`${partner.toUpperCase()}_SOURCE_URL`]: sandbox.url,
      PUBLIC_URL: issuer.issuer,
      GATEWAY_JWKS_URL: issuer.jwksUrl,
    }, { url: `http://127.0.0.1:${adapterPort}` });
    started.push(sandbox, adapter);
    adapterUrls[partner] = `${adapter.url}/graphql`;
  }
}
const targetEnv = {
  ...common,
  UWV_ADAPTER_URL: adapterUrls.uwv,
  CWI_ADAPTER_URL: adapterUrls.cwi,
  GEMEENTE_ADAPTER_URL: adapterUrls.gemeente,
  BENCH_ISSUER: issuer.issuer,
  BENCH_SIGNING_JWK: JSON.stringify(issuer.privateJwk),
  BENCH_OIN: KM.oin,
};

// ---------------------------------------------------------------- workloads
async function post(url: string, headers: Record<string, string>, body: object) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return (await res.json()) as { data?: any; errors?: { message: string }[] };
}

interface Endpoint {
  /** Sends one workload request the way this target takes it. */
  body(query: QueryName, vars: { bsn?: string; eerste?: number; na?: string | null }): { path: string; body: string };
  url: string;
  headers: Record<string, string>;
}

const graphqlEndpoint = (url: string, headers: Record<string, string>): Endpoint => ({
  url,
  headers,
  body: (query, vars) => ({
    path: '/graphql',
    body: JSON.stringify(query === 'view' ? { query: VIEW_QUERY, variables: { bsn: vars.bsn } } : { query: CASELOAD_QUERY, variables: { eerste: vars.eerste, na: vars.na } }),
  }),
});
const ceilingEndpoint = (url: string): Endpoint => ({
  url,
  headers: {},
  body: (query, vars) => (query === 'view' ? { path: '/view', body: JSON.stringify({ bsn: vars.bsn }) } : { path: '/caseload', body: JSON.stringify({ eerste: vars.eerste, na: vars.na }) }),
});

/** The caseload's clients and the cursor of every page of 50, read once through the target. */
async function caseloadPages(e: Endpoint): Promise<{ bsns: string[]; cursors: (string | null)[] }> {
  const bsns: string[] = [];
  const cursors: (string | null)[] = [null];
  for (;;) {
    const req = e.body('caseload50', { eerste: 50, na: cursors.at(-1) });
    const answer = await post(e.url + req.path, e.headers, JSON.parse(req.body));
    if (answer.errors?.length || !answer.data) throw new Error(`caseload through ${e.url}: ${JSON.stringify(answer.errors)}`);
    const page = answer.data.caseload;
    bsns.push(...page.klanten.map((k: { bsn: string }) => k.bsn));
    if (!page.volgende) break;
    cursors.push(page.volgende);
  }
  return { bsns, cursors };
}

async function measureTarget(target: Target, db: Run['db'], e: Endpoint, pid: number) {
  const { bsns, cursors } = await caseloadPages(e);
  for (const query of queries) {
    if (query === 'upload') continue;
    const q = query as QueryName;
    let i = 0;
    const size = q === 'view' ? 0 : PAGE_SIZE[q];
    // Pages that start early enough to be full: caseload300 rotates over the first few starts.
    const starts = q === 'view' ? [] : cursors.filter((_, k) => k * 50 + size <= bsns.length);
    if (q !== 'view' && starts.length === 0) throw new Error(`the caseload has ${bsns.length} clients, fewer than ${size}`);
    const next = () => {
      const n = i++;
      const r = q === 'view' ? e.body(q, { bsn: bsns[n % bsns.length] }) : e.body(q, { eerste: size, na: starts[n % starts.length] });
      return { path: r.path, body: r.body, headers: e.headers };
    };
    const idle = memoryOf(pid)?.rssMb;
    const result = await measure({ url: e.url, pid, next, ...timing });
    runs.push({ target, query: q, db, ...result, idle_rss_mb: idle && Math.round(idle) });
    report(runs.at(-1)!);
  }
}

function report(r: Run) {
  console.log(
    `  ${r.target.padEnd(11)} ${r.query.padEnd(12)} ${r.db.padEnd(9)} ${String(r.rps).padStart(8)} req/s  p50 ${String(r.p50_ms).padStart(5)} ms  p99 ${String(r.p99_ms).padStart(5)} ms  peak ${String(r.peak_rss_mb).padStart(4)} MB${r.errors ? `  ERRORS ${r.errors}` : ''}`,
  );
}

// ---------------------------------------------------------------- the targets
async function runCeilingAndBare(db: Run['db']) {
  if (targets.includes('ceiling')) {
    const port = await freePort();
    const p = await startProcess('ceiling', [...node, 'dist/bench/targets/ceiling.js'], { ...targetEnv, PORT: String(port) }, { url: `http://127.0.0.1:${port}`, health: '/health' });
    try {
      await measureTarget('ceiling', db, ceilingEndpoint(p.url), p.pid);
    } finally {
      await p.stop();
    }
  }
  if (targets.includes('bare')) {
    const port = await freePort();
    const p = await startProcess('bare', [...node, 'dist/bench/targets/bare.js'], { ...targetEnv, PORT: String(port) }, { url: `http://127.0.0.1:${port}`, health: '/health' });
    try {
      await measureTarget('bare', db, graphqlEndpoint(p.url, {}), p.pid);
    } finally {
      await p.stop();
    }
  }
}

/** A database for Ketenpoort, migrated, with the bench's key as its internal signing key. */
async function ketenpoortDatabase(db: Run['db']): Promise<{ env: Record<string, string>; open: { url?: string; dataDir: string }; drop(): Promise<void> }> {
  let url: string | undefined;
  let dataDir = '';
  let drop: () => Promise<void>;
  if (db === 'postgres') {
    const server = values['database-url']!;
    const name = `kp_bench_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(server);
    u.pathname = `/${name}`;
    url = u.toString();
    drop = async () => {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  } else {
    const dir = await mkdtemp(join(tmpdir(), 'kp-bench-'));
    dataDir = join(dir, 'pglite');
    drop = () => rm(dir, { recursive: true, force: true });
  }
  const database = await openDatabase({ url, dataDir });
  try {
    await applyMigrations(database);
    const { privateJwk } = issuer;
    const { d: _d, ...publicJwk } = privateJwk;
    await database.prisma.signingKey.create({
      data: { kid: privateJwk.kid!, use: 'internal', alg: 'ES256', publicJwk: { ...publicJwk, use: 'sig' }, privateJwk },
    });
  } finally {
    await database.close();
  }
  const env: Record<string, string> = url ? { DATABASE_URL: url } : { DATA_DIR: join(dataDir, '..') };
  return { env, open: { url, dataDir }, drop };
}

async function runKetenpoort(db: Run['db']) {
  const database = await ketenpoortDatabase(db);
  // The gateway signs internal tokens as the bench issuer (same key, same `iss`), so the adapters
  // started once for every target trust it too.
  const port = await freePort();
  const env = { ...targetEnv, ...database.env, NODE_ENV: 'development', LOG_LEVEL: 'info', PORT: String(port), PUBLIC_URL: issuer.issuer, DEV_ISSUER: 'on' };
  let kp: Proc | undefined;
  try {
    const t0 = performance.now();
    kp = await startProcess('ketenpoort', [...ketenpoortNode, KETENPOORT_BIN, 'serve', '--demo'], env, { url: `http://127.0.0.1:${port}`, health: '/ready' });
    console.log(`  ketenpoort (${db}) listening after ${((performance.now() - t0) / 1000).toFixed(1)} s, idle RSS ${Math.round(memoryOf(kp.pid)?.rssMb ?? 0)} MB`);
    const url = kp.url;
    const token = async (person: string) => {
      const answer = await post(`${url}/dev-issuer/token`, {}, { person });
      return (answer as unknown as { access_token: string }).access_token;
    };
    if (queries.some((q) => q !== 'upload')) await measureTarget('ketenpoort', db, graphqlEndpoint(url, { authorization: `Bearer ${await token('km-jan')}` }), kp.pid);
    if (queries.includes('upload')) {
      const uploadTargets = await prepareUploads(url, token, Number(values.blocks));
      const upload = await measureUploads(url, kp.pid, await token('rib-werkfit'), uploadTargets, timing);
      runs.push({ target: 'ketenpoort', query: 'upload', db, ...upload });
      report(runs.at(-1)!);
      await kp.stop();
      kp = undefined;
      const raw = await measureRawInserts(database.open, uploadTargets.map((t) => t.trajectId), timing);
      runs.push({ target: 'ceiling', query: 'rawinsert', db, ...raw });
      report(runs.at(-1)!);
    }
  } finally {
    await kp?.stop();
    await database.drop();
  }
}

// ---------------------------------------------------------------- the run
const machine = `${cpus()[0]?.model ?? 'unknown cpu'} × ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
console.log(`Ketenpoort comparison run — ${new Date().toISOString()} — ${machine}`);
console.log(`load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${timing.connections} connections, ${timing.warmupSeconds} s warm-up, ${timing.seconds} s measured; population ${values.population}`);
try {
  for (const db of dbs) {
    console.log(`\n== ${db}`);
    await runCeilingAndBare(db);
    if (targets.includes('ketenpoort')) await runKetenpoort(db);
  }
} finally {
  for (const p of started.reverse()) await p.stop();
  await issuer.close();
}

// ---------------------------------------------------------------- the table
const find = (target: Target, query: Run['query'], db: Run['db']) => runs.find((r) => r.target === target && r.query === query && r.db === db);
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? `${Math.round((100 * a) / b)} %` : '');
console.log(`\n${'target'.padEnd(11)} ${'query'.padEnd(12)} ${'db'.padEnd(9)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'peak MB'.padStart(8)} ${'÷ceiling'.padStart(9)} ${'÷bare'.padStart(7)}`);
for (const r of runs) {
  const ceiling = r.query === 'upload' ? find('ceiling', 'rawinsert', r.db) : find('ceiling', r.query, r.db);
  const bare = find('bare', r.query, r.db);
  console.log(
    `${r.target.padEnd(11)} ${r.query.padEnd(12)} ${r.db.padEnd(9)} ${String(r.rps).padStart(8)} ${String(r.p50_ms).padStart(7)} ${String(r.p99_ms).padStart(7)} ${String(r.peak_rss_mb).padStart(8)} ${(r === ceiling ? '' : ratio(r.rps, ceiling?.rps)).padStart(9)} ${(r === bare ? '' : ratio(r.rps, bare?.rps)).padStart(7)}${r.errors ? `  errors ${r.errors}` : ''}`,
  );
}
const kpPg = find('ketenpoort', 'view', 'postgres');
const kpLite = find('ketenpoort', 'view', 'pglite');
if (kpPg && kpLite) console.log(`\nPGlite view rate ÷ PostgreSQL view rate: ${ratio(kpLite.rps, kpPg.rps)}`);
if (values.json) {
  await writeFile(values.json, JSON.stringify({ date: new Date().toISOString(), machine, timing, runs }, null, 2));
  console.log(`figures written to ${values.json}`);
}
