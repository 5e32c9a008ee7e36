// Load on the combined werk/inkomen view: one client's view (rotating through the caseload) and a
// 50-client caseload page, through the gateway's HTTP endpoint as a klantmanager. Prints requests/s,
// p50/p99 latency and the server's peak memory (VmHWM). Not a test: run it by hand.
//
//   npx tsx bench/graph-load.ts                 # starts `ketenpoort serve --demo` itself (PGlite)
//   DATABASE_URL=postgresql://... npx tsx bench/graph-load.ts
//   npx tsx bench/graph-load.ts --url http://127.0.0.1:4000 --pid <gateway pid>
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { runKetenpoort, type Child } from '../tests/support/child.js';
import { BENCH_LIMITS } from './support/limits.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    pid: { type: 'string' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    connections: { type: 'string', default: '20' },
  },
});

const KLANT = `query Klantbeeld($bsn: ID!) { klant(bsn: $bsn) {
  bsn naam { volledigeNaam } adres { postcode woonplaats } telefoon klantmanager
  bijstand { status bedragPerMaand }
  uitkeringen { soort status ingangsdatum einddatum bedragPerMaand }
  inschrijving { status inschrijfdatum } werkprofiel { beroepen { naam } opleidingen { naam } rijbewijzen eigenVervoer }
  sollicitaties { functie resultaat } trajecten { titel status }
} }`;
const CASELOAD = `query Caseload { caseload(eerste: 50) { totaal klanten {
  bsn naam { volledigeNaam } telefoon
  uitkeringen { soort status einddatum } bijstand { status } inschrijving { status } trajecten { titel }
} } }`;

function peakMemoryMb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

async function gql(url: string, token: string, query: string, variables?: object) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return res.json() as Promise<{ data?: any; errors?: unknown[] }>;
}

async function run(url: string, token: string, name: string, bodies: () => string) {
  const opts = {
    url: `${url}/graphql`,
    connections: Number(values.connections),
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    requests: [{ setupRequest: (req: any) => ({ ...req, body: bodies() }) }],
  };
  await autocannon({ ...opts, duration: Number(values.warmup) });
  const r = await autocannon({ ...opts, duration: Number(values.seconds) });
  const errors = r.errors + r.non2xx;
  console.log(
    `${name.padEnd(28)} ${r.requests.average.toFixed(0).padStart(6)} req/s   p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   errors ${errors}`,
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitForHealth(base: string) {
  for (let i = 0; i < 120; i++) {
    const ok = await fetch(`${base}/ready`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`gateway at ${base} did not become ready`);
}

let child: Child | undefined;
let dataDir: string | undefined;
let url = values.url;
let pid = values.pid ? Number(values.pid) : undefined;
if (!url) {
  dataDir = await mkdtemp(join(tmpdir(), 'kp-bench-'));
  const port = await freePort();
  child = runKetenpoort(['serve', '--demo'], {
    ...BENCH_LIMITS, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', DATABASE_URL: process.env.DATABASE_URL, NODE_ENV: 'development',
  });
  url = `http://127.0.0.1:${port}`;
  pid = child.proc.pid;
  await waitForHealth(url);
}
if (!url) throw new Error('no gateway URL: pass --url or let the bench start one');

const tokenRes = await fetch(`${url}/dev-issuer/token`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ person: 'km-jan' }),
});
const token = ((await tokenRes.json()) as { access_token: string }).access_token;
const caseload = await gql(url, token, CASELOAD);
const bsns: string[] = caseload.data?.caseload?.klanten?.map((k: { bsn: string }) => k.bsn) ?? [];
if (bsns.length === 0) throw new Error(`caseload query returned no clients: ${JSON.stringify(caseload.errors)}`);
const check = await gql(url, token, KLANT, { bsn: bsns[0] });
if (check.errors?.length) throw new Error(`combined view answered errors: ${JSON.stringify(check.errors)}`);

console.log(`Ketenpoort graph load — ${new Date().toISOString().slice(0, 10)} — ${cpus()[0]?.model} × ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB — ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`);
console.log(`${values.connections} connections, ${values.warmup} s warm-up, ${values.seconds} s measured; caseload of ${bsns.length} clients`);
let i = 0;
await run(url, token, 'combined view (1 client)', () => JSON.stringify({ query: KLANT, variables: { bsn: bsns[i++ % bsns.length] } }));
await run(url, token, `caseload (${bsns.length} clients)`, () => JSON.stringify({ query: CASELOAD }));
if (pid) console.log(`gateway peak memory (VmHWM): ${peakMemoryMb(pid) ?? '?'} MB`);

if (child) {
  child.proc.kill('SIGTERM');
  await child.exited;
}
if (dataDir) await rm(dataDir, { recursive: true, force: true });
