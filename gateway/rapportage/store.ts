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
import { openBlok, type AppendOutcome } from './append-batch.js';
import type { LockedBlock } from './append-sql.js';
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

/**
 * Locks and returns the caller's block of the trajectory with what the write needs to know, in one
 * round trip. `FOR UPDATE OF b` serialises writes to one block, so sequence numbers and prevHash
 * never race, while writes to other blocks go on in parallel.
 */
export async function lockBlock(tx: Tx, trajectId: string, ribOin: string) {
  const rows = await tx.$queryRaw<LockedBlock[]>`
    SELECT b.id, b.traject_id, b.rib_oin, b.status::text AS status, t.status::text AS traject_status, t.gemeente_oin, t.subject_bsn,
           to_char(t.starts_on, 'YYYY-MM-DD') AS starts_on, to_char(t.ends_on, 'YYYY-MM-DD') AS ends_on, o.name AS rib_name
      FROM rapportage_blok b JOIN traject t ON t.id = b.traject_id JOIN organisation o ON o.oin = b.rib_oin
     WHERE b.traject_id = ${trajectId}::uuid AND b.rib_oin = ${ribOin}
       FOR UPDATE OF b`;
  return { ...openBlok(rows[0]), trajectId, ribOin };
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
