// The consent ledger's live state of a consent, in one round trip for any number of them: the row's status, version and
// validity, the trajectory's status and whether the grantee's rapportage block is still open. This is
// what every permit rests on, so it is one small indexed query (primary key + unique key lookups).
import { dutchDayEndsAt, type DutchDay } from '../../lib/dutch-day.js';
import type { Database } from '../db/database.js';
import type { ErrorCode } from '../errors.js';
import { grantedScopes, type ConsentScope } from './scopes.js';

export type ConsentStatus = 'active' | 'revoked' | 'expired' | 'ended';

export interface LedgerState {
  consentId: string;
  version: number;
  status: ConsentStatus;
  validFrom: Date;
  /** The last day it holds (Dutch calendar day); over at 00:00 the next day, Dutch time. */
  validThrough: DutchDay;
  granteeOin: string;
  trajectId: string;
  /** For the gateway's own use (processing log); never sent to a RIB, never logged. */
  subjectBsn: string;
  scopes: ConsentScope[];
  trajectActive: boolean;
  blokOpen: boolean;
}

interface Row {
  id: string;
  version: number;
  status: string;
  valid_from: Date;
  valid_through: string;
  grantee_oin: string;
  traject_id: string;
  subject_bsn: string;
  authorization_details: unknown;
  traject_status: string;
  blok_open: boolean;
}

/**
 * The live state of each consent asked for, in one query: concurrent permit checks share it
 * (core.ts batches them per turn of the event loop). Straight through the driver (Database.query).
 */
export async function readLedgers(db: Pick<Database, 'query'>, consentIds: readonly string[]): Promise<Map<string, LedgerState>> {
  const rows = await db.query<Row>(
    `SELECT c.id, c.version, c.status::text AS status, c.valid_from, c.valid_through::text AS valid_through, c.grantee_oin,
            c.traject_id, c.subject_bsn, c.authorization_details, t.status::text AS traject_status,
            EXISTS (SELECT 1 FROM rapportage_blok b
                     WHERE b.traject_id = c.traject_id AND b.rib_oin = c.grantee_oin AND b.status = 'open') AS blok_open
       FROM consent c JOIN traject t ON t.id = c.traject_id
      WHERE c.id = ANY($1::uuid[])`,
    [consentIds],
    'kp_consent_ledger',
  );
  return new Map(rows.map((r) => [r.id, stateOf(r)]));
}

function stateOf(r: Row): LedgerState {
  const details = typeof r.authorization_details === 'string' ? JSON.parse(r.authorization_details) : r.authorization_details;
  return {
    consentId: r.id,
    version: Number(r.version),
    status: r.status as ConsentStatus,
    validFrom: new Date(r.valid_from),
    validThrough: r.valid_through,
    granteeOin: r.grantee_oin.trim(),
    trajectId: r.traject_id,
    subjectBsn: r.subject_bsn.trim(),
    scopes: grantedScopes(details, r.traject_id),
    trajectActive: r.traject_status === 'active',
    blokOpen: Boolean(r.blok_open),
  };
}

export interface LedgerRefusal {
  code: Extract<ErrorCode, 'CONSENT_REVOKED' | 'CONSENT_EXPIRED' | 'CONSENT_REQUIRED'>;
  reason: string;
  message: string;
}

/**
 * Why the ledger says no right now, if it does. One function for enforcement and token issuance,
 * so both give the same answer. Order matters: revoked beats expired beats ended.
 */
export function ledgerRefusal(s: LedgerState, now: Date): LedgerRefusal | undefined {
  if (s.status === 'revoked') return { code: 'CONSENT_REVOKED', reason: 'consent-revoked', message: 'the client has revoked this consent' };
  if (s.status === 'expired' || now.getTime() >= dutchDayEndsAt(s.validThrough).getTime()) {
    return { code: 'CONSENT_EXPIRED', reason: 'consent-expired', message: 'this consent has expired; ask the client again' };
  }
  if (s.status === 'ended' || !s.trajectActive) return { code: 'CONSENT_REVOKED', reason: 'traject-ended', message: 'the trajectory has ended' };
  if (!s.blokOpen) return { code: 'CONSENT_REVOKED', reason: 'blok-closed', message: 'the trajectory is no longer assigned to your organisation' };
  if (s.validFrom.getTime() > now.getTime()) return { code: 'CONSENT_REQUIRED', reason: 'consent-not-yet-valid', message: 'this consent is not valid yet' };
  return undefined;
}
