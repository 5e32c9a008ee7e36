// An auditor's lookup is itself on record, before anything is shown (fail closed): a `controle` row
// with who looked, at what, over which period and why; and, for every client the lookup shows, a
// processing-log entry, so the client reads "de privacyfunctionaris van uw gemeente heeft bekeken
// wie uw gegevens heeft gebruikt" in their own processing log.
import { KetenError } from '../errors.js';
import type { TraceContext } from '../logs/trace.js';
import type { ChainServices } from '../services.js';
import type { Period } from './period.js';
import type { AuditScope } from './scope.js';

export type LookupKind = 'klant' | 'medewerker' | 'export';

export interface Lookup {
  kind: LookupKind;
  /** A client's subject key, an employee id, or null (the whole organisation). */
  target: string | null;
  period: Period;
  reason: string;
  /** The clients this lookup shows by BSN. */
  shownClients: Iterable<string>;
  /** What the auditor saw of them, for the processing log. */
  name: string;
}

export async function recordLookup(services: ChainServices, trace: TraceContext, scope: AuditScope, lookup: Lookup): Promise<void> {
  const at = new Date();
  const clients = [...new Set(lookup.shownClients)];
  try {
    await services.prisma.controle.create({
      data: {
        traceId: trace.traceId,
        organisationOin: scope.oin,
        auditorSubject: scope.auditor.subject,
        at,
        kind: lookup.kind,
        target: lookup.target,
        periodFrom: lookup.period.from,
        periodUntil: lookup.period.until,
        reason: lookup.reason,
      },
    });
    if (clients.length) {
      await services.processingLog.record(
        trace,
        clients.map((subjectBsn) => ({
          name: lookup.name,
          activity: 'controle' as const,
          operation: 'read' as const,
          subjectBsn,
          caller: scope.auditor,
          partners: [],
          fields: ['verwerkingslog'],
          startTime: at,
          endTime: at,
        })),
      );
    }
  } catch {
    throw new KetenError('SERVICE_UNAVAILABLE', 'your lookup cannot be recorded right now, so nothing is shown; try again later');
  }
}

/** How many lookups the organisation's auditors made in a period (for the monthly report). */
export function countLookups(services: ChainServices, scope: AuditScope, period: Period) {
  return services.prisma.controle.count({ where: { organisationOin: scope.oin, at: { gte: period.from, lt: period.until } } });
}
