// The periodic report the Suwinet normenkader asks for, per organisation and month: how many
// employees processed how many clients' data, the refusals, the anomaly signals and how far each
// was followed up, and how many lookups the auditors themselves made. The chain state is a
// separate field (chain-state.ts), computed only when asked for.
import type { ChainServices } from '../services.js';
import { SIGNAL_KINDS, computeAnomalies } from './anomalies.js';
import { withFollowUp } from './follow-up.js';
import { employeeActivity } from './log-queries.js';
import { countLookups } from './lookups.js';
import type { Period } from './period.js';
import type { AuditScope } from './scope.js';

export async function monthlyReport(services: ChainServices, scope: AuditScope, period: Period & { month: string }) {
  const raw = <R>(sql: string, ...params: unknown[]) => services.prisma.$queryRawUnsafe<R[]>(sql, ...params);
  const [perEmployee, [clients], reasons, lookups, signals, org] = await Promise.all([
    employeeActivity(services, scope, period),
    raw<{ n: number }>(
      `SELECT count(DISTINCT subject_key)::int AS n FROM verwerking WHERE actor_oin = $1 AND start_time >= $2 AND start_time < $3 AND actor_role <> 'system'`,
      scope.oin, period.from, period.until,
    ),
    raw<{ naam: string; aantal: number }>(
      `SELECT reason AS naam, count(*)::int AS aantal FROM besluit WHERE actor_oin = $1 AND decision = 'deny' AND at >= $2 AND at < $3
        GROUP BY reason ORDER BY 2 DESC, 1`,
      scope.oin, period.from, period.until,
    ),
    countLookups(services, scope, period),
    computeAnomalies(services, scope, period).then((s) => withFollowUp(services, scope, period, s)),
    services.prisma.organisation.findUnique({ where: { oin: scope.oin } }),
  ]);
  const sum = (f: (e: (typeof perEmployee)[number]) => number) => perEmployee.reduce((n, e) => n + f(e), 0);
  return {
    maand: period.month,
    organisatie: { oin: scope.oin, naam: org?.name ?? scope.oin, soort: org?.kind ?? 'onbekend' },
    van: period.firstDay,
    tot: period.lastDay,
    medewerkers: perEmployee.length,
    raadplegingen: sum((e) => e.raadplegingen),
    verwerkingen: sum((e) => e.verwerkingen),
    klanten: clients?.n ?? 0,
    weigeringen: reasons.reduce((n, r) => n + r.aantal, 0),
    weigeringenPerReden: reasons,
    controles: lookups,
    signalen: signals,
    signalenPerSoort: SIGNAL_KINDS.map((k) => ({ naam: k, aantal: signals.filter((s) => s.soort === k).length })),
    signalenZonderOpvolging: signals.filter((s) => !s.opvolging).length,
    signalenAfgehandeld: signals.filter((s) => s.opvolging && s.opvolging.status !== 'in_onderzoek').length,
    perMedewerker: perEmployee,
  };
}
