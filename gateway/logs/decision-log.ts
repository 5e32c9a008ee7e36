// The Authorization Decision Log (Logius ADL): exactly one durable record per authorization
// decision, permits and denials alike, with what is needed to replay it: the request (action and
// resource), the policy and its version, and the information the decision used. Idempotent on
// (trace id, span id); append-only in the database.
import type { Caller } from '../auth/caller.js';
import type { Db } from '../db/database.js';
import { newSpanId, type TraceContext } from './trace.js';

export interface Decision {
  decision: 'permit' | 'deny';
  /** Machine-readable reason: the error code of a denial, or why it was permitted. */
  reason: string;
  action: string;
  resource: string;
  policyId: string;
  policyVersion: string;
  caller?: Caller;
  consentId?: string;
  consentVersion?: number;
  /** The facts the decision used (never a BSN in clear, never a token). */
  information: Record<string, unknown>;
  /** Give one when retrying the same decision, so it is stored once. */
  spanId?: string;
}

export interface DecisionLog {
  record(trace: TraceContext, decision: Decision): Promise<void>;
}

export function createDecisionLog(db: Db): DecisionLog {
  return {
    async record(trace, d) {
      const caller = d.caller;
      await db.besluit.createMany({
        data: [
          {
            traceId: trace.traceId,
            spanId: d.spanId ?? newSpanId(),
            decision: d.decision,
            reason: d.reason,
            action: d.action,
            resource: d.resource,
            policyId: d.policyId,
            policyVersion: d.policyVersion,
            actorOin: caller && caller.role !== 'client' ? caller.oin : null,
            actorSubject: caller?.subject ?? null,
            actorRole: caller?.role ?? null,
            consentId: d.consentId ?? null,
            consentVersion: d.consentVersion ?? null,
            information: d.information as object,
          },
        ],
        skipDuplicates: true,
      });
    },
  };
}
