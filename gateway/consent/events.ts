// Who did what to a consent or request, appended to ConsentEvent (an append-only table), and the
// same change in the client's processing log. Every state change goes through `recordEvent`.
import type { Caller } from '../auth/caller.js';
import type { Prisma } from '../db/generated/client.js';
import { recordWithin, type ProcessingLog } from '../logs/processing-log.js';
import type { TraceContext } from '../logs/trace.js';

export type Tx = Prisma.TransactionClient;

/** "A consent or request changed", told to every instance when the change commits (open pages
 *  update by it: gateway/pages/shared/live-events.ts). Ids and the kind of change only, never a BSN. */
export const CONSENT_CHANGE_CHANNEL = 'ketenpoort_toestemming_wijziging';

export type EventType =
  | 'requested'
  | 'withdrawn'
  | 'approved'
  | 'rejected'
  | 'granted'
  | 'revoked'
  | 'relinquished'
  | 'expired'
  | 'ended';

export interface Actor {
  actor: string;
  actorRole: string;
  actorOin: string | null;
}

/** The gateway itself, for transitions nobody clicked: expiry, a trajectory that ended. */
export const SYSTEM_ACTOR: Actor = { actor: 'ketenpoort', actorRole: 'system', actorOin: null };

export function actorOf(caller: Caller): Actor {
  return { actor: caller.subject, actorRole: caller.role, actorOin: caller.role === 'client' ? null : caller.oin };
}

export async function recordEvent(
  tx: Tx,
  type: EventType,
  actor: Actor,
  ids: { consentId?: string; requestId?: string },
  details?: Record<string, unknown>,
) {
  await tx.consentEvent.create({
    data: {
      type,
      ...actor,
      consentId: ids.consentId ?? null,
      requestId: ids.requestId ?? null,
      ...(details ? { details: details as Prisma.InputJsonValue } : {}),
    },
  });
  // Inside the change's transaction: PostgreSQL delivers it only if, and when, the change commits.
  const told = JSON.stringify({ type, consentId: ids.consentId ?? null, requestId: ids.requestId ?? null });
  await tx.$executeRaw`SELECT pg_notify(${CONSENT_CHANGE_CHANNEL}, ${told})`;
}

/**
 * A consent change is a processing of the client's data: it goes into their processing log, in the
 * change's own transaction. So the change and its log row commit together, and once committed
 * nothing is left that could fail and make the caller believe the change did not happen.
 */
export async function logConsentProcessing(tx: Tx, log: ProcessingLog, trace: TraceContext, caller: Caller, subjectBsn: string, name: string) {
  const at = new Date();
  await recordWithin(tx, log, trace, [
    { name, activity: 'toestemming', operation: 'write', subjectBsn, caller, partners: [], fields: ['toestemming'], startTime: at, endTime: at },
  ]);
}
