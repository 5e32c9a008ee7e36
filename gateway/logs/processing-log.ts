// The processing log ("Logboek Dataverwerkingen"): one record per processing of one person's data,
// shaped as a span. Written before the data leaves the gateway; when it cannot be written the
// request fails (fail closed). Append-only (the table refuses UPDATE and DELETE).
import type { Caller } from '../auth/caller.js';
import type { Database } from '../db/database.js';
import { INSERT_PROCESSING, type ProcessingGroup } from './log-statements.js';
import { createLogWriter, type LogWriter } from './log-writer.js';
import { newSpanId, type TraceContext } from './trace.js';
import { subjectKeyBytes, type SubjectCrypto } from './subject-id.js';

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
  /** The organisation's privacy or security officer checking who processed a client's data. */
  controle: 'https://ketenpoort.nl/verwerkingen/controle-op-gebruik',
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
  /** The rows, as the groups `insertProcessingSql` reads, for a caller writing them in its own transaction. */
  rowsJson(trace: TraceContext, entries: Processing[]): string;
  /** The same groups as values, for a caller that sends the rows of several requests at once. */
  rows(trace: TraceContext, entries: Processing[]): ProcessingGroup[];
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

// Rows go to the database through the writer shared with the decision log (log-writer.ts), as
// groups: rows that differ only in their span and subject (a caseload page's 300, a view's one)
// share one group (log-statements.ts).

/**
 * Writes the entries inside the caller's own (Prisma) transaction, for a change of personal data:
 * the change and its log row commit together, and once committed nothing is left that could fail
 * and make the caller believe the change did not happen.
 */
export async function recordWithin(tx: { $executeRawUnsafe(sql: string, ...values: unknown[]): Promise<number> }, log: ProcessingLog, trace: TraceContext, entries: Processing[]) {
  await tx.$executeRawUnsafe(INSERT_PROCESSING, log.rowsJson(trace, entries));
}

type Group = ProcessingGroup;
const list = (xs: string[]) => [...new Set(xs)].sort();
const sameList = (a: string[], b: string[]) => a === b || (a.length === b.length && a.every((x, i) => x === b[i]));
/** Do two entries differ only in their subject? Then they share a group. */
const sameButSubject = (a: Processing, b: Processing) =>
  a.name === b.name && a.activity === b.activity && a.operation === b.operation && a.caller === b.caller &&
  a.startTime === b.startTime && a.endTime === b.endTime && a.status === b.status &&
  sameList(a.partners, b.partners) && sameList(a.fields, b.fields);

/** `writer`: the one shared with the decision log (services.ts), so both logs' rows share commits. */
export function createProcessingLog(db: Pick<Database, 'query' | 'prisma'>, crypto: SubjectCrypto, writer: LogWriter = createLogWriter(db)): ProcessingLog {
  const rows = (trace: TraceContext, entries: Processing[]): Group[] => {
    const now = new Date();
    const groups: Group[] = [];
    let previous: Processing | undefined;
    for (const e of entries) {
      const row: [string, string, string] = [newSpanId(), crypto.encrypt(e.subjectBsn), crypto.key(e.subjectBsn)];
      if (previous && sameButSubject(previous, e)) {
        groups[groups.length - 1]!.r.push(row);
        continue;
      }
      previous = e;
      groups.push({
        t: trace.traceId,
        ps: trace.spanId,
        n: e.name,
        st: e.startTime,
        et: e.endTime ?? now,
        sc: e.status ?? 'OK',
        ft: trace.parentSpanId ? trace.traceId : null,
        fs: trace.parentSpanId ?? null,
        pa: ACTIVITIES[e.activity],
        ao: e.caller.role === 'client' ? '' : e.caller.oin,
        asu: e.caller.subject,
        ar: e.caller.role,
        op: e.operation,
        pt: list(e.partners),
        fl: list(e.fields),
        r: [row],
      });
    }
    return groups;
  };
  return {
    record: (trace, entries) => writer.add({ processing: rows(trace, entries) }),
    rowsJson: (trace, entries) => JSON.stringify(rows(trace, entries)),
    rows,
    drain: () => writer.drain(),
    async forSubject(bsn, options = {}) {
      const rows = await db.prisma.verwerking.findMany({
        where: { subjectKey: subjectKeyBytes(crypto.key(bsn)), ...(options.before ? { startTime: { lt: options.before } } : {}) },
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
