// Signals for "a benefit ended or changed": the gateway follows UWV's change feed and tells the
// gemeente whose caseload the client is on. Each change becomes one signal (the dedupe key names
// the benefit right and the moment of the change), so scanning the same window again, or on
// several instances at once, adds nothing. Only the gemeente's own caseload learns of a change.
import { signInternalToken } from '../graph/internal-token.js';
import { ACTIVITIES, type Actor } from '../logs/processing-log.js';
import { newTrace, traceHeaders, traceparentOf, withinTrace, type TraceContext } from '../logs/trace.js';
import type { ChainServices } from '../services.js';
import { dutchDay, type SignalKind } from './kinds.js';

export interface BenefitChange {
  bsn: string;
  uitkering: { id: string; soort: string; status: string; einddatum: string | null; laatstGewijzigdOp: string | null };
}

export interface ScanResult {
  changes: number;
  signals: number;
}

/** "New signals", told to every instance (open pages update by it: gateway/pages/shared/live-events.ts). Ids only. */
export const SIGNAL_CHANNEL = 'ketenpoort_signalering';
const IDS_PER_NOTIFY = 100;

const SOORT: Record<string, string> = { WW: 'WW-uitkering', WIA_WGA: 'WIA-uitkering (WGA)', WIA_IVA: 'WIA-uitkering (IVA)', WAJONG: 'Wajong-uitkering' };
const MEMBERSHIP_BATCH = 50;

async function ask<T>(services: ChainServices, url: string, subgraph: string, trace: TraceContext, systemOin: string | undefined, query: string, variables: object): Promise<T> {
  const token = await signInternalToken(services.keys, {
    issuer: services.config.publicUrl, subgraph, caller: undefined, systemOin, purpose: ACTIVITIES.signalering, traceparent: traceparentOf(trace),
  });
  const res = await withinTrace(trace, () => fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...traceHeaders(trace) },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(services.config.PARTNER_TIMEOUT_MS + 500),
  }));
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (!body.data || body.errors?.length) throw new Error(`${subgraph} could not answer the signal scan`);
  return body.data;
}

/** Which of these clients are on `gemeenteOin`'s caseload (one request per 50 clients). */
async function onCaseload(services: ChainServices, url: string, trace: TraceContext, gemeenteOin: string, bsns: string[]): Promise<Set<string>> {
  const members = new Set<string>();
  for (let i = 0; i < bsns.length; i += MEMBERSHIP_BATCH) {
    const batch = bsns.slice(i, i + MEMBERSHIP_BATCH);
    const vars = batch.map((_, j) => `$b${j}: ID!`).join(', ');
    const fields = batch.map((_, j) => `m${j}: caseloadLidmaatschap(bsn: $b${j}) { gemeenteOin }`).join(' ');
    const data = await ask<Record<string, unknown>>(services, url, 'gemeente', trace, gemeenteOin, `query(${vars}) { ${fields} }`, Object.fromEntries(batch.map((b, j) => [`b${j}`, b])));
    batch.forEach((bsn, j) => data[`m${j}`] != null && members.add(bsn));
  }
  return members;
}

function summary(c: BenefitChange): { kind: SignalKind; text: string } {
  const soort = SOORT[c.uitkering.soort] ?? 'uitkering';
  if (c.uitkering.status === 'BEEINDIGD') {
    return { kind: 'uitkering-beeindigd', text: c.uitkering.einddatum ? `${soort} beëindigd per ${dutchDay(c.uitkering.einddatum)}` : `${soort} beëindigd` };
  }
  return { kind: 'uitkering-gewijzigd', text: `${soort} gewijzigd` };
}

export async function scanBenefitChanges(
  services: ChainServices,
  urls: { uwv: string; gemeente: string },
  vanaf: Date,
): Promise<ScanResult> {
  const trace = newTrace();
  const since = vanaf.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const { uitkeringswijzigingen: changes } = await ask<{ uitkeringswijzigingen: BenefitChange[] }>(
    services, urls.uwv, 'uwv', trace, undefined,
    'query($v: String!) { uitkeringswijzigingen(vanaf: $v) { bsn uitkering { id soort status einddatum laatstGewijzigdOp } } }', { v: since },
  );
  if (changes.length === 0) return { changes: 0, signals: 0 };
  const gemeenten = await services.prisma.organisation.findMany({ where: { kind: 'gemeente' } });
  const bsns = [...new Set(changes.map((c) => c.bsn))];
  let signals = 0;
  for (const gemeente of gemeenten) {
    const members = await onCaseload(services, urls.gemeente, trace, gemeente.oin, bsns);
    const rows = changes
      .filter((c) => members.has(c.bsn))
      .map((c) => {
        const s = summary(c);
        return {
          organisationOin: gemeente.oin,
          dedupeKey: `uitkering:${gemeente.oin}:${c.uitkering.id}:${c.uitkering.laatstGewijzigdOp ?? c.uitkering.status}`,
          kind: s.kind,
          subjectBsn: c.bsn,
          summary: s.text,
        };
      });
    if (rows.length === 0) continue;
    const created = await services.prisma.signalering.createManyAndReturn({ data: rows, skipDuplicates: true, select: { id: true } });
    signals += created.length;
    for (let i = 0; i < created.length; i += IDS_PER_NOTIFY) {
      // Only a convenience for open pages (the signal is stored): a failed notify fails nothing.
      await services.db.notify(SIGNAL_CHANNEL, JSON.stringify({ ids: created.slice(i, i + IDS_PER_NOTIFY).map((c) => c.id) })).catch(() => {});
    }
    // Learning that a benefit changed is processing that client's data: the client can see it.
    const system: Actor = { role: 'system', subject: 'ketenpoort-signalering', name: 'Ketenpoort signalering', oin: gemeente.oin };
    await services.processingLog.record(
      trace,
      [...new Set(rows.map((r) => r.subjectBsn))].map((bsn) => ({
        name: 'uitkeringswijziging gesignaleerd', activity: 'signalering' as const, operation: 'read' as const,
        subjectBsn: bsn, caller: system, partners: ['uwv', 'gemeente'], fields: ['uitkeringen'], startTime: new Date(),
      })),
    );
  }
  return { changes: changes.length, signals };
}
