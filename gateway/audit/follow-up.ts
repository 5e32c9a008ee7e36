// Follow-up of anomaly signals (opvolging): the auditor records each step, append-only; the newest
// step is the signal's state. A step can only be recorded for a signal that the organisation's own
// logs give (recomputed for the signal's day), so no follow-up points at nothing.
import { badInput, notFound } from '../errors.js';
import type { ChainServices } from '../services.js';
import type { SignaalOpvolging } from '../db/generated/client.js';
import { computeAnomalies, parseSignalId, type Anomaly } from './anomalies.js';
import { addDays, startOfDay, type Period } from './period.js';
import type { AuditScope } from './scope.js';

export const FOLLOW_UP_STATUSES = ['in_onderzoek', 'geen_misbruik', 'maatregel_genomen'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];
export const NOTE_MIN = 5;
export const NOTE_MAX = 2000;

export interface FollowUpInput {
  signalId: string;
  status: FollowUpStatus;
  note: string;
}

export function parseFollowUp(input: { signaalId?: unknown; status?: unknown; toelichting?: unknown }): FollowUpInput {
  const id = typeof input.signaalId === 'string' ? input.signaalId.trim() : '';
  if (!parseSignalId(id)) throw badInput('signaalId', 'the id of a signal as controleSignalen gives it');
  if (!FOLLOW_UP_STATUSES.includes(input.status as FollowUpStatus)) throw badInput('status', `one of ${FOLLOW_UP_STATUSES.join(', ')}`);
  const note = typeof input.toelichting === 'string' ? input.toelichting.trim() : '';
  if (note.length < NOTE_MIN || note.length > NOTE_MAX) throw badInput('toelichting', `what was done or found, in ${NOTE_MIN} to ${NOTE_MAX} characters`);
  return { signalId: id, status: input.status as FollowUpStatus, note };
}

export function followUpView(r: SignaalOpvolging) {
  return { signaalId: r.signaalId, status: r.status, toelichting: r.note, door: r.auditorSubject, op: r.at.toISOString() };
}

function dayPeriod(day: string): Period {
  return { from: startOfDay(day), until: startOfDay(addDays(day, 1)), firstDay: day, lastDay: day };
}

/** Finds the signal in the organisation's own logs, then appends the step. */
export async function recordFollowUp(services: ChainServices, scope: AuditScope, input: FollowUpInput) {
  const { day } = parseSignalId(input.signalId)!;
  const signal = (await computeAnomalies(services, scope, dayPeriod(day))).find((a) => a.id === input.signalId);
  if (!signal) throw notFound('signal');
  const row = await services.prisma.signaalOpvolging.create({
    data: {
      organisationOin: scope.oin,
      signaalId: signal.id,
      signaalDag: new Date(`${day}T00:00:00Z`),
      status: input.status,
      note: input.note,
      auditorSubject: scope.auditor.subject,
    },
  });
  return followUpView(row);
}

/** The signals with their follow-up steps (oldest first) and the newest as their state. */
export async function withFollowUp(services: ChainServices, scope: AuditScope, period: Period, signals: Anomaly[]) {
  const steps = signals.length
    ? await services.prisma.signaalOpvolging.findMany({
        where: {
          organisationOin: scope.oin,
          signaalDag: { gte: new Date(`${period.firstDay}T00:00:00Z`), lte: new Date(`${period.lastDay}T00:00:00Z`) },
        },
        orderBy: { id: 'asc' },
      })
    : [];
  const bySignal = new Map<string, ReturnType<typeof followUpView>[]>();
  for (const s of steps) {
    if (!bySignal.has(s.signaalId)) bySignal.set(s.signaalId, []);
    bySignal.get(s.signaalId)!.push(followUpView(s));
  }
  return signals.map((s) => {
    const list = bySignal.get(s.id) ?? [];
    return { ...s, opvolgingen: list, opvolging: list.at(-1) ?? null };
  });
}
