// Report uploads through Ketenpoort's REST API against raw inserts of the same rows. The uploads'
// setup goes through the product's own API, as a gemeente, a client and a RIB would: the
// klantmanager assigns trajectories to a bureau, the client gives consent for each, the bureau
// fetches its consent tokens. The raw inserts write the same rows straight through Prisma into a
// database of their own (no HTTP, no checks, no lock, no signal): the ceiling for the same rows.
import { randomUUID } from 'node:crypto';
import { ORG } from '../../adapters/population/organisations.js';
import { openDatabase, type Database } from '../../gateway/db/database.js';
import { hashRow } from '../../gateway/rapportage/chain.js';
import { requestHashOf } from '../../gateway/rapportage/idempotency.js';
import { findDemoPerson } from '../../gateway/demo/people.js';
import type { CpuGroups } from './cpu.js';
import { measure, type LoadResult } from './load.js';
import { peakRssDuring, SETUP_TIMEOUT_MS } from './processes.js';

const day = (d: Date) => d.toISOString().slice(0, 10);
export const reportBody = () => ({
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

export interface UploadTarget {
  trajectId: string;
  consentId: string;
  consentToken: string;
}

type Tokens = (person: string) => Promise<string>;

async function gql(url: string, bearer: string, query: string, variables: object) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(SETUP_TIMEOUT_MS),
  });
  const answer = (await res.json()) as { data?: any; errors?: { message: string }[] };
  if (answer.errors?.length) throw new Error(`setup: ${answer.errors[0]!.message}`);
  return answer.data;
}

/** `n` trajectories of client-fatima, each assigned to Werkfit, with an active consent. */
export async function prepareUploads(url: string, token: Tokens, n: number): Promise<UploadTarget[]> {
  const fatima = findDemoPerson('client-fatima')!;
  const [km, client, rib] = await Promise.all([token('km-jan'), token('client-fatima'), token('rib-werkfit')]);
  const out: UploadTarget[] = [];
  for (let i = 0; i < n; i++) {
    const toewijzing = await gql(url, km, `mutation($t: TrajectToewijzingInput!) { wijsTrajectToe(toewijzing: $t) { trajectId } }`, {
      t: {
        bsn: fatima.bsn, gemeenteKenmerk: `BENCH-${randomUUID()}`, titel: 'Benchtraject', bureauOin: ORG.werkfit.oin,
        startdatum: day(new Date(Date.now() - 60 * 86_400_000)), einddatum: day(new Date(Date.now() + 200 * 86_400_000)),
      },
    });
    const trajectId = toewijzing.wijsTrajectToe.trajectId as string;
    out.push({ trajectId, ...(await grantConsent(url, { client, rib }, trajectId)) });
  }
  return out;
}

/** The client grants Werkfit consent on the trajectory; Werkfit fetches its consent token. */
export async function grantConsent(url: string, bearer: { client: string; rib: string }, trajectId: string): Promise<{ consentId: string; consentToken: string }> {
  const consent = await gql(url, bearer.client, `mutation($i: ToestemmingInvoer!) { verleenToestemming(invoer: $i) { id } }`, {
    i: { trajectId, bureau: ORG.werkfit.oin, bevoegdheden: ['rapportage:schrijven'], geldigTot: day(new Date(Date.now() + 100 * 86_400_000)) },
  });
  const consentId = consent.verleenToestemming.id as string;
  const res = await fetch(`${url}/toestemmingen/${consentId}/token`, { headers: { authorization: `Bearer ${bearer.rib}` }, signal: AbortSignal.timeout(SETUP_TIMEOUT_MS) });
  if (!res.ok) throw new Error(`setup: consent token answered ${res.status}`);
  return { consentId, consentToken: ((await res.json()) as { consent_token: string }).consent_token };
}

export async function measureUploads(
  url: string,
  pid: number,
  ribBearer: string,
  targets: UploadTarget[],
  o: { connections: number; warmupSeconds: number; seconds: number; cpu?: () => CpuGroups },
): Promise<LoadResult> {
  let i = 0;
  const payload = JSON.stringify(reportBody());
  return measure({
    url,
    pid,
    cpu: o.cpu,
    connections: o.connections,
    warmupSeconds: o.warmupSeconds,
    seconds: o.seconds,
    status: 201,
    next: () => {
      const t = targets[i++ % targets.length]!;
      return {
        path: `/rib/v1/trajecten/${t.trajectId}/rapportages`,
        headers: { authorization: `Bearer ${ribBearer}`, 'consent-token': t.consentToken, 'idempotency-key': randomUUID() },
        body: payload,
      };
    },
  });
}

/**
 * The same rows through Prisma, `connections` writers at once, into the database the uploads went
 * to (opened after Ketenpoort stopped): a block of another bureau on each of the same trajectories,
 * under the same consents, so the rows are alike in every column.
 */
export async function measureRawInserts(
  db: { url?: string; dataDir: string },
  trajectIds: string[],
  o: { connections: number; warmupSeconds: number; seconds: number },
): Promise<LoadResult> {
  const database: Database = await openDatabase({ url: db.url, dataDir: db.dataDir });
  try {
    const prisma = database.prisma;
    const blocks: { id: string; consentId: string }[] = [];
    const next = new Map<string, number>();
    for (const trajectId of trajectIds) {
      const consent = await prisma.consent.findFirstOrThrow({ where: { trajectId } });
      // Made in the first round, written on in the next ones.
      const b = await prisma.rapportageBlok.upsert({
        where: { trajectId_ribOin: { trajectId, ribOin: ORG.aandeslag.oin } },
        create: { trajectId, ribOin: ORG.aandeslag.oin, openedBy: 'bench' },
        update: {},
      });
      const last = await prisma.rapportage.findFirst({ where: { blokId: b.id }, orderBy: { sequence: 'desc' }, select: { sequence: true } });
      blocks.push({ id: b.id, consentId: consent.id });
      next.set(b.id, (last?.sequence ?? 0) + 1);
    }
    const b = reportBody();
    const insertOne = async (block: { id: string; consentId: string }) => {
      const sequence = next.get(block.id)!;
      next.set(block.id, sequence + 1);
      const row = {
        id: randomUUID(), blokId: block.id, sequence, soort: b.soort, correctsId: null,
        periodStart: new Date(`${b.periode.van}T00:00:00Z`), periodEnd: new Date(`${b.periode.tot}T00:00:00Z`),
        body: { doelen: b.doelen, activiteiten: b.activiteiten, aanwezigheid: b.aanwezigheid, advies: b.advies, bijlagen: [] },
        prevHash: null, idempotencyKey: randomUUID(), requestHash: requestHashOf('rapportage', b), consentId: block.consentId, authorSubject: 'bench', createdAt: new Date(),
      };
      await prisma.rapportage.create({ data: { ...row, soort: 'voortgangsrapportage', hash: hashRow(row) } });
    };
    const run = async (seconds: number) => {
      const latencies: number[] = [];
      const until = performance.now() + seconds * 1000;
      let k = 0;
      const worker = async () => {
        while (performance.now() < until) {
          const t0 = performance.now();
          await insertOne(blocks[k++ % blocks.length]!);
          latencies.push(performance.now() - t0);
        }
      };
      const started = performance.now();
      await Promise.all(Array.from({ length: o.connections }, worker));
      return { latencies, elapsed: (performance.now() - started) / 1000 };
    };
    await run(o.warmupSeconds);
    const { result, peakMb } = await peakRssDuring(process.pid, () => run(o.seconds));
    const sorted = result.latencies.sort((a, z) => a - z);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
    return {
      rps: Math.round((sorted.length / result.elapsed) * 10) / 10,
      p50_ms: Math.round(at(0.5)),
      p99_ms: Math.round(at(0.99)),
      peak_rss_mb: Math.round(peakMb),
      requests: sorted.length,
      errors: 0,
    };
  } finally {
    await database.close();
  }
}
