// `npm run bench:start`: how long `ketenpoort serve --demo` takes from spawning the process to
// /ready answering 200, on an already migrated database, and its RSS right after (as
// bench/compare.ts measures them), for the bundled program bin/ketenpoort.js runs
// (dist/bundle/, scripts/bundle.mjs) and the per-file program tsc wrote (dist/gateway/cli/main.js),
// started in turns over the same partner processes so the machine's noise falls on both alike.
// Each start gets a fresh database. A script, not a test.
//
//   npm run bench:start
//   npm run bench:start -- --db pglite --starts 10 --program bundle
// Options: --db postgres|pglite --starts 6 (per program) --program bundle,files
//   --database-url postgresql://…/postgres (the server; a fresh database per start) --node-args="…"
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { startBenchIssuer } from './support/bench-issuer.js';
import { adapterEnv, startPartnerProcesses } from './support/partners.js';
import { memoryOf } from './support/processes.js';
import { median } from './support/stats.js';
import { PROGRAMS, isProgram, startKetenpoort, type Db } from './support/targets.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'postgres' },
    starts: { type: 'string', default: '6' },
    program: { type: 'string', default: 'bundle,files' },
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
    'node-args': { type: 'string' },
  },
});
const names = values.program!.split(',').map((p) => p.trim()).filter(Boolean);
for (const p of names) if (!isProgram(p)) throw new Error(`--program: "${p}" is not one of ${Object.keys(PROGRAMS).join(', ')}`);
const programs = names.filter(isProgram);
const db = values.db as Db;
if (db !== 'postgres' && db !== 'pglite') throw new Error('--db: postgres or pglite');
const n = Number(values.starts);
const node = (values['node-args'] ?? '').split(/\s+/).filter(Boolean);

const issuer = await startBenchIssuer(0);
const partners = await startPartnerProcesses({ issuer, population: '600' });
// Ketenpoort only: the BENCH_* settings the ceiling and the bare gateway sign with are not needed.
const env = { LOG_LEVEL: 'warn', NODE_ENV: 'development', ...adapterEnv(partners.adapterUrls) };
console.log(`Ketenpoort start — ${new Date().toISOString()} — ${cpus()[0]?.model.trim()} × ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
console.log(`load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${db}; ${n} starts per program, in turns`);

const figures = new Map(programs.map((p) => [p, { ready: [] as number[], idle: [] as number[] }]));
try {
  // A start before the measured ones, so the partners' first answers (cold code) fall on none of them.
  const warm = await startKetenpoort(db, { serverUrl: values['database-url']!, issuer, env, node });
  await warm.proc.stop();
  await warm.drop();
  for (let i = 0; i < n; i++) {
    for (const p of programs) {
      const kp = await startKetenpoort(db, { serverUrl: values['database-url']!, issuer, env, node, program: p });
      const idle = Math.round(memoryOf(kp.proc.pid)?.rssMb ?? 0);
      figures.get(p)!.ready.push(kp.startSeconds);
      figures.get(p)!.idle.push(idle);
      console.log(`  ${p.padEnd(7)} /ready ${kp.startSeconds.toFixed(1)} s, RSS ${idle} MB`);
      await kp.proc.stop();
      await kp.drop();
    }
  }
} finally {
  await partners.stop();
}
const range = (xs: number[], digits: number) => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;
for (const [p, f] of figures) {
  console.log(`${p.padEnd(7)} /ready median ${median(f.ready).toFixed(1)} s (${range(f.ready, 1)}); RSS after start median ${median(f.idle)} MB (${range(f.idle, 0)})`);
}
process.exit(0);
