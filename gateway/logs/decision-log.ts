// The Authorization Decision Log (Logius ADL): exactly one durable record per authorization
// decision, permits and denials alike, with what is needed to replay it: the request (action and
// resource), the policy and its version, and the information the decision used. Idempotent on
// (trace id, span id); append-only in the database.
import type { Caller } from '../auth/caller.js';
import type { Database } from '../db/database.js';
import type { DecisionRow } from './log-statements.js';
import { createLogWriter, type LogWriter } from './log-writer.js';
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
  /**
   * The decision's row, not yet written: for a caller that writes it together with its other log
   * rows through the shared writer (log-writer.ts), one commit for both, before any data leaves.
   */
  prepare(trace: TraceContext, decision: Decision & DecisionIdentity): DecisionRow;
  /** Writes rows `prepare` gave, on their own; resolves once they are durably stored. */
  write(rows: DecisionRow[]): Promise<void>;
  /** Waits until every decision recorded so far has been written. */
  drain(): Promise<void>;
}

function toRow(trace: TraceContext, d: Decision & DecisionIdentity): DecisionRow {
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

/** `writer`: the one shared with the processing log (services.ts), so both logs' rows share commits. */
export function createDecisionLog(db: Pick<Database, 'query'>, writer: LogWriter = createLogWriter(db)): DecisionLog {
  const prepare = (trace: TraceContext, d: Decision & DecisionIdentity) => {
    metrics.decision(d.decision, d.policyId, d.reason);
    return toRow(trace, d);
  };
  return {
    record: (trace, d) => writer.add({ decisions: [prepare(trace, d)] }),
    prepare,
    write: (rows) => writer.add({ decisions: rows }),
    drain: () => writer.drain(),
  };
}
