// An event pushed to someone (a GraphQL subscription event, a live page update) that carries
// personal data is a processing of that data, as a query answering the same would be: it goes into
// the data subject's processing log before it leaves, and an event that cannot be logged is not
// delivered (fail closed). Every push path calls `recordDelivery` and sends only once it resolved:
// gateway/rapportage/subscription.ts (graphql-ws) and gateway/pages/shared/live-stream.ts (SSE).
import type { Caller } from '../auth/caller.js';
import type { Activity, ProcessingLog } from './processing-log.js';
import type { TraceContext } from './trace.js';

/** What kind of news was pushed; each has its own words in the client's processing log. */
export type DeliveryKind = 'rapportage' | 'toestemming' | 'signalering';

/** The processing's name per kind (gateway/consent/plain-language.ts words them for the client). */
export const DELIVERY_NAMES: Record<DeliveryKind, string> = {
  rapportage: 'melding nieuwe rapportage',
  toestemming: 'melding toestemming gewijzigd',
  signalering: 'melding uitkeringswijziging',
};

const ACTIVITY: Record<DeliveryKind, Activity> = {
  rapportage: 'rapportageLezen',
  toestemming: 'toestemming',
  signalering: 'signalering',
};

export interface Delivery {
  kind: DeliveryKind;
  /** The person the event is about. */
  subjectBsn: string;
  /** The event's fields that reach the receiver. */
  fields: string[];
}

/** Resolves once the delivery is in the processing log; rejects when it could not be written. */
export function recordDelivery(log: ProcessingLog, trace: TraceContext, caller: Caller, d: Delivery): Promise<void> {
  const at = new Date();
  return log.record(trace, [
    { name: DELIVERY_NAMES[d.kind], activity: ACTIVITY[d.kind], operation: 'read', subjectBsn: d.subjectBsn, caller, partners: [], fields: d.fields, startTime: at, endTime: at },
  ]);
}
