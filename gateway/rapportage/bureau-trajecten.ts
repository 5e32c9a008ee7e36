// A re-integratiebureau's own work list (schema/keten/bureau.graphql): its open rapportage blocks,
// each with where the client's consent for this bureau stands (the same `standOf` the klantmanager
// sees), when the next voortgangsrapportage is due (the rule of the "te laat" signal), and the
// client's name. The name is the gemeente's: the gateway asks the gemeente that assigned the
// trajectory, on that gemeente's behalf (it chose to give this bureau the client), for the name
// only, and writes the bureau's reading into the client's processing log before it leaves. The
// BSN never leaves this module: the objects carry it for the name loader, and the schema has no
// field for it.
import type { Caller } from '../auth/caller.js';
import { addDays, dutchDay } from '../../lib/dutch-day.js';
import { badInput, forbidden, KetenError } from '../errors.js';
import { ACTIVITIES } from '../logs/processing-log.js';
import { traceHeaders, type TraceContext } from '../logs/trace.js';
import type { ChainServices } from '../services.js';
import { standOf, type BlokToestemming } from './block-consent.js';
import { recordBlokDecision } from './policy.js';
import { LATE_AFTER_DAYS } from './signals.js';

const DAY_MS = 24 * 3600 * 1000;
/** Clients per request to the gemeente (aliases of one query). */
const NAME_BATCH = 50;

export interface BureauTraject {
  trajectId: string;
  blokId: string;
  titel: string;
  startdatum: string;
  einddatum: string;
  toestemming: BlokToestemming;
  laatsteRapportageOp: string | null;
  volgendeRapportageUiterlijk: string | null;
  teLaat: boolean;
  /** For the name loader only; not in the schema. */
  naamBron: { bsn: string; gemeenteOin: string };
}

const day = (d: Date) => d.toISOString().slice(0, 10);

async function requireRib(services: ChainServices, trace: TraceContext, caller: Caller) {
  if (caller.role !== 'rib') {
    await recordBlokDecision(services, trace, { action: 'traject:lijst', trajectId: '-', caller }, 'deny', 'role-not-allowed').catch(() => {});
    throw forbidden('the trajectories of a bureau are for that bureau');
  }
  return caller;
}

/** Overdue first (longest overdue on top), then the nearest deadline, then those without one. */
function byUrgency(a: BureauTraject, b: BureauTraject): number {
  const da = a.volgendeRapportageUiterlijk ?? '9999-12-31';
  const db = b.volgendeRapportageUiterlijk ?? '9999-12-31';
  return Number(b.teLaat) - Number(a.teLaat) || da.localeCompare(db) || a.titel.localeCompare(b.titel, 'nl');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `only`: one trajectory (a page about it), so only that client's name is read and logged. */
export async function bureauTrajecten(services: ChainServices, trace: TraceContext, caller: Caller, only?: unknown, now = new Date()): Promise<BureauTraject[]> {
  const rib = await requireRib(services, trace, caller);
  if (only != null && (typeof only !== 'string' || !UUID.test(only))) throw badInput('trajectId', 'must be an id (uuid)');
  // Consents past their last day are marked expired first, as the bureau's own consent lists do.
  await services.consent.core.settleLapsed({ granteeOin: rib.oin });
  const blokken = await services.prisma.rapportageBlok.findMany({
    where: { ribOin: rib.oin, status: 'open', traject: { status: 'active' }, ...(typeof only === 'string' ? { trajectId: only.toLowerCase() } : {}) },
    select: { id: true, trajectId: true, openedAt: true, traject: { select: { title: true, startsOn: true, endsOn: true, subjectBsn: true, gemeenteOin: true } } },
  });
  if (blokken.length === 0) return [];
  const trajectIds = blokken.map((b) => b.trajectId);
  const blokIds = blokken.map((b) => b.id);
  const [consents, requests, newest, ends] = await Promise.all([
    services.prisma.consent.findMany({ where: { granteeOin: rib.oin, trajectId: { in: trajectIds } }, select: { trajectId: true, status: true, validThrough: true, revokedAt: true, createdAt: true } }),
    services.prisma.consentRequest.findMany({ where: { granteeOin: rib.oin, trajectId: { in: trajectIds }, status: 'pending' }, select: { trajectId: true, requestedThrough: true } }),
    services.prisma.rapportage.groupBy({ by: ['blokId'], where: { blokId: { in: blokIds } }, _max: { createdAt: true } }),
    services.prisma.rapportage.findMany({ where: { blokId: { in: blokIds }, soort: 'eindrapportage' }, select: { blokId: true }, distinct: ['blokId'] }),
  ]);
  const lastAt = new Map(newest.map((r) => [r.blokId, r._max.createdAt]));
  const ended = new Set(ends.map((e) => e.blokId));
  return blokken
    .map((b): BureauTraject => {
      const last = lastAt.get(b.id) ?? null;
      const due = new Date((last ?? b.openedAt).getTime() + LATE_AFTER_DAYS * DAY_MS);
      const done = ended.has(b.id);
      // The signal counts from the moment; a person counts in days: the day before that moment is the last.
      const uiterlijk = done ? null : addDays(dutchDay(due), -1);
      return {
        trajectId: b.trajectId,
        blokId: b.id,
        titel: b.traject.title,
        startdatum: day(b.traject.startsOn),
        einddatum: day(b.traject.endsOn),
        toestemming: standOf(consents.filter((c) => c.trajectId === b.trajectId), requests.find((r) => r.trajectId === b.trajectId)?.requestedThrough, now),
        laatsteRapportageOp: last?.toISOString() ?? null,
        volgendeRapportageUiterlijk: uiterlijk,
        teLaat: uiterlijk !== null && dutchDay(now) > uiterlijk,
        naamBron: { bsn: b.traject.subjectBsn.trim(), gemeenteOin: b.traject.gemeenteOin.trim() },
      };
    })
    .sort(byUrgency);
}

/** The gemeente's names for these clients, asked on behalf of that gemeente, `NAME_BATCH` per request. */
async function namesFrom(services: ChainServices, trace: TraceContext, gemeenteOin: string, bsns: string[]): Promise<Map<string, string>> {
  const url = services.partnerUrls.gemeente;
  const unavailable = () => new KetenError('PARTNER_UNAVAILABLE', 'the gemeente did not answer with the names of the clients', { partner: 'gemeente' });
  if (!url) throw unavailable();
  const token = await services.internalTokens.get({ subgraph: 'gemeente', caller: undefined, systemOin: gemeenteOin, purpose: ACTIVITIES.rapportageSchrijven });
  const names = new Map<string, string>();
  for (let i = 0; i < bsns.length; i += NAME_BATCH) {
    const batch = bsns.slice(i, i + NAME_BATCH);
    const vars = batch.map((_, j) => `$b${j}: ID!`).join(', ');
    const fields = batch.map((_, j) => `k${j}: klant(bsn: $b${j}) { naam { volledigeNaam } }`).join(' ');
    let body: { data?: Record<string, { naam: { volledigeNaam: string } } | null> | null; errors?: unknown[] };
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...traceHeaders(trace) },
        body: JSON.stringify({ query: `query(${vars}) { ${fields} }`, variables: Object.fromEntries(batch.map((b, j) => [`b${j}`, b])) }),
        signal: AbortSignal.timeout(services.config.PARTNER_TIMEOUT_MS),
      });
      body = (await res.json()) as typeof body;
    } catch {
      throw unavailable();
    }
    if (!body.data || body.errors?.length) throw unavailable();
    batch.forEach((bsn, j) => {
      const naam = body.data?.[`k${j}`]?.naam.volledigeNaam;
      if (naam) names.set(bsn, naam);
    });
  }
  return names;
}

/** Loader for BureauTraject.klantnaam: one request per gemeente for a whole list; logged before it leaves. */
export async function klantnamen(services: ChainServices, trace: TraceContext, caller: Caller, items: BureauTraject[]): Promise<(string | null)[]> {
  const rib = await requireRib(services, trace, caller);
  const byGemeente = new Map<string, string[]>();
  for (const { naamBron } of items) byGemeente.set(naamBron.gemeenteOin, [...new Set([...(byGemeente.get(naamBron.gemeenteOin) ?? []), naamBron.bsn])]);
  const found = new Map<string, string>();
  for (const [gemeenteOin, bsns] of byGemeente) {
    for (const [bsn, naam] of await namesFrom(services, trace, gemeenteOin, bsns)) found.set(`${gemeenteOin}:${bsn}`, naam);
  }
  const shown = [...new Set(items.filter((i) => found.has(`${i.naamBron.gemeenteOin}:${i.naamBron.bsn}`)).map((i) => i.naamBron.bsn))];
  const at = new Date();
  await services.processingLog.record(trace, shown.map((subjectBsn) => ({
    name: 'naam ingezien voor traject', activity: 'rapportageSchrijven' as const, operation: 'read' as const, subjectBsn, caller: rib, partners: ['gemeente'], fields: ['naam'], startTime: at,
  })));
  return items.map((i) => found.get(`${i.naamBron.gemeenteOin}:${i.naamBron.bsn}`) ?? null);
}
