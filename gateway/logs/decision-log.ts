// The Authorization Decision Log (Logius ADL): exactly one durable record per authorization
// decision, permits and denials alike, with what is needed to replay it: the request (action and
// resource), the policy and its version, and the information the decision used. Idempotent on
// (trace id, span id); append-only in the database.
import type { Caller } from '../auth/caller.js';
import type { Database } from '../db/database.js';
import { createGroupCommit } from './group-commit.js';
import { metrics } from '../../lib/metrics.js';
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
}

/**
 * What identifies one decision record: (trace id, span id, at). The table is partitioned by month
 * on `at`, and a partitioned table's unique index must hold the partition key, so a retry of the
 * same decision gives both its span id and its time to be stored once.
 */
export type DecisionIdentity = { spanId?: undefined; at?: undefined } | { spanId: string; at: Date };

export interface DecisionLog {
  /** Resolves once the decision is durably stored; rejects when it could not be (fail closed). */
  record(trace: TraceContext, decision: Decision & DecisionIdentity): Promise<void>;
  /** Waits until every decision recorded so far has been written. */
  drain(): Promise<void>;
}

// One statement for any number of decisions, as one JSON parameter, so concurrent requests'
// decisions share one commit (group-commit.ts). Idempotent on (trace_id, span_id, at), the unique
// index of the partitioned table: a retried decision, with its span id and time, is stored once.
const INSERT = `INSERT INTO besluit (trace_id, span_id, at, decision, reason, action, resource, policy_id, policy_version,
    actor_oin, actor_subject, actor_role, consent_id, consent_version, information)
  SELECT t, s, at, d, r, a, res, pid, pv, ao, asu, ar, ci, cv, i
  FROM json_to_recordset($1::json) AS x(t text, s text, at timestamptz, d text, r text, a text, res text, pid text, pv text,
    ao text, asu text, ar text, ci uuid, cv int, i jsonb)
  ON CONFLICT (trace_id, span_id, at) DO NOTHING`;

type Row = ReturnType<typeof toRow>;

function toRow(trace: TraceContext, d: Decision & DecisionIdentity) {
  const caller = d.caller;
  return {
    t: trace.traceId,
    s: d.spanId ?? newSpanId(),
    // The gateway's clock, not the database's: a retry must carry the same time.
    at: d.at ?? new Date(),
    d: d.decision,
    r: d.reason,
    a: d.action,
    res: d.resource,
    pid: d.policyId,
    pv: d.policyVersion,
    ao: caller && caller.role !== 'client' ? caller.oin : null,
    asu: caller?.subject ?? null,
    ar: caller?.role ?? null,
    ci: d.consentId ?? null,
    cv: d.consentVersion ?? null,
    i: d.information,
  };
}

export function createDecisionLog(db: Pick<Database, 'query'>): DecisionLog {
  const writer = createGroupCommit<Row>((rows) => db.query(INSERT, [JSON.stringify(rows)], 'kp_besluit_insert'), {
    onWritten: (rows, seconds) => metrics.logWrite('decision', rows, seconds),
  });
  return {
    record(trace, d) {
      metrics.decision(d.decision, d.policyId, d.reason);
      return writer.add([toRow(trace, d)]);
    },
    drain: () => writer.drain(),
  };
}
