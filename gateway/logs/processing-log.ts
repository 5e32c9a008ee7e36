// The processing log ("Logboek Dataverwerkingen"): one record per processing of one person's data,
// shaped as a span. Written before the data leaves the gateway; when it cannot be written the
// request fails (fail closed). Append-only (the table refuses UPDATE and DELETE).
import type { Caller } from '../auth/caller.js';
import type { Db } from '../db/database.js';
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
  record(trace: TraceContext, entries: Processing[]): Promise<void>;
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

export function createProcessingLog(db: Db, crypto: SubjectCrypto): ProcessingLog {
  return {
    async record(trace, entries) {
      if (entries.length === 0) return;
      await db.verwerking.createMany({
        data: entries.map((e) => ({
          traceId: trace.traceId,
          spanId: newSpanId(),
          parentSpanId: trace.spanId,
          name: e.name,
          startTime: e.startTime,
          endTime: e.endTime ?? new Date(),
          statusCode: e.status ?? 'OK',
          foreignTraceId: trace.parentSpanId ? trace.traceId : null,
          foreignSpanId: trace.parentSpanId ?? null,
          processingActivityId: ACTIVITIES[e.activity],
          subjectEncrypted: crypto.encrypt(e.subjectBsn),
          subjectKey: crypto.key(e.subjectBsn),
          actorOin: e.caller.role === 'client' ? '' : e.caller.oin,
          actorSubject: e.caller.subject,
          actorRole: e.caller.role,
          operation: e.operation,
          partners: [...new Set(e.partners)].sort(),
          fields: [...new Set(e.fields)].sort(),
        })),
      });
    },
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
