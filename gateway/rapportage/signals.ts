// Signals (signaleringen) for the klantmanager's gemeente, each at most once (unique dedupeKey):
// "a new report arrived" is written in the same transaction as the report, so there is never a
// report without its signal; "a report is late" is derived from the blocks when a klantmanager
// looks, once per block per month, so a quiet block does not flood anyone.
import type { Prisma } from '../db/generated/client.js';
import type { Db } from '../db/database.js';
import { dutchDay, type SignalKind } from '../signals/kinds.js';

type Tx = Prisma.TransactionClient;

/** A report is late when the block's last report (or its opening) is longer ago than this. */
export const LATE_AFTER_DAYS = 31;
const DAY_MS = 24 * 3600 * 1000;

const SOORT_TEXT: Record<string, string> = { voortgangsrapportage: 'voortgangsrapportage', eindrapportage: 'eindrapportage' };

export interface NewReport {
  rapportageId: string;
  gemeenteOin: string;
  trajectId: string;
  subjectBsn: string;
  soort: string;
  ribName: string;
  correction: boolean;
}

/** The "new report" signal for the report's gemeente (written with the report, deduplicated). */
export function newReportSignal(r: NewReport) {
  return {
    organisationOin: r.gemeenteOin,
    dedupeKey: `rapportage:${r.rapportageId}`,
    kind: 'rapportage-nieuw' satisfies SignalKind,
    subjectBsn: r.subjectBsn,
    trajectId: r.trajectId,
    // Never the report's content: a signal is shown in lists and may be read over a shoulder.
    summary: `${r.correction ? 'Correctie op ' : 'Nieuwe '}${SOORT_TEXT[r.soort] ?? 'rapportage'} van ${r.ribName}`,
  };
}


interface LateRow {
  blok_id: string;
  traject_id: string;
  subject_bsn: string;
  rib_name: string;
  last_at: Date;
}

/**
 * Writes a "rapportage te laat" signal for each open block of the gemeente's active trajectories
 * whose last report (or, with none yet, its opening) is older than LATE_AFTER_DAYS. The dedupe key
 * names the block and the month, so each late block is signalled once a month at most.
 */
export async function refreshLateSignals(db: Db, gemeenteOin: string, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - LATE_AFTER_DAYS * DAY_MS);
  const rows = await db.$queryRaw<LateRow[]>`
    SELECT b.id AS blok_id, t.id AS traject_id, t.subject_bsn, o.name AS rib_name,
           COALESCE((SELECT max(r.created_at) FROM rapportage r WHERE r.blok_id = b.id), b.opened_at) AS last_at
      FROM rapportage_blok b
      JOIN traject t ON t.id = b.traject_id
      JOIN organisation o ON o.oin = b.rib_oin
     WHERE t.gemeente_oin = ${gemeenteOin} AND t.status = 'active' AND b.status = 'open'`;
  const late = rows.filter((r) => new Date(r.last_at).getTime() < before.getTime());
  if (late.length === 0) return 0;
  const month = now.toISOString().slice(0, 7);
  const created = await db.signalering.createMany({
    data: late.map((r) => ({
      organisationOin: gemeenteOin,
      dedupeKey: `rapportage-te-laat:${r.blok_id}:${month}`,
      kind: 'rapportage-te-laat' satisfies SignalKind,
      subjectBsn: r.subject_bsn.trim(),
      trajectId: r.traject_id,
      summary: `Geen rapportage van ${r.rib_name} sinds ${dutchDay(new Date(r.last_at))}`,
    })),
    skipDuplicates: true,
  });
  return created.count;
}

/** The gemeente's signals, newest first; open ones only unless asked otherwise. */
export async function listSignals(db: Db, gemeenteOin: string, options: { alleenOpen: boolean; limit: number }) {
  await refreshLateSignals(db, gemeenteOin);
  return db.signalering.findMany({
    where: { organisationOin: gemeenteOin, ...(options.alleenOpen ? { resolvedAt: null } : {}) },
    orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    take: Math.min(Math.max(options.limit, 1), 500),
  });
}

/** Marks a signal handled; only the gemeente's own, only once (a second call changes nothing). */
export async function resolveSignal(db: Db, gemeenteOin: string, id: string, by: string) {
  await db.signalering.updateMany({ where: { id, organisationOin: gemeenteOin, resolvedAt: null }, data: { resolvedAt: new Date(), resolvedBy: by } });
  return db.signalering.findFirst({ where: { id, organisationOin: gemeenteOin } });
}
