// Appending a report to a RIB's block: the permit is checked here, then the upload joins the next
// batch of the report appender (append-batch.ts), whose one transaction locks the block row,
// re-checks the block's own rule (open, this RIB's, trajectory active), handles an idempotent
// retry, validates the period against the trajectory, links the row into the hash chain, and writes
// the klantmanager's signal and the client's processing-log row. The caller gets its receipt only
// after the commit, so an acknowledged report is never lost.
// A RibPermit is a parameter: a write that skipped the consent check does not compile.
// lockBlock is the same lock for an attachment upload (attachments.ts), through Prisma.
import type { Caller } from '../auth/caller.js';
import { RibPermit } from '../consent/enforce.js';
import type { Prisma } from '../db/generated/client.js';
import type { TraceContext } from '../logs/trace.js';
import type { ChainServices } from '../services.js';
import type { AppendOutcome } from './append-batch.js';
import { headOfReport } from './chain-head.js';
import { requestHashOf } from './idempotency.js';
import { BlokDenial, denyBlok, type BlokDecision } from './policy.js';
import type { RapportageInput } from './validation.js';
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
  let outcome: AppendOutcome;
  try {
    checkPermit(permit, caller, req.trajectId);
    // Nothing commits before the permit's decision is on record. Waited for here, not inside the
    // transaction: on PGlite the transaction holds the only connection the decision log needs.
    await permit.settled();
    outcome = await services.reportAppends.append({
      trace, caller, trajectId: req.trajectId, ribOin: permit.ribOin, subjectBsn: permit.subjectBsn, consentId: permit.consentId,
      idempotencyKey: req.idempotencyKey, requestHash: requestHashOf('rapportage', req.input), input: req.input,
    });
  } catch (err) {
    if (err instanceof BlokDenial) return denyBlok(services, trace, decision, err);
    throw err;
  }
  // A replay signs its report's head again: the signature is deterministic, so the receipt is the first one.
  const ketenhoofd = await services.chainHeads.sign(headOfReport(outcome.row));
  return { receipt: receiptOf(outcome.row, req.trajectId, ketenhoofd), replayed: outcome.replayed };
}
