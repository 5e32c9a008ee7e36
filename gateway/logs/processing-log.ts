// The processing log ("Logboek Dataverwerkingen"): one record per processing of one person's data,
// shaped as a span. Written before the data leaves the gateway; when it cannot be written the
// request fails (fail closed). Append-only (the table refuses UPDATE and DELETE).
import type { Caller } from '../auth/caller.js';
import type { Db } from '../db/database.js';
import { createGroupCommit } from './group-commit.js';
import { newSpanId, type TraceContext } from './trace.js';
import type { SubjectCrypto } from './subject-id.js';

/** Processing activities (doelbinding): URIs into the register of processing activities. */
export const ACTIVITIES = {
  klantbeeld: 'https://ketenpoort.nl/verwerkingen/klantbeeld-werk-en-inkomen',
  caseload: 'https://ketenpoort.nl/verwerkingen/caseload-overzicht',
  rapportageSchrijven: 'https://ketenpoort.nl/verwerkingen/rapportage-aanleveren',
  rapportageLezen: 'https://ketenpoort.nl/verwerkingen/rapportage-inzien',
  werkprofielRib: 'https://ketenpoort.nl/verwerkingen/werkprofiel-voor-traject',
  toestemming: 'https://ketenpoort.nl/verwerkingen/toestemming-beheren',
  eigenGegevens: 'https://ketenpoort.nl/verwerkingen/eigen-gegevens-inzien',
  trajectToewijzen: 'https://ketenpoort.nl/verwerkingen/traject-toewijzen',
  signalering: 'https://ketenpoort.nl/verwerkingen/signalering-uitkeringswijziging',
} as const;

export type Activity = keyof typeof ACTIVITIES;

/** Who processed: a person, or the gateway itself acting for an organisation (signalling). */
export type Actor = Caller | { role: 'system'; subject: string; name: string; oin: string };

export interface Processing {
  /** Short name of what was done, e.g. "klantbeeld lezen". */
  name: string;
  activity: Activity;
  operation: 'read' | 'write';
  subjectBsn: string;
  caller: Actor;
  partners: string[];
  fields: string[];
  startTime: Date;
  endTime?: Date;
  status?: 'OK' | 'ERROR' | 'UNSET';
}

export interface ProcessingLog {
  /** Resolves once every entry is durably stored; rejects when they could not be (fail closed). */
  record(trace: TraceContext, entries: Processing[]): Promise<void>;
  /** Waits until every entry recorded so far has been written. */
  drain(): Promise<void>;
  /** The entries about one person, newest first, with the subject decrypted away. */
  forSubject(bsn: string, options?: { limit?: number; before?: Date }): Promise<ProcessingRecord[]>;
}

export interface ProcessingRecord {
  traceId: string;
  spanId: string;
  name: string;
  activity: string;
  operation: string;
  actorOin: string;
  actorRole: string;
  partners: string[];
  fields: string[];
  startTime: Date;
  statusCode: string;
}

// One statement for any number of rows (a constant SQL text: arrays as parameters), so the rows
// of concurrent requests, and the 300 rows of a caseload page, share one commit (group-commit.ts).
const INSERT = `INSERT INTO verwerking (trace_id, span_id, parent_span_id, name, start_time, end_time, status_code,
    foreign_trace_id, foreign_span_id, processing_activity_id, subject_encrypted, subject_key, actor_oin,
    actor_subject, actor_role, operation, partners, fields)
  SELECT t, s, ps, n, st, et, sc::"SpanStatus", ft, fs, pa, se, sk, ao, asu, ar, op,
    string_to_array(pt, ','), string_to_array(fl, ',')
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::text[],
    $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[],
    $16::text[], $17::text[], $18::text[])
    AS u(t, s, ps, n, st, et, sc, ft, fs, pa, se, sk, ao, asu, ar, op, pt, fl)`;

type Row = readonly unknown[];
/** Partner and field names are identifiers (no commas), so a list travels as one text. */
const list = (xs: string[]) => [...new Set(xs)].sort().join(',');

export function createProcessingLog(db: Db, crypto: SubjectCrypto): ProcessingLog {
  const writer = createGroupCommit<Row>(async (rows) => {
    const columns = Array.from({ length: 18 }, (_, c) => rows.map((r) => r[c]));
    await db.$executeRawUnsafe(INSERT, ...columns);
  });
  return {
    record(trace, entries) {
      const now = new Date();
      return writer.add(
        entries.map((e) => [
          trace.traceId,
          newSpanId(),
          trace.spanId,
          e.name,
          e.startTime,
          e.endTime ?? now,
          e.status ?? 'OK',
          trace.parentSpanId ? trace.traceId : null,
          trace.parentSpanId ?? null,
          ACTIVITIES[e.activity],
          crypto.encrypt(e.subjectBsn),
          crypto.key(e.subjectBsn),
          e.caller.role === 'client' ? '' : e.caller.oin,
          e.caller.subject,
          e.caller.role,
          e.operation,
          list(e.partners),
          list(e.fields),
        ]),
      );
    },
    drain: () => writer.drain(),
    async forSubject(bsn, options = {}) {
      const rows = await db.verwerking.findMany({
        where: { subjectKey: crypto.key(bsn), ...(options.before ? { startTime: { lt: options.before } } : {}) },
        orderBy: { startTime: 'desc' },
        take: Math.min(options.limit ?? 100, 500),
      });
      return rows.map((r) => ({
        traceId: r.traceId,
        spanId: r.spanId,
        name: r.name,
        activity: r.processingActivityId,
        operation: r.operation,
        actorOin: r.actorOin.trim(),
        actorRole: r.actorRole,
        partners: r.partners,
        fields: r.fields,
        startTime: r.startTime,
        statusCode: r.statusCode,
      }));
    },
  };
}
