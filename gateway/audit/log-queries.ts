// The auditor's reads of the two logs. Every query takes an AuditScope and filters on its
// organisation and on a bounded time range, each served by an index (prisma/schema.prisma:
// verwerking (actor_oin, actor_subject, start_time) and (subject_key, start_time); besluit
// (actor_oin, decision, at) and (resource, at)), and pages by keyset (time, id), so a query reads
// one page of one organisation's rows however big the logs grow; with both tables partitioned by
// month (prisma/migrations/*_logboeken_per_maand), a period reads only its own months.
import type { Besluit, Prisma, Verwerking } from '../db/generated/client.js';
import type { ChainServices } from '../services.js';
import { subjectKeyBytes, subjectKeyHex } from '../logs/subject-id.js';
import { encodeCursor, type Cursor } from './input.js';
import type { Period } from './period.js';
import type { AuditScope } from './scope.js';
import { purposeWords, reasonWords } from './words.js';

/** Refusal lists inside a lookup are not paged; more than this says "narrow the period". */
export const MAX_REFUSALS = 200;

export function processingView(r: Verwerking, bsn?: string) {
  return {
    id: String(r.id),
    op: r.startTime.toISOString(),
    medewerker: r.actorSubject,
    rol: r.actorRole,
    handeling: r.name,
    doel: r.processingActivityId,
    doelOmschrijving: purposeWords(r.processingActivityId),
    soort: r.operation === 'write' ? 'schrijven' : 'lezen',
    uitkomst: r.statusCode === 'ERROR' ? 'deels mislukt' : 'gelukt',
    partners: r.partners,
    velden: r.fields,
    traceId: r.traceId,
    klantKenmerk: subjectKeyHex(r.subjectKey),
    bsn: bsn ?? null,
  };
}

export function refusalView(r: Besluit) {
  const klant = r.resource.startsWith('klant:') ? r.resource.slice('klant:'.length) : null;
  const traject = r.resource.startsWith('traject/') ? r.resource.slice('traject/'.length) : null;
  return {
    id: String(r.id),
    op: r.at.toISOString(),
    medewerker: r.actorSubject,
    rol: r.actorRole,
    organisatie: r.actorOin?.trim() ?? null,
    actie: r.action,
    object: r.resource,
    reden: r.reason,
    uitleg: reasonWords(r.reason),
    beleid: `${r.policyId}@${r.policyVersion}`,
    traceId: r.traceId,
    klantKenmerk: klant,
    trajectId: traject,
  };
}

const before = (field: 'startTime' | 'at', c: Cursor | undefined) =>
  c ? { OR: [{ [field]: { lt: c.at } }, { [field]: c.at, id: { lt: c.id } }] } : {};

export interface Page<T> {
  rows: T[];
  next: string | null;
}

function page<T extends { id: bigint }>(rows: T[], size: number, at: (r: T) => Date): Page<T> {
  const more = rows.length > size;
  const shown = more ? rows.slice(0, size) : rows;
  const last = shown.at(-1);
  return { rows: shown, next: more && last ? encodeCursor({ at: at(last), id: last.id }) : null };
}

const newestFirst = <F extends string>(field: F) => [{ [field]: 'desc' }, { id: 'desc' }] as { [k in F]: 'desc' }[];

/** One client's processings by the scope's organisation, newest first. */
export async function processingsOfClient(services: ChainServices, scope: AuditScope, subjectKey: string, period: Period, size: number, cursor?: Cursor) {
  const where: Prisma.VerwerkingWhereInput = {
    subjectKey: subjectKeyBytes(subjectKey),
    actorOin: scope.oin,
    startTime: { gte: period.from, lt: period.until },
    ...before('startTime', cursor),
  };
  const rows = await services.prisma.verwerking.findMany({ where, orderBy: newestFirst('startTime'), take: size + 1 });
  return page(rows, size, (r) => r.startTime);
}

/** One employee's processings for the scope's organisation, newest first. */
export async function processingsOfEmployee(services: ChainServices, scope: AuditScope, employee: string, period: Period, size: number, cursor?: Cursor) {
  const where: Prisma.VerwerkingWhereInput = {
    actorOin: scope.oin,
    actorSubject: employee,
    startTime: { gte: period.from, lt: period.until },
    ...before('startTime', cursor),
  };
  const rows = await services.prisma.verwerking.findMany({ where, orderBy: newestFirst('startTime'), take: size + 1 });
  return page(rows, size, (r) => r.startTime);
}

/** How much one employee did in the period: requests and different clients. */
export async function employeeTotals(services: ChainServices, scope: AuditScope, employee: string, period: Period) {
  const [row] = await services.prisma.$queryRawUnsafe<{ requests: number; clients: number }[]>(
    `SELECT count(DISTINCT trace_id)::int AS requests, count(DISTINCT subject_key)::int AS clients
       FROM verwerking WHERE actor_oin = $1 AND actor_subject = $2 AND start_time >= $3 AND start_time < $4`,
    scope.oin, employee, period.from, period.until,
  );
  return { requests: row?.requests ?? 0, clients: row?.clients ?? 0 };
}

/** Refusals of the scope's organisation's employees, newest first (optionally of one employee). */
export async function refusals(services: ChainServices, scope: AuditScope, period: Period, size: number, options: { employee?: string; cursor?: Cursor } = {}) {
  const where: Prisma.BesluitWhereInput = {
    actorOin: scope.oin,
    decision: 'deny',
    at: { gte: period.from, lt: period.until },
    ...(options.employee ? { actorSubject: options.employee } : {}),
    ...before('at', options.cursor),
  };
  const rows = await services.prisma.besluit.findMany({ where, orderBy: newestFirst('at'), take: size + 1 });
  return page(rows, size, (r) => r.at);
}

/**
 * Refusals about one client: those of the organisation's own employees (resource klant:<key>), and
 * those of anyone acting on the organisation's own trajectories of this client (resource
 * traject/<id>) — a re-integratiebureau works on the gemeente's trajectory, so its refused
 * attempts there are part of the gemeente's record of that client.
 */
export async function refusalsAboutClient(services: ChainServices, scope: AuditScope, subjectKey: string, trajectIds: string[], period: Period) {
  return services.prisma.besluit.findMany({
    where: {
      decision: 'deny',
      at: { gte: period.from, lt: period.until },
      OR: [
        { resource: `klant:${subjectKey}`, actorOin: scope.oin },
        ...(trajectIds.length ? [{ resource: { in: trajectIds.map((id) => `traject/${id}`) } }] : []),
      ],
    },
    orderBy: newestFirst('at'),
    take: MAX_REFUSALS,
  });
}

/** The organisation's trajectories of one client (for refusals on them). */
export async function trajectoriesOfClient(services: ChainServices, scope: AuditScope, bsn: string) {
  const rows = await services.prisma.traject.findMany({ where: { subjectBsn: bsn, gemeenteOin: scope.oin }, select: { id: true } });
  return rows.map((r) => r.id);
}

/** A client's BSN from the organisation's own processing rows about them, if there are any. */
export async function clientBehindKey(services: ChainServices, scope: AuditScope, subjectKey: string): Promise<string | undefined> {
  const row = await services.prisma.verwerking.findFirst({ where: { subjectKey: subjectKeyBytes(subjectKey), actorOin: scope.oin }, select: { subjectEncrypted: true } });
  return row ? services.revealSubject(row.subjectEncrypted) : undefined;
}

export interface EmployeeActivity {
  medewerker: string;
  rol: string;
  raadplegingen: number;
  klanten: number;
  verwerkingen: number;
  weigeringen: number;
}

/** Per employee of the organisation: requests, clients, processings and refusals in the period. */
export async function employeeActivity(services: ChainServices, scope: AuditScope, period: Period): Promise<EmployeeActivity[]> {
  const [done, refused] = await Promise.all([
    services.prisma.$queryRawUnsafe<{ who: string; role: string; requests: number; clients: number; rows: number }[]>(
      `SELECT actor_subject AS who, min(actor_role) AS role, count(DISTINCT trace_id)::int AS requests,
              count(DISTINCT subject_key)::int AS clients, count(*)::int AS rows
         FROM verwerking WHERE actor_oin = $1 AND start_time >= $2 AND start_time < $3 AND actor_role <> 'system'
        GROUP BY actor_subject`,
      scope.oin, period.from, period.until,
    ),
    services.prisma.$queryRawUnsafe<{ who: string; role: string; n: number }[]>(
      `SELECT actor_subject AS who, min(actor_role) AS role, count(*)::int AS n
         FROM besluit WHERE actor_oin = $1 AND decision = 'deny' AND at >= $2 AND at < $3 AND actor_subject IS NOT NULL
        GROUP BY actor_subject`,
      scope.oin, period.from, period.until,
    ),
  ]);
  const byWho = new Map<string, EmployeeActivity>();
  for (const d of done) byWho.set(d.who, { medewerker: d.who, rol: d.role, raadplegingen: d.requests, klanten: d.clients, verwerkingen: d.rows, weigeringen: 0 });
  for (const r of refused) {
    const e = byWho.get(r.who) ?? { medewerker: r.who, rol: r.role, raadplegingen: 0, klanten: 0, verwerkingen: 0, weigeringen: 0 };
    e.weigeringen = r.n;
    byWho.set(r.who, e);
  }
  return [...byWho.values()].sort((a, b) => a.medewerker.localeCompare(b.medewerker));
}
