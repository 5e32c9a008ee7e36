// Appending a report to a RIB's block: one transaction that locks the block row, re-checks the
// block's own rule (open, this RIB's, trajectory active), handles an idempotent retry, validates
// the period against the trajectory, links the row into the hash chain, and writes the klantmanager's
// signal and the client's processing-log row (two statements: append-sql.ts). The caller gets its
// receipt only after the commit, so an acknowledged report is never lost.
// A RibPermit is a parameter: a write that skipped the consent check does not compile.
import { randomUUID } from 'node:crypto';
import type { Caller } from '../auth/caller.js';
import { RibPermit } from '../consent/enforce.js';
import type { Prisma } from '../db/generated/client.js';
import { badInput, KetenError } from '../errors.js';
import type { TraceContext } from '../logs/trace.js';
import type { ChainServices } from '../services.js';
import { hashRow } from './chain.js';
import { headOfReport } from './chain-head.js';
import { APPEND, LOCK_BLOCK, READ_FOR_APPEND, type LockedBlock, type ReadForAppend, type StoredJson } from './append-sql.js';
import { eventOf } from './events.js';
import { replayOf, requestHashOf } from './idempotency.js';
import { BlokDenial, denyBlok, type BlokDecision } from './policy.js';
import { newReportSignal } from './signals.js';
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
  const { input } = req;
  let outcome: AppendOutcome;
  try {
    checkPermit(permit, caller, req.trajectId);
    // Nothing commits before the permit's decision is on record. Waited for here, not inside the
    // transaction: on PGlite the transaction holds the only connection the decision log needs.
    await permit.settled();
    outcome = await services.db.transaction(async (sql) => {
      const blok = openBlok((await sql.query<LockedBlock>(LOCK_BLOCK, [req.trajectId, permit.ribOin]))[0], permit.ribOin);
      const [found] = await sql.query<ReadForAppend>(READ_FOR_APPEND, [blok.id, req.idempotencyKey, input.corrigeert ?? null, input.bijlagen]);
      const earlier = replayOf(found!.earlier && storedOf(found!.earlier), requestHash);
      if (earlier) return { row: earlier, replayed: true };
      checkAnchored(blok.id, found!);
      checkPeriod(input, blok);
      if (input.corrigeert && !found!.corrects_found) throw badInput('rapportage.corrigeert', 'there is no report with this id in your block');
      const missing = input.bijlagen.find((id) => !found!.bijlagen.some((b) => b.id === id));
      if (missing) throw badInput('rapportage.bijlagen', `there is no attachment ${missing} in your block`);
      const row = {
        id: randomUUID(),
        blokId: blok.id,
        sequence: (found!.last?.sequence ?? 0) + 1,
        soort: input.soort,
        correctsId: input.corrigeert ?? null,
        periodStart: new Date(`${input.periode.van}T00:00:00Z`),
        periodEnd: new Date(`${input.periode.tot}T00:00:00Z`),
        // Attachments are named with their SHA-256, so the chain covers their content too.
        body: JSON.parse(JSON.stringify({
          doelen: input.doelen,
          activiteiten: input.activiteiten,
          aanwezigheid: input.aanwezigheid,
          resultaat: input.resultaat,
          advies: input.advies,
          bijlagen: input.bijlagen.map((id) => {
            const b = found!.bijlagen.find((x) => x.id === id)!;
            return { id: b.id, sha256: b.sha256.trim(), bestandsnaam: b.fileName, grootte: b.size };
          }),
        })) as unknown, // the JSON round trip drops `undefined` members exactly as the jsonb column will
        prevHash: found!.last?.hash.trim() ?? null,
        idempotencyKey: req.idempotencyKey,
        requestHash,
        consentId: permit.consentId,
        authorSubject: caller.subject,
        createdAt: new Date(),
      };
      const stored = { ...row, hash: hashRow(row) };
      // The block's new chain head, signed here so it commits with the report it names.
      const head = await services.chainHeads.sign(headOfReport(stored));
      const signal = newReportSignal({
        rapportageId: row.id, gemeenteOin: blok.gemeenteOin, trajectId: req.trajectId, subjectBsn: blok.subjectBsn,
        soort: row.soort, ribName: blok.ribName, correction: Boolean(row.correctsId),
      });
      // The client's processing log says who wrote about them: committed with the report itself.
      const processing = services.processingLog.rowsJson(trace, [
        { name: 'rapportage aangeleverd', activity: 'rapportageSchrijven', operation: 'write', subjectBsn: permit.subjectBsn, caller, partners: [], fields: ['rapportage'], startTime: row.createdAt },
      ]);
      await sql.query(APPEND, [
        row.id, row.blokId, row.sequence, row.soort, row.correctsId, input.periode.van, input.periode.tot, JSON.stringify(row.body),
        row.prevHash, stored.hash, row.idempotencyKey, row.requestHash, row.consentId, row.authorSubject, row.createdAt,
        randomUUID(), signal.organisationOin, signal.dedupeKey, signal.kind, signal.subjectBsn, signal.trajectId, signal.summary,
        processing, JSON.stringify(eventOf(stored, blok.gemeenteOin, permit.ribOin, req.trajectId)), head.handtekening,
      ]);
      return { row: stored, replayed: false };
    });
  } catch (err) {
    if (err instanceof BlokDenial) return denyBlok(services, trace, decision, err);
    throw err;
  }
  // A replay signs its report's head again: the signature is deterministic, so the receipt is the first one.
  const ketenhoofd = await services.chainHeads.sign(headOfReport(outcome.row));
  return { receipt: receiptOf(outcome.row, req.trajectId, ketenhoofd), replayed: outcome.replayed };
}

/**
 * The chain's last row must be the one the signed head record names. When it is not, reports were
 * removed or written past the gateway; appending would link the new report to a cut history and
 * move the head past the evidence, so the write is refused until someone runs verify-chain.
 * A block with no head and no rows is new.
 */
function checkAnchored(blokId: string, found: ReadForAppend): void {
  const { last, head } = found;
  if (!last && !head) return;
  if (last && head && last.sequence === head.sequence && last.hash.trim() === head.hash.trim()) return;
  throw new KetenError('INTERNAL', `rapportage block ${blokId}: its rows do not end at its signed chain head; writing refused (run ketenpoort verify-chain)`);
}

type StoredReport = Parameters<typeof receiptOf>[0];
interface AppendOutcome {
  row: StoredReport & { requestHash: string };
  replayed: boolean;
}

/** The block's own rule, as lockBlock applies it. */
function openBlok(r: LockedBlock | undefined, ribOin: string) {
  if (!r) throw new BlokDenial('FORBIDDEN', 'no-blok', 'this trajectory has no rapportage block for your organisation');
  if (r.traject_status !== 'active') throw new BlokDenial('FORBIDDEN', 'traject-ended', 'the trajectory has ended; its block is closed');
  if (r.status !== 'open') throw new BlokDenial('FORBIDDEN', 'blok-closed', 'your block for this trajectory is closed');
  return {
    id: r.id,
    ribOin,
    ribName: r.rib_name,
    gemeenteOin: r.gemeente_oin.trim(),
    subjectBsn: r.subject_bsn.trim(),
    startsOn: new Date(`${r.starts_on}T00:00:00Z`),
    endsOn: new Date(`${r.ends_on}T00:00:00Z`),
  };
}

function storedOf(j: StoredJson): AppendOutcome['row'] {
  return {
    id: j.id,
    blokId: j.blok_id,
    sequence: j.sequence,
    soort: j.soort as StoredReport['soort'],
    correctsId: j.corrects_id,
    idempotencyKey: j.idempotency_key,
    hash: j.hash,
    prevHash: j.prev_hash,
    requestHash: j.request_hash,
    createdAt: new Date(j.created_at),
  };
}
