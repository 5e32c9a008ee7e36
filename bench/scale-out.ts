// `npm run bench:scale`: does Ketenpoort scale out? Two `ketenpoort serve` instances on one
// PostgreSQL database, over the same three adapters and sandboxes (each its own process), measured
// with the same load generator: the one-client view against one instance with 20 connections, then
// against both with 10 connections each, rounds interleaved so the machine's noise falls on both
// alike. Then revocation across instances: a client revokes through instance A and the RIB's very
// next upload goes to instance B, which must refuse it. Prints medians and the ratio; a script, not
// a test. On a machine with fewer cores than processes the second instance competes with the first
// for the same CPU; the figure then says how much the shape costs, not what more hardware would buy.
//
//   npm run bench:scale
//   npm run bench:scale -- --seconds 10 --rounds 3 --revocations 20 --json FILE
import { writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { startBenchIssuer } from './support/bench-issuer.js';
import { BENCH_LIMITS } from './support/limits.js';
import { machineIdleDuring } from './support/cpu.js';
import { measure, type LoadResult } from './support/load.js';
import { adapterEnv, startPartnerProcesses } from './support/partners.js';
import { VIEW_QUERY, CASELOAD_QUERY } from './support/queries.js';
import { startKetenpoort, type KetenpoortTarget } from './support/targets.js';
import { prepareUploads, reportBody } from './support/uploads.js';
import { median } from './support/stats.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '20' },
    revocations: { type: 'string', default: '20' },
    population: { type: 'string', default: '600' },
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
    json: { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);

const issuer = await startBenchIssuer(0);
const partners = await startPartnerProcesses({ issuer, population: values.population! });
const common = {
  serverUrl: values['database-url']!,
  issuer,
  node: [],
  env: {
    LOG_LEVEL: 'warn',
    ...adapterEnv(partners.adapterUrls),
    ...BENCH_LIMITS,
  },
};
const a = await startKetenpoort('postgres', common);
const b = await startKetenpoort('postgres', { ...common, beside: a });
const km = await a.token('km-jan');

const caseload = await fetch(`${a.proc.url}/graphql`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${km}` },
  body: JSON.stringify({ query: CASELOAD_QUERY, variables: { eerste: 300, na: null } }),
}).then((r) => r.json() as Promise<{ data: { caseload: { klanten: { bsn: string }[] } } }>);
const bsns = caseload.data.caseload.klanten.map((k) => k.bsn);

function viewLoad(target: KetenpoortTarget, conns: number, warmupSeconds: number, offset: number): Promise<LoadResult> {
  let i = offset;
  return measure({
    url: target.proc.url,
    pid: target.proc.pid,
    headers: { authorization: `Bearer ${km}` },
    connections: conns,
    warmupSeconds,
    seconds,
    next: () => ({ path: '/graphql', body: JSON.stringify({ query: VIEW_QUERY, variables: { bsn: bsns[i++ % bsns.length] } }) }),
  });
}

// With the machine's idle share beside each: a second instance can add only CPU the first left idle,
// so where one instance already keeps every core busy, two ÷ one says what the shape costs.
const one: (LoadResult & { idle: number | null })[] = [];
const two: { rps: number; p50_ms: number; p99_ms: number; errors: number; idle: number | null; gateway_cpu_ms: number }[] = [];
for (let round = 0; round < Number(values.rounds); round++) {
  const warmup = round === 0 ? Number(values.warmup) : 1;
  const alone = await machineIdleDuring(() => viewLoad(a, connections, warmup, 0));
  one.push({ ...alone.result, idle: alone.idle });
  const both = await machineIdleDuring(() => Promise.all([viewLoad(a, connections / 2, warmup, 0), viewLoad(b, connections / 2, warmup, 7)]));
  const [ra, rb] = both.result;
  // Each instance's own CPU per view, weighed by the views it answered: what a view costs with two.
  const cpu = ((ra.gateway_cpu_ms ?? 0) * ra.requests + (rb.gateway_cpu_ms ?? 0) * rb.requests) / Math.max(1, ra.requests + rb.requests);
  two.push({ rps: Math.round(10 * (ra.rps + rb.rps)) / 10, p50_ms: Math.max(ra.p50_ms, rb.p50_ms), p99_ms: Math.max(ra.p99_ms, rb.p99_ms), errors: ra.errors + rb.errors, idle: both.idle, gateway_cpu_ms: cpu });
}
const idleOf = (rows: { idle: number | null }[]) => {
  const xs = rows.map((r) => r.idle).filter((x): x is number => x !== null);
  return xs.length ? Math.round(100 * median(xs)) : null;
};

// Revocation across instances: revoke on A, the very next upload on B.
const n = Number(values.revocations);
const targets = await prepareUploads(a.proc.url, a.token, n);
const [client, rib] = await Promise.all([a.token('client-fatima'), a.token('rib-werkfit')]);
let refused = 0;
const revokeToRefusal: number[] = [];
for (const t of targets) {
  const revoked = await fetch(`${a.proc.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${client}` },
    body: JSON.stringify({ query: 'mutation($id: ID!) { trekToestemmingIn(toestemmingId: $id) { id } }', variables: { id: t.consentId } }),
  }).then((r) => r.json() as Promise<{ errors?: unknown[] }>);
  if (revoked.errors) throw new Error(`revoke failed: ${JSON.stringify(revoked.errors)}`);
  const t0 = performance.now();
  const next = await fetch(`${b.proc.url}/rib/v1/trajecten/${t.trajectId}/rapportages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${rib}`, 'consent-token': t.consentToken, 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify(reportBody()),
  });
  await next.arrayBuffer();
  revokeToRefusal.push(performance.now() - t0);
  if (next.status === 403) refused++;
}

const result = {
  date: new Date().toISOString(),
  machine: `${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  one_instance: { rps: median(one.map((r) => r.rps)), p50_ms: median(one.map((r) => r.p50_ms)), p99_ms: median(one.map((r) => r.p99_ms)), errors: one.reduce((s, r) => s + r.errors, 0), machine_idle_pct: idleOf(one), gateway_cpu_ms: median(one.map((r) => r.gateway_cpu_ms ?? 0)) },
  two_instances: { rps: median(two.map((r) => r.rps)), p50_ms: median(two.map((r) => r.p50_ms)), p99_ms: median(two.map((r) => r.p99_ms)), errors: two.reduce((s, r) => s + r.errors, 0), machine_idle_pct: idleOf(two), gateway_cpu_ms: median(two.map((r) => r.gateway_cpu_ms)) },
  revocations: { total: n, refused_on_next_request_elsewhere: refused, next_request_ms_p50: Math.round(median(revokeToRefusal)) },
};
console.log(`\nScale-out, one-client view, ${connections} connections, ${values.rounds} rounds of ${seconds} s — ${result.machine}`);
const idleText = (pct: number | null) => (pct === null ? '' : `  machine idle ${pct} %`);
const cpuText = (ms: number) => `  gateway CPU per view ${ms.toFixed(2)} ms`;
console.log(`  one instance    ${result.one_instance.rps} req/s  p50 ${result.one_instance.p50_ms} ms  p99 ${result.one_instance.p99_ms} ms  errors ${result.one_instance.errors}${cpuText(result.one_instance.gateway_cpu_ms)}${idleText(result.one_instance.machine_idle_pct)}`);
console.log(`  two instances   ${result.two_instances.rps} req/s  p50 ${result.two_instances.p50_ms} ms  p99 ${result.two_instances.p99_ms} ms  errors ${result.two_instances.errors}${cpuText(result.two_instances.gateway_cpu_ms)}${idleText(result.two_instances.machine_idle_pct)}`);
console.log(`  two ÷ one       ${(result.two_instances.rps / result.one_instance.rps).toFixed(2)}`);
if (result.one_instance.machine_idle_pct !== null && result.one_instance.machine_idle_pct < 10) {
  console.log(`  (one instance left the machine ${result.one_instance.machine_idle_pct} % idle: the second could only share the same cores)`);
}
console.log(`  revoked on A, next upload on B refused: ${refused} of ${n} (that upload answered in ${result.revocations.next_request_ms_p50} ms, median)`);
if (values.json) await writeFile(values.json, JSON.stringify(result, null, 2));

await b.proc.stop();
await a.proc.stop();
await a.drop();
await partners.stop();
await issuer.close();
process.exit(refused === n ? 0 : 1);
