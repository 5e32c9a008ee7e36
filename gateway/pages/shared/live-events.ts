// What open pages hear about: a new report, a consent request or change, a benefit-change signal.
// One hub per gateway instance LISTENs on the channels the writers NOTIFY on when their change
// commits (rapportage/events.ts, consent/events.ts, signals/benefit-changes.ts), so a change made
// through any instance reaches pages open on every instance. A notification names ids only; the
// hub reads whom the change is about, which gemeente holds the trajectory and which bureau it
// concerns, once per event, for the streams' access rules (live-stream.ts).
import type { FastifyBaseLogger } from 'fastify';
import { CONSENT_CHANGE_CHANNEL } from '../../consent/events.js';
import type { DeliveryKind } from '../../logs/event-delivery.js';
import { parseEvent, RAPPORTAGE_CHANNEL } from '../../rapportage/events.js';
import { createTrajectLookup } from '../../rapportage/traject-lookup.js';
import type { ChainServices } from '../../services.js';
import { SIGNAL_CHANNEL } from '../../signals/benefit-changes.js';
import { SIGNAL_WORDS, type SignalKind } from '../../signals/kinds.js';

export interface LiveEvent {
  kind: DeliveryKind;
  /** Whom it is about (never sent to a browser). */
  subjectBsn: string;
  /** The gemeente whose caseload the client is on. */
  gemeenteOin: string;
  /** The bureau it concerns (reports and consents), if any. */
  ribOin?: string;
  trajectId?: string;
  /** What happened, in words for a status line ("Nieuwe rapportage"). No names, no content. */
  tekst: string;
}

export interface LiveEvents {
  /** `fn` hears every event; returns the function that stops it. */
  subscribe(fn: (event: LiveEvent) => void): () => void;
  close(): Promise<void>;
}

const REPORT_WORDS: Record<string, string> = { voortgangsrapportage: 'Nieuwe voortgangsrapportage', eindrapportage: 'Nieuwe eindrapportage' };
const CONSENT_WORDS: Record<string, string> = {
  requested: 'Nieuwe vraag om toestemming',
  withdrawn: 'Vraag om toestemming ingetrokken',
  approved: 'Toestemming gegeven',
  granted: 'Toestemming gegeven',
  rejected: 'Vraag om toestemming afgewezen',
  revoked: 'Toestemming ingetrokken',
  relinquished: 'Toestemming teruggegeven',
  expired: 'Toestemming verlopen',
  ended: 'Toestemming gestopt',
};

interface ConsentChange {
  type: string;
  consentId: string | null;
  requestId: string | null;
}

function parse<T>(payload: string): T | undefined {
  try {
    return JSON.parse(payload) as T;
  } catch {
    return undefined;
  }
}

export async function startLiveEvents(services: ChainServices, log: FastifyBaseLogger): Promise<LiveEvents> {
  const listeners = new Set<(event: LiveEvent) => void>();
  const traject = createTrajectLookup(services.prisma);
  const emit = (event: LiveEvent) => {
    for (const l of [...listeners]) l(event);
  };
  // Reading an event's facts is a database read; one that fails loses that page update only.
  // One at a time, so events are passed on in the order the changes committed.
  let order = Promise.resolve();
  const handle = (what: string, work: () => Promise<LiveEvent[]>) => () => {
    order = order.then(() =>
      work()
        .then((events) => events.forEach(emit))
        .catch((err) => log.warn({ err: (err as Error).message, channel: what }, 'live event not passed on')),
    );
  };

  async function report(payload: string): Promise<LiveEvent[]> {
    const e = parseEvent(payload);
    const t = e && (await traject(e.trajectId));
    if (!e || !t) return [];
    return [{ kind: 'rapportage', subjectBsn: t.subjectBsn, gemeenteOin: t.gemeenteOin, ribOin: e.ribOin, trajectId: e.trajectId, tekst: REPORT_WORDS[e.soort] ?? 'Nieuwe rapportage' }];
  }

  async function consent(payload: string): Promise<LiveEvent[]> {
    const c = parse<ConsentChange>(payload);
    if (!c) return [];
    const where = { select: { trajectId: true, granteeOin: true } } as const;
    const row = c.consentId
      ? await services.prisma.consent.findUnique({ where: { id: c.consentId }, ...where })
      : c.requestId
        ? await services.prisma.consentRequest.findUnique({ where: { id: c.requestId }, ...where })
        : null;
    const t = row && (await traject(row.trajectId));
    if (!row || !t) return [];
    return [{ kind: 'toestemming', subjectBsn: t.subjectBsn, gemeenteOin: t.gemeenteOin, ribOin: row.granteeOin.trim(), trajectId: row.trajectId, tekst: CONSENT_WORDS[c.type] ?? 'Toestemming gewijzigd' }];
  }

  async function signal(payload: string): Promise<LiveEvent[]> {
    const ids = parse<{ ids?: unknown }>(payload)?.ids;
    if (!Array.isArray(ids) || ids.length === 0) return [];
    const rows = await services.prisma.signalering.findMany({ where: { id: { in: ids.filter((i): i is string => typeof i === 'string') } } });
    return rows.flatMap((r) =>
      r.subjectBsn
        ? [{ kind: 'signalering' as const, subjectBsn: r.subjectBsn.trim(), gemeenteOin: r.organisationOin.trim(), ...(r.trajectId ? { trajectId: r.trajectId } : {}), tekst: SIGNAL_WORDS[r.kind as SignalKind] ?? 'Nieuw signaal' }]
        : [],
    );
  }

  const stops = await Promise.all([
    services.db.listen(RAPPORTAGE_CHANNEL, (p) => handle('rapportage', () => report(p))()),
    services.db.listen(CONSENT_CHANGE_CHANNEL, (p) => handle('toestemming', () => consent(p))()),
    services.db.listen(SIGNAL_CHANNEL, (p) => handle('signalering', () => signal(p))()),
  ]);
  return {
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    async close() {
      listeners.clear();
      await Promise.all(stops.map((stop) => stop()));
    },
  };
}
