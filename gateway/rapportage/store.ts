// Appending a report to a RIB's block: one transaction that locks the block row, re-checks the
// block's own rule (open, this RIB's, trajectory active), handles an idempotent retry, validates
// the period against the trajectory, links the row into the hash chain, and writes the klantmanager's
// signal. The caller gets its receipt only after the commit, so an acknowledged report is never lost.
// A RibPermit is a parameter: a write that skipped the consent check does not compile.
import { randomUUID } from 'node:crypto';
import type { Caller } from '../auth/caller.js';
import { RibPermit } from '../consent/enforce.js';
import type { Prisma, Rapportage } from '../db/generated/client.js';
import { badInput } from '../errors.js';
import type { TraceContext } from '../logs/trace.js';
import type { ChainServices } from '../services.js';
import { hashRow } from './chain.js';
import { announceReport, eventOf } from './events.js';
import { replayOf, requestHashOf } from './idempotency.js';
import { BlokDenial, denyBlok, type BlokDecision } from './policy.js';
import { signalNewReport } from './signals.js';
import { checkPeriod, type RapportageInput } from './validation.js';
import { receiptOf, type Receipt } from './views.js';

type Tx = Prisma.TransactionClient;

/** Generous: under load a write may wait for the block lock behind others of the same block. */
export const TX_OPTIONS = { maxWait: 10_000, timeout: 20_000 } as const;

export interface AppendRequest {
  trajectId: string;
  idempotencyKey: string;
  input: RapportageInput;
}

export interface AppendResult {
  receipt: Receipt;
  /** True when an earlier request with the same key and body was answered again. */
  replayed: boolean;
}

interface LockedRow {
  id: string;
  status: string;
  traject_id: string;
  traject_status: string;
  gemeente_oin: string;
  subject_bsn: string;
  starts_on: string;
  ends_on: string;
  rib_name: string;
}

/**
 * Locks and returns the caller's block of the trajectory with what the write needs to know, in one
 * round trip. `FOR UPDATE OF b` serialises writes to one block, so sequence numbers and prevHash
 * never race, while writes to other blocks go on in parallel.
 */
export async function lockBlock(tx: Tx, trajectId: string, ribOin: string) {
  const rows = await tx.$queryRaw<LockedRow[]>`
    SELECT b.id, b.status::text AS status, b.traject_id, t.status::text AS traject_status, t.gemeente_oin, t.subject_bsn,
           to_char(t.starts_on, 'YYYY-MM-DD') AS starts_on, to_char(t.ends_on, 'YYYY-MM-DD') AS ends_on, o.name AS rib_name
      FROM rapportage_blok b JOIN traject t ON t.id = b.traject_id JOIN organisation o ON o.oin = b.rib_oin
     WHERE b.traject_id = ${trajectId}::uuid AND b.rib_oin = ${ribOin}
       FOR UPDATE OF b`;
  const r = rows[0];
  if (!r) throw new BlokDenial('FORBIDDEN', 'no-blok', 'this trajectory has no rapportage block for your organisation');
  if (r.traject_status !== 'active') throw new BlokDenial('FORBIDDEN', 'traject-ended', 'the trajectory has ended; its block is closed');
  if (r.status !== 'open') throw new BlokDenial('FORBIDDEN', 'blok-closed', 'your block for this trajectory is closed');
  return {
    id: r.id,
    trajectId: r.traject_id,
    ribOin,
    ribName: r.rib_name,
    gemeenteOin: r.gemeente_oin.trim(),
    subjectBsn: r.subject_bsn.trim(),
    startsOn: new Date(`${r.starts_on}T00:00:00Z`),
    endsOn: new Date(`${r.ends_on}T00:00:00Z`),
  };
}

/** The permit must be for exactly this write by exactly this caller (checked at run time too). */
export function checkPermit(permit: RibPermit, caller: Caller, trajectId: string): void {
  if (!RibPermit.isPermit(permit) || permit.action !== 'rapportage:schrijven' || permit.trajectId !== trajectId) {
    throw new BlokDenial('FORBIDDEN', 'permit-mismatch', 'not allowed');
  }
  if (caller.role !== 'rib' || caller.oin !== permit.ribOin) throw new BlokDenial('FORBIDDEN', 'permit-mismatch', 'not allowed');
}

export function decisionFor(permit: RibPermit, caller: Caller, trajectId: string, action: string): BlokDecision {
  return { action, trajectId, caller, consentId: permit.consentId, consentVersion: permit.consentVersion };
}

export async function appendRapportage(
  services: ChainServices,
  trace: TraceContext,
  permit: RibPermit,
  caller: Caller,
  req: AppendRequest,
): Promise<AppendResult> {
  const decision = decisionFor(permit, caller, req.trajectId, 'rapportage:schrijven');
  const requestHash = requestHashOf('rapportage', req.input);
  let outcome: { row: Rapportage; replayed: boolean };
  try {
    checkPermit(permit, caller, req.trajectId);
    outcome = await services.prisma.$transaction(async (tx) => {
      const blok = await lockBlock(tx, req.trajectId, permit.ribOin);
      const earlier = replayOf(
        await tx.rapportage.findUnique({ where: { blokId_idempotencyKey: { blokId: blok.id, idempotencyKey: req.idempotencyKey } } }),
        requestHash,
      );
      if (earlier) return { row: earlier, replayed: true, gemeenteOin: blok.gemeenteOin, ribOin: blok.ribOin };
      const { input } = req;
      checkPeriod(input, blok);
      if (input.corrigeert) {
        const old = await tx.rapportage.findFirst({ where: { id: input.corrigeert, blokId: blok.id }, select: { id: true } });
        if (!old) throw badInput('rapportage.corrigeert', 'there is no report with this id in your block');
      }
      const bijlagen = input.bijlagen.length
        ? await tx.bijlage.findMany({ where: { id: { in: input.bijlagen }, blokId: blok.id }, select: { id: true, sha256: true, fileName: true, size: true } })
        : [];
      const missing = input.bijlagen.find((id) => !bijlagen.some((b) => b.id === id));
      if (missing) throw badInput('rapportage.bijlagen', `there is no attachment ${missing} in your block`);
      const last = await tx.rapportage.findFirst({ where: { blokId: blok.id }, orderBy: { sequence: 'desc' }, select: { sequence: true, hash: true } });
      const row = {
        id: randomUUID(),
        blokId: blok.id,
        sequence: (last?.sequence ?? 0) + 1,
        soort: input.soort,
        correctsId: input.corrigeert ?? null,
        periodStart: new Date(`${input.periode.van}T00:00:00Z`),
        periodEnd: new Date(`${input.periode.tot}T00:00:00Z`),
        // Attachments are named with their SHA-256, so the chain covers their content too.
        body: {
          doelen: input.doelen,
          activiteiten: input.activiteiten,
          aanwezigheid: input.aanwezigheid,
          resultaat: input.resultaat,
          advies: input.advies,
          bijlagen: input.bijlagen.map((id) => {
            const b = bijlagen.find((x) => x.id === id)!;
            return { id: b.id, sha256: b.sha256.trim(), bestandsnaam: b.fileName, grootte: b.size };
          }),
        },
        prevHash: last?.hash.trim() ?? null,
        idempotencyKey: req.idempotencyKey,
        requestHash,
        consentId: permit.consentId,
        authorSubject: caller.subject,
        createdAt: new Date(),
      };
      // JSON round trip drops `undefined` members exactly as the jsonb column will.
      row.body = JSON.parse(JSON.stringify(row.body));
      const created = await tx.rapportage.create({ data: { ...row, hash: hashRow(row) } });
      await signalNewReport(tx, {
        rapportageId: created.id,
        gemeenteOin: blok.gemeenteOin,
        trajectId: blok.trajectId,
        subjectBsn: blok.subjectBsn,
        soort: created.soort,
        ribName: blok.ribName,
        correction: Boolean(created.correctsId),
      });
      // Inside the transaction: PostgreSQL delivers the notification only if, and when, it commits.
      await announceReport(tx, eventOf(created, blok.gemeenteOin, blok.ribOin, req.trajectId));
      return { row: created, replayed: false };
    }, TX_OPTIONS);
  } catch (err) {
    if (err instanceof BlokDenial) return denyBlok(services, trace, decision, err);
    throw err;
  }

  const receipt = receiptOf(outcome.row, req.trajectId);
  if (!outcome.replayed) {
    // The client's processing log says who wrote about them; fail closed: no receipt without it.
    // A retry with the same key then answers the stored receipt and writes the entry again.
    const at = new Date();
    await services.processingLog.record(trace, [
      { name: 'rapportage aangeleverd', activity: 'rapportageSchrijven', operation: 'write', subjectBsn: permit.subjectBsn, caller, partners: [], fields: ['rapportage'], startTime: outcome.row.createdAt, endTime: at },
    ]);
  }
  return { receipt, replayed: outcome.replayed };
}
