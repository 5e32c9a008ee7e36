// The Authorization Decision Log (Logius ADL): exactly one durable record per authorization
// decision, permits and denials alike, with what is needed to replay it: the request (action and
// resource), the policy and its version, and the information the decision used. Idempotent on
// (trace id, span id); append-only in the database.
import type { Caller } from '../auth/caller.js';
import type { Db } from '../db/database.js';
import { createGroupCommit } from './group-commit.js';
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
  /** Resolves once the decision is durably stored; rejects when it could not be (fail closed). */
  record(trace: TraceContext, decision: Decision): Promise<void>;
  /** Waits until every decision recorded so far has been written. */
  drain(): Promise<void>;
}

// One statement for any number of decisions (a constant SQL text: arrays as parameters), so
// concurrent requests' decisions share one commit (group-commit.ts). Idempotent on
// (trace_id, span_id): a retried decision is stored once.
const INSERT = `INSERT INTO besluit (trace_id, span_id, decision, reason, action, resource, policy_id, policy_version,
    actor_oin, actor_subject, actor_role, consent_id, consent_version, information)
  SELECT t, s, d, r, a, res, pid, pv, ao, asu, ar, ci::uuid, cv, i::jsonb
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
    $9::text[], $10::text[], $11::text[], $12::text[], $13::int[], $14::text[])
    AS u(t, s, d, r, a, res, pid, pv, ao, asu, ar, ci, cv, i)
  ON CONFLICT DO NOTHING`;

type Row = ReturnType<typeof toRow>;

function toRow(trace: TraceContext, d: Decision) {
  const caller = d.caller;
  return [
    trace.traceId,
    d.spanId ?? newSpanId(),
    d.decision,
    d.reason,
    d.action,
    d.resource,
    d.policyId,
    d.policyVersion,
    caller && caller.role !== 'client' ? caller.oin : null,
    caller?.subject ?? null,
    caller?.role ?? null,
    d.consentId ?? null,
    d.consentVersion ?? null,
    JSON.stringify(d.information),
  ] as const;
}

export function createDecisionLog(db: Db): DecisionLog {
  const writer = createGroupCommit<Row>(async (rows) => {
    const columns = Array.from({ length: 14 }, (_, c) => rows.map((r) => r[c]));
    await db.$executeRawUnsafe(INSERT, ...columns);
  });
  return {
    record: (trace, d) => writer.add([toRow(trace, d)]),
    drain: () => writer.drain(),
  };
}
