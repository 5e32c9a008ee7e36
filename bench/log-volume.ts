// `npm run bench:logs`: does a processing log of years slow Ketenpoort down? Starts the partners
// (each its own process), the bare gateway of the comparison run, and `ketenpoort serve --demo` on a
// fresh PostgreSQL database, and measures twice: on a log holding only the real clients' own rows
// (60 each, so the client's page has its full 50 lines in both phases), and after filling it with
// --rows processing-log rows (and a fifth as many decisions) spread over the last 24 months, each
// month in its own partition as two years of use leave them, vacuumed. Measured each time: the
// one-client view under load (20 connections, rotating through the caseload), the same query on the
// bare gateway (which writes no log: the host's drift between the phases), and the client's own
// processing log ("wat is er met mijn gegevens gedaan": the GraphQL field mijnVerwerkingen behind
// /mijn/verwerkingen), one request at a time, rotating through the demo clients. Prints both side
// by side (medians of the rounds, p50, p99), then the plans of the client's query and two of the
// auditor's queries. A script, not a test.
//
//   npm run bench:logs                           # 50 million rows (~40 minutes of fill, ~55 GB of disk)
//   npm run bench:logs -- --rows 5000000         # a quicker look (~3 minutes, 5.5 GB)
// Options: --rows N --seconds 10 --warmup 5 --rounds 3 --connections 20 --population 600
//   --database-url postgresql://…/postgres (the server; a fresh database is made and dropped)
//   --keep (leave the filled database for a look afterwards; its name is printed)
//
// PostgreSQL only: filling PGlite (one WASM process) with millions of rows takes hours, and a
// gemeente with a log this size runs on PostgreSQL (the embedded PGlite is for development).
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ORG } from '../adapters/population/organisations.js';
import { loadConfig } from '../gateway/config.js';
import { demoPeople } from '../gateway/demo/people.js';
import { ACTIVITIES } from '../gateway/logs/processing-log.js';
import { createSubjectCrypto } from '../gateway/logs/subject-id.js';
import { startBenchIssuer } from './support/bench-issuer.js';
import { measure, type LoadResult } from './support/load.js';
import { adapterEnv, startPartnerProcesses } from './support/partners.js';
import { startBare, startKetenpoort, type Endpoint, type KetenpoortTarget } from './support/targets.js';
import { median } from './support/stats.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '50000000' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '20' },
    population: { type: 'string', default: '600' },
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
    keep: { type: 'boolean', default: false },
  },
});
const rows = Number(values.rows);
const rounds = Number(values.rounds);
const timing = { seconds: Number(values.seconds), warmupSeconds: Number(values.warmup) };
const connections = Number(values.connections);
/** A large gemeente's clients (Amsterdam has about 40,000 on bijstand): the subjects' spread. */
const SUBJECTS = 40_000;
const MONTHS = 24;
const CHUNK = 1_000_000;
/** Rows each real subject has before the big fill: more than the page of 50 the client reads. */
const OWN_PAGE = 60;

const VIEW = 'query Klantbeeld($bsn: ID!) { klant(bsn: $bsn) { bsn naam { volledigeNaam } telefoon bijstand { status bedragPerMaand } uitkeringen { soort status bedragPerMaand } inschrijving { status } } }';
const MY_LOG = 'query Verwerkingen($aantal: Int, $eerderDan: String) { mijnVerwerkingen(aantal: $aantal, eerderDan: $eerderDan) { tekst op organisatie soort } }';

const machine = `${cpus()[0]?.model ?? 'unknown cpu'} × ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
console.log(`Ketenpoort log volume run — ${new Date().toISOString()} — ${machine}`);
console.log(`${rows.toLocaleString('en')} processing-log rows over ${MONTHS} months, ${SUBJECTS.toLocaleString('en')} subjects; ${rounds} rounds of ${timing.seconds} s`);

const issuer = await startBenchIssuer();
const env = {
  LOG_LEVEL: 'warn', NODE_ENV: 'development', BENCH_ISSUER: issuer.issuer, BENCH_SIGNING_JWK: JSON.stringify(issuer.privateJwk), BENCH_OIN: ORG.amsterdam.oin,
};
const partners = await startPartnerProcesses({ issuer, population: values.population! });
const targetEnv = { ...env, ...adapterEnv(partners.adapterUrls) };
let kp: KetenpoortTarget | undefined;
let bare: Endpoint | undefined;
try {
  // The host drifts over the fill's half hour (the same empty-log view measured 604 and 401 req/s
  // 75 minutes apart): the bare gateway, which writes no log, is measured beside Ketenpoort in each
  // phase, so the ratio between them says what the log's size did.
  bare = await startBare(targetEnv, []);
  kp = await startKetenpoort('postgres', {
    serverUrl: values['database-url']!, issuer, node: [], env: targetEnv,
  });
  const url = kp.database.url!;
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const caseload = await caseloadBsns(kp);
    const clients = demoPeople().filter((p) => p.role === 'client' && p.bsn);
    const clientIds = clients.map((c) => c.id);

    // Every real subject gets a full page of its own first, so both phases word the same 50 lines
    // for the client and only the size of the log around them differs.
    const real = [...new Set([...caseload, ...clients.map((c) => c.bsn!)])];
    await fill(db, url, real, { rows: OWN_PAGE * real.length, spread: real.length, offset: 1e12 });
    const before = await measureBoth(kp, bare, caseload, clientIds, db);
    await fill(db, url, real, { rows, spread: SUBJECTS });
    const after = await measureBoth(kp, bare, caseload, clientIds, db);

    console.log(`\nmedians of ${rounds} rounds        clients' own rows only          ${rows.toLocaleString('en')} rows more`);
    for (const [name, a, b] of [['view, 20 connections', before.view, after.view], ['my processing log, alone', before.myLog, after.myLog]] as const) {
      const cell = (r: LoadResult) => `${String(r.rps).padStart(7)} req/s p50 ${String(r.p50_ms).padStart(3)} ms p99 ${String(r.p99_ms).padStart(4)} ms`;
      console.log(`${name.padEnd(26)} ${cell(a)}   ${cell(b)}${a.errors + b.errors ? `  errors ${a.errors + b.errors}` : ''}`);
    }
    const share = (r: { view: LoadResult; bareView: LoadResult }) => `${Math.round((100 * r.view.rps) / r.bareView.rps)} %`;
    console.log(`${'bare gateway view'.padEnd(26)} ${String(before.bareView.rps).padStart(7)} req/s${' '.repeat(30)}${String(after.bareView.rps).padStart(7)} req/s`);
    console.log(`${'view ÷ bare gateway'.padEnd(26)} ${share(before).padStart(7)}${' '.repeat(36)}${share(after).padStart(7)}`);
    await explain(db, clients[0]!.bsn!);
    if (values.keep) console.log(`\nkept database: ${kp.database.url}`);
  } finally {
    await db.end();
  }
} finally {
  await kp?.proc.stop();
  await bare?.proc.stop();
  if (!values.keep) await kp?.drop();
  await partners.stop();
  await issuer.close();
}

async function caseloadBsns(k: KetenpoortTarget): Promise<string[]> {
  const res = await fetch(`${k.proc.url}/graphql`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...k.headers },
    body: JSON.stringify({ query: 'query { caseload(eerste: 300) { klanten { bsn } } }' }),
  });
  const answer = (await res.json()) as { data?: { caseload: { klanten: { bsn: string }[] } }; errors?: unknown };
  if (!answer.data) throw new Error(`caseload: ${JSON.stringify(answer.errors)}`);
  return answer.data.caseload.klanten.map((k) => k.bsn);
}

/** One of each request first: a gateway that fails them is reported with its log, not measured. */
async function probe(k: KetenpoortTarget, requests: { path: string; headers: Record<string, string>; body: string }[]) {
  for (const r of requests) {
    const res = await fetch(k.proc.url + r.path, { method: 'POST', headers: { 'content-type': 'application/json', ...r.headers }, body: r.body }).catch((err: Error) => err);
    const text = res instanceof Error ? res.message : await res.text();
    if (res instanceof Error || res.status !== 200 || text.includes('"errors":[{')) {
      const log = readFileSync(k.proc.logFile, 'utf8').split('\n').filter((l) => !l.includes('"level":30')).slice(-15).join('\n');
      throw new Error(`the gateway failed a request: ${res instanceof Error ? '' : res.status} ${text.slice(0, 500)}\nits log:\n${log}`);
    }
  }
}

async function measureBoth(k: KetenpoortTarget, b: Endpoint, bsns: string[], clientIds: string[], db: pg.Client) {
  const { rows: workers } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'`);
  if (workers[0]!.n > 0) console.log(`  (${workers[0]!.n} autovacuum worker(s) running as the measuring starts)`);
  // Fresh tokens for each phase: the fill can take longer than a token lives.
  const clientTokens = await Promise.all(clientIds.map((id) => k.token(id)));
  const kmHeaders = { authorization: `Bearer ${await k.token('km-jan')}` };
  const combine = (rs: LoadResult[]): LoadResult => ({
    rps: Math.round(median(rs.map((r) => r.rps)) * 10) / 10, p50_ms: median(rs.map((r) => r.p50_ms)), p99_ms: median(rs.map((r) => r.p99_ms)),
    peak_rss_mb: Math.max(...rs.map((r) => r.peak_rss_mb)), requests: rs.reduce((n, r) => n + r.requests, 0), errors: rs.reduce((n, r) => n + r.errors, 0),
  });
  // The same view, rotating through the caseload, for Ketenpoort and for the bare gateway (which
  // takes no user token).
  const views = (headers: Record<string, string>) => {
    let i = 0;
    return () => ({ path: '/graphql', headers, body: JSON.stringify({ query: VIEW, variables: { bsn: bsns[i++ % bsns.length] } }) });
  };
  const view = views(kmHeaders);
  const bareView = views({});
  let j = 0;
  const myLog = () => ({
    path: '/graphql', headers: { authorization: `Bearer ${clientTokens[j++ % clientTokens.length]}` },
    body: JSON.stringify({ query: MY_LOG, variables: { aantal: 50 } }),
  });
  await probe(k, [view(), myLog()]);
  const kpViews: LoadResult[] = [];
  const bareViews: LoadResult[] = [];
  const logs: LoadResult[] = [];
  for (let round = 0; round < rounds; round++) {
    const warm = round === 0 ? timing.warmupSeconds : 1;
    kpViews.push(await measure({ url: k.proc.url, pid: k.proc.pid, next: view, connections, warmupSeconds: warm, seconds: timing.seconds }));
    bareViews.push(await measure({ url: b.proc.url, pid: b.proc.pid, next: bareView, connections, warmupSeconds: warm, seconds: timing.seconds }));
    logs.push(await measure({ url: k.proc.url, pid: k.proc.pid, next: myLog, connections: 1, warmupSeconds: warm, seconds: timing.seconds }));
  }
  const r = { view: combine(kpViews), bareView: combine(bareViews), myLog: combine(logs) };
  console.log(`  view ${r.view.rps} req/s p50 ${r.view.p50_ms} ms p99 ${r.view.p99_ms} ms (bare gateway ${r.bareView.rps} req/s); my processing log p50 ${r.myLog.p50_ms} ms p99 ${r.myLog.p99_ms} ms`);
  return r;
}

/**
 * The rows, straight in SQL (generate_series), a million per statement. Subjects: SUBJECTS keys,
 * the first of them the real keys of the caseload's and the demo clients' BSNs (the gateway's
 * development LOG_SUBJECT_KEY, as the bench's gateway runs), the rest random-looking hashes like
 * the HMAC keys of production, so every subject has about rows / SUBJECTS rows. With `spread` equal
 * to the number of real subjects, every row is theirs; `offset` keeps a second fill's ids apart.
 *
 * Times rise with the row number over the last MONTHS months, as a gateway writes them: each
 * statement fills one slice of time, so it touches one or two monthly partitions and their indexes
 * stay in memory while they are filled. (Rows scattered over all 24 partitions at once made every
 * statement touch every index; past ~20 GB the fill became disk-bound at 100–200 s per million
 * rows.) Two connections fill the older and the newer half side by side.
 */
async function fill(db: pg.Client, url: string, realBsns: string[], { rows, spread, offset = 0 }: { rows: number; spread: number; offset?: number }) {
  const subjects = createSubjectCrypto(loadConfig({ NODE_ENV: 'development' }).logSubjectKey);
  const realKeys = [...new Set(realBsns)].map((b) => subjects.key(b));
  const encrypted = subjects.encrypt(realBsns[0]!);
  const started = performance.now();
  await db.query(
    `SELECT ketenpoort_log_partition(t, m::date) FROM unnest(ARRAY['verwerking', 'besluit']) t,
       generate_series(date_trunc('month', now() - interval '${MONTHS} months'), now(), interval '1 month') m`,
  );
  const span = MONTHS * 30 * 86400;
  const actors = ['km-jan', 'km-els', 'km-piet', 'km-anna', 'km-mo', 'km-sara', 'km-tom', 'km-lisa'];
  const second = new pg.Client({ connectionString: url });
  await second.connect();
  let filled = 0;
  const progress = (what: string) => process.stdout.write(`\r  filled ${filled.toLocaleString('en')} ${what} in ${Math.round((performance.now() - started) / 1000)} s`);
  // Row i of `total` is stamped `span` seconds ago plus its share of the span: i rises with time.
  // Both statements pass the same first parameters: $1 the first row's id (offset + from), $3 the
  // span in seconds, $6 `from`, so that i - $1 + $6 is the row's number within this fill.
  const at = (total: number) => `now() - make_interval(secs => $3) + make_interval(secs => (i - $1::bigint + $6::bigint) * ($3::float8 / ${total}))`;
  const lanes = async (total: number, statement: (c: pg.Client, from: number, to: number) => Promise<unknown>, what: string) => {
    filled = 0;
    const half = Math.ceil(total / 2);
    const halves: [pg.Client, number, number][] = [[db, 0, half], [second, half, total]];
    await Promise.all(halves.map(async ([c, begin, end]) => {
      for (let from = begin; from < end; from += CHUNK) {
        const to = Math.min(end, from + CHUNK);
        await statement(c, from, to);
        filled += to - from;
        progress(what);
      }
    }));
  };
  try {
    await lanes(rows, (c, from, to) => c.query(
      `INSERT INTO verwerking (trace_id, span_id, parent_span_id, name, start_time, end_time, status_code, processing_activity_id,
          subject_encrypted, subject_key, actor_oin, actor_subject, actor_role, operation, partners, fields)
       SELECT md5(i::text), substr(md5('s' || i), 1, 16), substr(md5('p' || i), 1, 16), 'klantbeeld bekeken',
              ${at(rows)}, ${at(rows)} + interval '40 ms', 'OK', $4, $5,
              CASE WHEN i % ${spread} < cardinality($7::text[]) THEN decode(($7::text[])[(i % ${spread})::int + 1], 'hex') ELSE sha256(('subject' || i % ${spread})::bytea) END,
              $8, ($9::text[])[(i % cardinality($9::text[]))::int + 1], 'klantmanager', 'read', ARRAY['cwi', 'gemeente', 'uwv'], ARRAY['bijstand', 'naam', 'uitkeringen']
         FROM generate_series($1::bigint, $2::bigint - 1) i`,
      [offset + from, offset + to, span, ACTIVITIES.klantbeeld, encrypted, from, realKeys, ORG.amsterdam.oin, actors],
    ), 'processing-log rows');
    const decisions = Math.round(rows / 5);
    await lanes(decisions, (c, from, to) => c.query(
      `INSERT INTO besluit (trace_id, span_id, at, decision, reason, action, resource, policy_id, policy_version, actor_oin, actor_subject, actor_role, information)
       SELECT md5('b' || i), substr(md5('bs' || i), 1, 16), ${at(decisions)},
              CASE WHEN i % 50 = 0 THEN 'deny' ELSE 'permit' END, CASE WHEN i % 50 = 0 THEN 'not-on-caseload' ELSE 'on-caseload' END,
              'klantbeeld:lezen', 'klant:' || encode(sha256(('subject' || i % ${spread})::bytea), 'hex'),
              'ketenpoort:klantbeeld-op-caseload', '1', $4, ($5::text[])[(i % cardinality($5::text[]))::int + 1], 'klantmanager', '{}'
         FROM generate_series($1::bigint, $2::bigint - 1) i`,
      [offset + from, offset + to, span, ORG.amsterdam.oin, actors, from],
    ), 'decisions');
    process.stdout.write(`\r  filled ${rows.toLocaleString('en')} processing-log rows and ${decisions.toLocaleString('en')} decisions in ${Math.round((performance.now() - started) / 1000)} s\n`);
  } finally {
    await second.end();
  }
  // A log that grew over years has long been vacuumed; measured straight after a bulk load, the
  // gateway would compete with autovacuum working through every new partition and the checkpointer
  // writing out the load (the first 50-million-row run: view 604 → 401 req/s). So vacuum now, wait
  // for it, and say if autovacuum is still at work when the measuring starts.
  const vacuumed = performance.now();
  await db.query('VACUUM (ANALYZE) verwerking, besluit');
  await db.query('CHECKPOINT');
  console.log(`  vacuumed and checkpointed in ${Math.round((performance.now() - vacuumed) / 1000)} s`);
  const [size] = (await db.query<{ mb: string }>(`SELECT round(sum(pg_total_relation_size(c.oid)) / 1048576)::text AS mb FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent IN ('verwerking'::regclass, 'besluit'::regclass)`)).rows;
  console.log(`  both logs with their indexes: ${size?.mb} MB`);
}

/** The plans the README quotes: which partitions each query reads. */
async function explain(db: pg.Client, clientBsn: string) {
  const key = createSubjectCrypto(loadConfig({ NODE_ENV: 'development' }).logSubjectKey).key(clientBsn);
  const month = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 2, 1));
  const until = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1));
  const plans: [string, string, unknown[]][] = [
    ["client's own log (mijnVerwerkingen, 50 newest)", "SELECT * FROM verwerking WHERE subject_key = decode($1, 'hex') ORDER BY start_time DESC LIMIT 50", [key]],
    ["auditor: one client's processings in a month", `SELECT * FROM verwerking WHERE subject_key = decode($1, 'hex') AND actor_oin = $2 AND start_time >= $3 AND start_time < $4
       ORDER BY start_time DESC, id DESC LIMIT 51`, [key, ORG.amsterdam.oin, month, until]],
    ["auditor: refusals of an organisation in a month", `SELECT * FROM besluit WHERE actor_oin = $1 AND decision = 'deny' AND at >= $2 AND at < $3
       ORDER BY at DESC, id DESC LIMIT 51`, [ORG.amsterdam.oin, month, until]],
  ];
  for (const [what, sql, params] of plans) {
    // Once first: the gateway's pooled connections have the partitions' catalog entries cached.
    await db.query(sql, params);
    const { rows: plan } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) ${sql}`, params);
    const lines = plan.map((r) => r['QUERY PLAN']);
    const scanned = new Set(lines.flatMap((l) => [...l.matchAll(/ on ((?:verwerking|besluit)_(?:\d{4}_\d{2}|default))\b/g)].map((m) => m[1])));
    console.log(`\n${what}: ${scanned.size} partition(s) in the plan — ${lines.at(-1)?.trim()}`);
    for (const l of lines) console.log(`    ${l}`);
  }
}
