// Report uploads per second through the REST API (authentication, consent check against the
// ledger, validation, block lock, hash chain, signal, processing log, commit before the receipt),
// compared with the raw insert rate of the same rows through Prisma on the same database.
// A script, not a test:
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npx tsx bench/rapportage-upload.ts
// Settings (environment): SECONDS (default 15) per run after WARMUP (5) seconds, CONNECTIONS (20),
// BLOCKS (50): the uploads are spread over this many blocks; a second run writes into one block,
// the worst case (every write waits for the same row lock).
// Uses a fresh PostgreSQL database, dropped afterwards.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import autocannon from 'autocannon';
import { ORG } from '../adapters/population/organisations.js';
import { signDevTokenFor } from '../gateway/auth/dev-issuer.js';
import type { Caller, OrganisationCaller } from '../gateway/auth/caller.js';
import { loadConfig } from '../gateway/config.js';
import { findDemoPerson } from '../gateway/demo/people.js';
import { traceFromHeader } from '../gateway/logs/trace.js';
import { hashRow } from '../gateway/rapportage/chain.js';
import { requestHashOf } from '../gateway/rapportage/idempotency.js';
import { startRuntime, type Runtime } from '../gateway/runtime.js';
import { freshDatabase } from '../tests/support/database.js';
import { BENCH_LIMITS } from './support/limits.js';

const SECONDS = Number(process.env.SECONDS ?? 15);
const WARMUP = Number(process.env.WARMUP ?? 5);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 20);
const BLOCKS = Number(process.env.BLOCKS ?? 50);

const day = (d: Date) => d.toISOString().slice(0, 10);
const body = () => ({
  soort: 'voortgangsrapportage',
  periode: { van: day(new Date(Date.now() - 20 * 86_400_000)), tot: day(new Date()) },
  doelen: [
    { soort: 'leerdoel', omschrijving: 'Op tijd komen op de werkervaringsplaats', voortgang: 'loopt', toelichting: 'Twee keer te laat, daarna elke dag op tijd' },
    { soort: 'prestatiedoel', omschrijving: 'Tien sollicitaties per maand', voortgang: 'behaald' },
  ],
  activiteiten: [{ datum: day(new Date()), omschrijving: 'Sollicitatietraining', uren: 2.5 }],
  aanwezigheid: { gepland: 8, aanwezig: 7, afwezigMetBericht: 1, afwezigZonderBericht: 0 },
  advies: 'Doorgaan met het traject; in de volgende periode gericht solliciteren in de logistiek.',
});

interface Target { trajectId: string; consentToken: string; blokId: string; consentId: string }

/** BLOCKS trajectories of client-fatima, each assigned to Werkfit with an active consent. */
async function targets(rt: Runtime, n: number): Promise<Target[]> {
  const prisma = rt.db.prisma;
  const services = rt.app.services;
  const fatima = findDemoPerson('client-fatima')!;
  const client: Caller = { role: 'client', subject: fatima.id, name: fatima.name, bsn: fatima.bsn! };
  const rib: OrganisationCaller = { role: 'rib', subject: 'rib-werkfit', name: 'Rik Hendriks', oin: ORG.werkfit.oin };
  const out: Target[] = [];
  for (let i = 0; i < n; i++) {
    const t = await prisma.traject.create({
      data: {
        gemeenteOin: ORG.amsterdam.oin, externalId: `BENCH-${i}-${randomUUID()}`, subjectBsn: fatima.bsn!, title: 'Benchtraject',
        startsOn: new Date(Date.now() - 60 * 86_400_000), endsOn: new Date(Date.now() + 200 * 86_400_000), createdBy: 'bench',
        blokken: { create: { ribOin: rib.oin, openedBy: 'bench' } },
      },
      include: { blokken: true },
    });
    const c = await services.consent.grant(traceFromHeader(undefined), client, {
      trajectId: t.id, granteeOin: rib.oin, scopes: ['rapportage:schrijven'], validUntil: day(new Date(Date.now() + 100 * 86_400_000)),
    });
    const { token } = await services.consent.issueToken(rib, c.id);
    out.push({ trajectId: t.id, consentToken: token, blokId: t.blokken[0]!.id, consentId: c.id });
  }
  return out;
}

async function uploads(url: string, bearer: string, ts: Target[], seconds: number) {
  const payload = JSON.stringify(body());
  let i = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const t = ts[i++ % ts.length]!;
          return {
            ...req,
            path: `/rib/v1/trajecten/${t.trajectId}/rapportages`,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}`, 'consent-token': t.consentToken, 'idempotency-key': randomUUID() },
            body: payload,
          };
        },
      },
    ],
  });
  return result;
}

/** The same rows, inserted straight through Prisma: no HTTP, no checks, no lock, no signal. */
async function rawInserts(rt: Runtime, ts: Target[], seconds: number) {
  const prisma = rt.db.prisma;
  // Blocks of their own (another bureau on the same trajectories), so uploads still finishing
  // from the runs before cannot collide with the sequence numbers handed out here.
  const blocks: Target[] = [];
  for (const t of ts) {
    const b = await prisma.rapportageBlok.create({ data: { trajectId: t.trajectId, ribOin: ORG.aandeslag.oin, openedBy: 'bench' } });
    blocks.push({ ...t, blokId: b.id });
  }
  ts = blocks;
  const next = new Map(ts.map((t) => [t.blokId, 1]));
  const b = body();
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  let k = 0;
  const worker = async () => {
    while (performance.now() < until) {
      const t = ts[k++ % ts.length]!;
      const sequence = next.get(t.blokId)!;
      next.set(t.blokId, sequence + 1);
      const row = {
        id: randomUUID(), blokId: t.blokId, sequence, soort: b.soort, correctsId: null,
        periodStart: new Date(`${b.periode.van}T00:00:00Z`), periodEnd: new Date(`${b.periode.tot}T00:00:00Z`),
        body: { doelen: b.doelen, activiteiten: b.activiteiten, aanwezigheid: b.aanwezigheid, advies: b.advies, bijlagen: [] },
        prevHash: null, idempotencyKey: randomUUID(), requestHash: requestHashOf('rapportage', b), consentId: t.consentId, authorSubject: 'bench', createdAt: new Date(),
      };
      const t0 = performance.now();
      await prisma.rapportage.create({ data: { ...row, soort: 'voortgangsrapportage', hash: hashRow(row) } });
      latencies.push(performance.now() - t0);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, z) => a - z);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  return { perSecond: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), n: latencies.length };
}

const line = (name: string, perSecond: number, p50: number, p99: number, n: number) =>
  console.log(`${name.padEnd(44)} ${perSecond.toFixed(0).padStart(7)}/s   median ${p50.toFixed(1).padStart(7)} ms   p99 ${p99.toFixed(1).padStart(7)} ms   n=${n}`);

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('bench/rapportage-upload: set DATABASE_URL=postgresql://… (a fresh database is made and dropped)');
    process.exit(2);
  }
  const cpus = os.cpus();
  console.log(`machine: ${cpus[0]?.model ?? 'unknown cpu'}, ${cpus.length} cores, ${os.platform()} ${os.release()}, node ${process.version}`);
  const fresh = await freshDatabase(url);
  const config = loadConfig({ ...BENCH_LIMITS, NODE_ENV: 'test', LOG_LEVEL: 'silent', DEV_ISSUER: 'on', HOST: '127.0.0.1', PORT: '0', PUBLIC_URL: 'http://ketenpoort.bench', DATABASE_URL: fresh.url });
  const rt = await startRuntime(config, { demo: true });
  try {
    const [{ version }] = (await rt.db.prisma.$queryRaw<{ version: string }[]>`SELECT version()`) as [{ version: string }];
    console.log(`database: ${version.split(',')[0]}; ${CONNECTIONS} concurrent connections; ${SECONDS}s per run after ${WARMUP}s warm-up`);
    const bearer = (await signDevTokenFor(rt.app.keys, 'rib-werkfit', { publicUrl: config.publicUrl }))!;
    const spread = await targets(rt, BLOCKS);
    await uploads(rt.url, bearer, spread, WARMUP);
    const many = await uploads(rt.url, bearer, spread, SECONDS);
    const one = await uploads(rt.url, bearer, spread.slice(0, 1), SECONDS);
    const raw = await rawInserts(rt, spread, SECONDS);
    console.log('');
    line(`REST upload, ${BLOCKS} blocks (consent check on)`, many.requests.average, many.latency.p50, many.latency.p99, many.requests.total);
    line('REST upload, 1 block (one row lock)', one.requests.average, one.latency.p50, one.latency.p99, one.requests.total);
    line(`raw Prisma insert of the same rows`, raw.perSecond, raw.p50, raw.p99, raw.n);
    for (const [name, r] of [['many', many], ['one', one]] as const) {
      if (r.non2xx || r.errors) console.log(`warning: ${name}-block run had ${r.non2xx} non-2xx answers and ${r.errors} errors`);
    }
  } finally {
    await rt.close();
    await fresh.drop();
  }
}

await main();
