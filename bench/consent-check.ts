// Measures what the consent check adds to a RIB request, and how long a revoke takes to reach a
// second instance. A script, not a test: `npx tsx bench/consent-check.ts` (PGlite), and with
// DATABASE_URL=postgresql://… for PostgreSQL (a fresh schema, dropped afterwards). Beside the check
// it times its floor: a read and a committed insert straight through the driver.
//   ITERATIONS (default 2000) checks per case after WARMUP (2000); REVOKES (default 30) revoke rounds.
import os from 'node:os';
import type { Caller, OrganisationCaller } from '../gateway/auth/caller.js';
import { loadConfig } from '../gateway/config.js';
import { verifyConsentToken } from '../gateway/consent/consent-token.js';
import { authorizeRibAction, type RibActionRequest, type RibPermit } from '../gateway/consent/enforce.js';
import { readLedgers } from '../gateway/consent/ledger.js';
import type { Database } from '../gateway/db/database.js';
import { seedDemoData } from '../gateway/demo/seed.js';
import { findDemoPerson } from '../gateway/demo/people.js';
import { createKeyStore } from '../gateway/keys/key-store.js';
import { traceFromHeader } from '../gateway/logs/trace.js';
import { createChainServices, type ChainServices } from '../gateway/services.js';
import { ORG } from '../adapters/population/organisations.js';
import { createTestDatabase } from '../tests/support/database.js';
import { BENCH_LIMITS } from './support/limits.js';

const ITERATIONS = Number(process.env.ITERATIONS ?? 2000);
// Long enough for V8 to have compiled the check's code: with 200, the first measured rounds still
// paid for it, and the write check's p99 read 2.0-4.0 ms against 0.7-0.9 ms warm (2026-12-06).
const WARMUP = Number(process.env.WARMUP ?? 2000);
const REVOKES = Number(process.env.REVOKES ?? 30);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const fmt = (ms: number) => `${ms.toFixed(3)} ms`;
function row(name: string, xs: number[]) {
  console.log(`${name.padEnd(52)} p50 ${fmt(pct(xs, 50)).padStart(11)}  p99 ${fmt(pct(xs, 99)).padStart(11)}  n=${xs.length}`);
}

/** Times `fn`; `after` (untimed) finishes what `fn` left running before the next round starts. */
async function timeIt<T>(n: number, fn: () => Promise<T>, after?: (result: T) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) {
    const r = await fn();
    if (after) await after(r);
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await fn();
    out.push(performance.now() - t0);
    if (after) await after(r);
  }
  return out;
}

function servicesFor(db: Database, env: Record<string, string>): ChainServices {
  const config = loadConfig({ ...BENCH_LIMITS, NODE_ENV: 'test', LOG_LEVEL: 'silent', PUBLIC_URL: 'http://ketenpoort.bench', ...env });
  return createChainServices(config, db, createKeyStore(db.prisma, { encryptionKey: config.keyEncryptionKey }));
}

async function main() {
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  console.log(`machine: ${cpu}, ${os.cpus().length} cores, ${os.platform()} ${os.release()}, node ${process.version}`);
  // Shared machines: the load at the start says how far to trust the figures.
  console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const database = await createTestDatabase();
  const dbB = await database.reopen();
  console.log(`database: ${database.db.kind}${dbB === database.db ? ' (both instances share one in-process PGlite)' : ' (each instance its own connections)'}`);
  try {
    await seedDemoData(database.db.prisma);
    const a = servicesFor(database.db, database.env);
    const b = servicesFor(dbB, database.env);
    const fatima = findDemoPerson('client-fatima')!;
    const client: Caller = { role: 'client', subject: fatima.id, name: fatima.name, bsn: fatima.bsn! };
    const rib: OrganisationCaller = { role: 'rib', subject: 'rib-werkfit', name: 'Rik Hendriks', oin: ORG.werkfit.oin };
    const traject = await database.db.prisma.traject.findFirstOrThrow({ where: { subjectBsn: fatima.bsn! } });
    const until = traject.endsOn.toISOString().slice(0, 10);
    const grant = async () => {
      const c = await a.consent.grant(traceFromHeader(undefined), client, {
        trajectId: traject.id, granteeOin: rib.oin, scopes: ['rapportage:schrijven', 'werkprofiel:lezen'], validUntil: until,
      });
      const { token } = await a.consent.issueToken(rib, c.id);
      return { id: c.id, token };
    };
    const check = (svc: ChainServices, token: string, action: RibActionRequest['action']) =>
      authorizeRibAction(svc, traceFromHeader(undefined), { caller: rib, consentToken: token, action, trajectId: traject.id });

    // Instances need one heartbeat round before they serve from cache (see gateway/consent/cache.ts).
    await new Promise((r) => setTimeout(r, 800));
    const c = await grant();

    console.log(`\nconsent check per request (authorizeRibAction), ${ITERATIONS} iterations after ${WARMUP} warm-up:`);
    // The check hands out its permit without waiting for the decision row's commit; every use of
    // the permit waits for it (RibPermit.settled) before data leaves or a write commits. So: the
    // check alone (its row's commit finished untimed before the next round, so no round queues
    // behind the one before), and the check with that commit, as an upload pays them in turn.
    const settle = (p: RibPermit) => p.settled();
    row('write check: token + ledger read, permit out', await timeIt(ITERATIONS, () => check(a, c.token, 'rapportage:schrijven'), settle));
    row('write check + its decision row committed', await timeIt(ITERATIONS, async () => settle(await check(a, c.token, 'rapportage:schrijven'))));
    row('read check: token + cache hit, permit out', await timeIt(ITERATIONS, () => check(a, c.token, 'werkprofiel:lezen'), settle));
    console.log(`  (cache hits ${a.consent.core.cache.stats.hits}, misses ${a.consent.core.cache.stats.misses})`);
    console.log('parts:');
    row('  token signature + claims (jose, ES256)', await timeIt(ITERATIONS, () => verifyConsentToken(a.keys, a.config.publicUrl, c.token)));
    row('  ledger read (one query)', await timeIt(ITERATIONS, () => readLedgers(a.db, [c.id])));
    row('  decision-log record (one insert)', await timeIt(ITERATIONS, () => a.decisionLog.record(traceFromHeader(undefined), {
      decision: 'permit', reason: 'bench', action: 'bench', resource: 'bench', policyId: 'bench', policyVersion: '0', information: {},
    })));

    // The floors under the write check: its round trips (one read; one read and one committed insert)
    // straight through the driver, with nothing of Ketenpoort. On a shared host the tail of a
    // durable commit is the host's, and these rows say how much of the check's p99 that is.
    await database.db.query('CREATE TABLE bench_floor (id bigserial PRIMARY KEY, v jsonb NOT NULL)', []);
    let n = 0;
    row('floor: one select (driver)', await timeIt(ITERATIONS, () => database.db.query('SELECT $1::int AS x', [n++], 'bench_floor_read')));
    row('floor: one select + one committed insert (driver)', await timeIt(ITERATIONS, async () => {
      await database.db.query('SELECT $1::int AS x', [n], 'bench_floor_read');
      await database.db.query('INSERT INTO bench_floor (v) VALUES ($1)', [JSON.stringify({ n: n++ })], 'bench_floor_write');
    }));
    console.log(`\nrevoke on instance A → refusal on instance B, ${REVOKES} rounds (B had the consent cached):`);
    const revokeMs: number[] = [];
    const toRefusalMs: number[] = [];
    let firstTry = 0;
    await a.consent.revoke(traceFromHeader(undefined), client, c.id);
    for (let i = 0; i < REVOKES; i++) {
      const r = await grant();
      for (let k = 0; k < 200 && b.consent.core.cache.get(r.id) === undefined; k++) {
        await check(b, r.token, 'werkprofiel:lezen');
        if (b.consent.core.cache.get(r.id) === undefined) await new Promise((s) => setTimeout(s, 10));
      }
      const t0 = performance.now();
      await a.consent.revoke(traceFromHeader(undefined), client, r.id);
      revokeMs.push(performance.now() - t0);
      let attempts = 0;
      for (;;) {
        attempts++;
        try {
          await check(b, r.token, 'werkprofiel:lezen');
        } catch {
          break;
        }
      }
      toRefusalMs.push(performance.now() - t0);
      if (attempts === 1) firstTry++;
    }
    row('revoke call on A (commit + eviction acknowledged)', revokeMs);
    row('revoke start → first refusal on B', toRefusalMs);
    console.log(`  B refused on its very next request after the revoke answered: ${firstTry}/${REVOKES}`);
    await a.consent.close();
    await b.consent.close();
  } finally {
    if (dbB !== database.db) await dbB.close();
    await database.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
