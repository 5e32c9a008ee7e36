// The two append-only logs' inserts, in one place: each reads its rows from one JSON parameter, so
// any number of rows (from any number of requests) go in one statement, and a decision's and a
// processing's rows can share one statement and one commit (log-writer.ts).

/** One decision-log row as `insertDecisionSql` reads it (decision-log.ts builds them). */
export interface DecisionRow {
  t: string;
  s: string;
  at: Date;
  d: string;
  r: string;
  a: string;
  res: string;
  pid: string;
  pv: string;
  ao: string | null;
  asu: string | null;
  ar: string | null;
  ci: string | null;
  cv: number | null;
  i: Record<string, unknown>;
}

/**
 * Processing-log rows that differ only in their span and subject (a caseload page's 300, a view's
 * one): what they share once, then [span, encrypted subject, subject key in hexadecimal] per row
 * in `r` (stored as its 32 bytes: `decode` below).
 */
export type ProcessingGroup = Record<string, unknown> & { r: [string, string, string][] };

// Idempotent on (trace_id, span_id, at), the unique index of the partitioned table: a retried
// decision, with its span id and time, is stored once.
/** The decision-log insert, reading its rows from JSON parameter `$n`. */
export const insertDecisionSql = (n: number) => `INSERT INTO besluit (trace_id, span_id, at, decision, reason, action, resource, policy_id, policy_version,
    actor_oin, actor_subject, actor_role, consent_id, consent_version, information)
  SELECT t, s, at, d, r, a, res, pid, pv, ao, asu, ar, ci, cv, i
  FROM json_to_recordset($${n}::json) AS x(t text, s text, at timestamptz, d text, r text, a text, res text, pid text, pv text,
    ao text, asu text, ar text, ci uuid, cv int, i jsonb)
  ON CONFLICT (trace_id, span_id, at) DO NOTHING`;

// The rows travel as one JSON parameter: the driver's escaping of 18 parameter arrays cost more
// allocations than the rest of a caseload request (bench/compare.ts with a heap-sampling profile).
// Sending all 18 values per row instead of groups, the JSON was four times as long, and building,
// writing and parsing it cost the gateway and PostgreSQL ~3 ms of CPU per caseload page of 300
// (docs/performance.md, "Processing-log rows in groups").
//
// jsonb, not json: a json value is text, parsed again by every function and operator that reads it,
// so each group's row list was parsed three times over (the recordset, the elements, and each
// element once per `->>`); jsonb is parsed once. Reading a caseload page's 300 rows took 1.3-1.9 ms
// as json and 1.1-1.3 ms as jsonb on PostgreSQL 15, the whole insert 7.0-9.8 against 5.8-6.7 ms
// (docs/performance.md, "Processing rows read as jsonb"); a view's one row is the same either way.
/** The processing-log insert, reading its groups from JSON parameter `$n`; also used inside another
 * statement's transaction (a report and its processing-log row commit together: gateway/rapportage/append-sql.ts). */
export const insertProcessingSql = (n: number) => `INSERT INTO verwerking (trace_id, span_id, parent_span_id, name, start_time, end_time, status_code,
    foreign_trace_id, foreign_span_id, processing_activity_id, subject_encrypted, subject_key, actor_oin,
    actor_subject, actor_role, operation, partners, fields)
  SELECT g.t, e.v->>0, g.ps, g.n, g.st, g.et, g.sc::"SpanStatus", g.ft, g.fs, g.pa, e.v->>1, decode(e.v->>2, 'hex'), g.ao, g.asu, g.ar, g.op, g.pt, g.fl
  FROM jsonb_to_recordset($${n}::jsonb) AS g(t text, ps text, n text, st timestamptz, et timestamptz, sc text,
    ft text, fs text, pa text, ao text, asu text, ar text, op text, pt text[], fl text[], r jsonb),
    jsonb_array_elements(g.r) AS e(v)`;

/** Decisions from `$1`, on their own. */
export const INSERT_DECISIONS = insertDecisionSql(1);
/** Processing groups from `$1`, on their own. */
export const INSERT_PROCESSING = insertProcessingSql(1);

/** Table rows a list of processing groups stands for. */
export const processingRowCount = (groups: ProcessingGroup[] | undefined) => (groups ?? []).reduce((n, g) => n + g.r.length, 0);

// Both logs in one statement: a data-modifying WITH runs to completion whether or not the main
// statement reads it (PostgreSQL's documentation, "Data-Modifying Statements in WITH").
/** Decisions from `$1`, processing groups from `$2`, one statement and one commit. */
export const INSERT_BOTH = `WITH d AS (${insertDecisionSql(1)}) ${insertProcessingSql(2)}`;
