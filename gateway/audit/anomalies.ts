// Anomaly signals, computed from the two logs of one organisation over a period, each explained in
// plain Dutch. Five kinds, after what the Suwinet normenkader asks an organisation to watch for:
//   volume            far more clients in a day than the employee's own usual (median of the days
//                     they worked in the AUDIT_VOLUME_BASELINE_DAYS before)
//   buiten_caseload   clients outside the organisation's caseload tried (refusals not-on-caseload)
//   weigeringen       many refusals within a few minutes
//   buiten_werktijd   consultations outside working hours (AUDIT_WORKING_HOURS / _DAYS)
//   veel_medewerkers  one client consulted by many employees within a few hours
// A signal's id is derived from what it is about (kind, day, who), so the same logs always give the
// same signals and a follow-up (follow-up.ts) can name one. Every query is bounded by the
// organisation and the period (plus the look-back or look-ahead a kind needs) and aggregates in the
// database; only per-employee-per-day counts come back.
import { createHash } from 'node:crypto';
import type { Config } from '../config.js';
import { formatDate } from '../consent/plain-language.js';
import { ACTIVITIES } from '../logs/processing-log.js';
import type { ChainServices } from '../services.js';
import { TZ, addDays, dayOf, startOfDay, type Period } from './period.js';
import type { AuditScope } from './scope.js';

export const SIGNAL_KINDS = ['volume', 'buiten_caseload', 'weigeringen', 'buiten_werktijd', 'veel_medewerkers'] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

/** Fewer days of history than this, and an employee has no "usual" yet: no volume signal. */
export const MIN_BASELINE_DAYS = 5;

export interface Anomaly {
  id: string;
  soort: SignalKind;
  dag: string;
  medewerker: string | null;
  klantKenmerk: string | null;
  waarde: number;
  drempel: number;
  van: string;
  tot: string;
  uitleg: string;
}

export interface Thresholds {
  volumeFactor: number;
  volumeMinClients: number;
  baselineDays: number;
  outsideCaseloadMin: number;
  burstCount: number;
  burstMinutes: number;
  workingTime: Config['workingTime'];
  workingHours: string;
  workingDays: string;
  outsideHoursMin: number;
  sharedEmployees: number;
  sharedHours: number;
}

export function thresholdsOf(c: Readonly<Config>): Thresholds {
  return {
    volumeFactor: c.AUDIT_VOLUME_FACTOR,
    volumeMinClients: c.AUDIT_VOLUME_MIN_CLIENTS,
    baselineDays: c.AUDIT_VOLUME_BASELINE_DAYS,
    outsideCaseloadMin: c.AUDIT_OUTSIDE_CASELOAD_MIN,
    burstCount: c.AUDIT_REFUSAL_BURST_COUNT,
    burstMinutes: c.AUDIT_REFUSAL_BURST_MINUTES,
    workingTime: c.workingTime,
    workingHours: c.AUDIT_WORKING_HOURS,
    workingDays: c.AUDIT_WORKING_DAYS,
    outsideHoursMin: c.AUDIT_OUTSIDE_HOURS_MIN,
    sharedEmployees: c.AUDIT_SHARED_CLIENT_EMPLOYEES,
    sharedHours: c.AUDIT_SHARED_CLIENT_HOURS,
  };
}

const time = new Intl.DateTimeFormat('nl-NL', { hour: '2-digit', minute: '2-digit', timeZone: TZ });
const hhmm = (d: Date) => time.format(d);
const dayWords = (day: string) => formatDate(startOfDay(day));
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function signalId(oin: string, kind: SignalKind, day: string, about: string): string {
  const h = createHash('sha256').update(`${oin}|${kind}|${day}|${about}`).digest('hex').slice(0, 20);
  return `${kind}.${day}.${h}`;
}

/** The day a signal id is about (for follow-up), or undefined when the id is not one of ours. */
export function parseSignalId(id: string): { kind: SignalKind; day: string } | undefined {
  const m = /^([a-z_]+)\.(\d{4}-\d{2}-\d{2})\.[0-9a-f]{20}$/.exec(id);
  if (!m || !SIGNAL_KINDS.includes(m[1] as SignalKind)) return undefined;
  return { kind: m[1] as SignalKind, day: m[2]! };
}

// Listing the caseload shows every client of the organisation to every klantmanager, and an
// auditor's own lookups show clients on purpose: neither counts as "consulting" a client here.
const NOT_CONSULTING = [ACTIVITIES.caseload, ACTIVITIES.controle];
const LOCAL = `(start_time AT TIME ZONE '${TZ}')`;
const LOCAL_DAY = (col: string) => `to_char((${col} AT TIME ZONE '${TZ}')::date, 'YYYY-MM-DD')`;

type Raw = <R>(sql: string, ...params: unknown[]) => Promise<R[]>;

async function volume(raw: Raw, oin: string, p: Period, t: Thresholds): Promise<Anomaly[]> {
  const from = startOfDay(addDays(p.firstDay, -t.baselineDays));
  const rows = await raw<{ who: string; day: string; n: number; first: Date; last: Date }>(
    `SELECT actor_subject AS who, ${LOCAL_DAY('start_time')} AS day, count(DISTINCT subject_key)::int AS n,
            min(start_time) AS first, max(start_time) AS last
       FROM verwerking
      WHERE actor_oin = $1 AND start_time >= $2 AND start_time < $3 AND actor_role <> 'system'
        AND processing_activity_id <> ALL($4::text[])
      GROUP BY 1, 2`,
    oin, from, p.until, NOT_CONSULTING,
  );
  const byWho = new Map<string, Map<string, (typeof rows)[number]>>();
  for (const r of rows) {
    if (!byWho.has(r.who)) byWho.set(r.who, new Map());
    byWho.get(r.who)!.set(r.day, r);
  }
  const out: Anomaly[] = [];
  for (const [who, days] of byWho) {
    for (const [day, r] of days) {
      if (day < p.firstDay || day > p.lastDay || r.n < t.volumeMinClients) continue;
      const history: number[] = [];
      for (let i = 1; i <= t.baselineDays; i++) {
        const h = days.get(addDays(day, -i));
        if (h) history.push(h.n);
      }
      if (history.length < MIN_BASELINE_DAYS) continue;
      history.sort((a, b) => a - b);
      const mid = history.length >> 1;
      const usual = history.length % 2 ? history[mid]! : (history[mid - 1]! + history[mid]!) / 2;
      const limit = Math.max(t.volumeMinClients, t.volumeFactor * usual);
      if (r.n < limit) continue;
      const times = Math.round((r.n / Math.max(usual, 1)) * 10) / 10;
      out.push({
        id: signalId(oin, 'volume', day, who),
        soort: 'volume',
        dag: day,
        medewerker: who,
        klantKenmerk: null,
        waarde: r.n,
        drempel: Math.ceil(limit),
        van: new Date(r.first).toISOString(),
        tot: new Date(r.last).toISOString(),
        uitleg:
          `${who} bekeek op ${dayWords(day)} de gegevens van ${plural(r.n, 'cliënt', 'cliënten')}. ` +
          `Gewoonlijk zijn dat er ${usual} per werkdag (de middelste waarde van de ${plural(history.length, 'dag', 'dagen')} ` +
          `waarop deze medewerker in de ${t.baselineDays} dagen ervoor werkte). Dat is ${times} keer zoveel; ` +
          `een signaal komt bij ${t.volumeFactor} keer het gewone aantal en minstens ${t.volumeMinClients} cliënten.`,
      });
    }
  }
  return out;
}

async function outsideCaseload(raw: Raw, oin: string, p: Period, t: Thresholds): Promise<Anomaly[]> {
  const rows = await raw<{ who: string; day: string; n: number; first: Date; last: Date }>(
    `SELECT actor_subject AS who, ${LOCAL_DAY('at')} AS day, count(DISTINCT resource)::int AS n, min(at) AS first, max(at) AS last
       FROM besluit
      WHERE actor_oin = $1 AND decision = 'deny' AND at >= $2 AND at < $3 AND reason = 'not-on-caseload' AND actor_subject IS NOT NULL
      GROUP BY 1, 2
     HAVING count(DISTINCT resource) >= $4`,
    oin, p.from, p.until, t.outsideCaseloadMin,
  );
  return rows.map((r) => ({
    id: signalId(oin, 'buiten_caseload', r.day, r.who),
    soort: 'buiten_caseload' as const,
    dag: r.day,
    medewerker: r.who,
    klantKenmerk: null,
    waarde: r.n,
    drempel: t.outsideCaseloadMin,
    van: new Date(r.first).toISOString(),
    tot: new Date(r.last).toISOString(),
    uitleg:
      `${r.who} probeerde op ${dayWords(r.day)} tussen ${hhmm(new Date(r.first))} en ${hhmm(new Date(r.last))} de gegevens te openen van ` +
      `${plural(r.n, 'cliënt', 'cliënten')} die niet in de caseload van uw organisatie ${r.n === 1 ? 'staat' : 'staan'} (of van een BSN dat niet bestaat). ` +
      `Ketenpoort weigerde dat. Een signaal komt vanaf ${plural(t.outsideCaseloadMin, 'cliënt', 'cliënten')} buiten de caseload op één dag.`,
  }));
}

async function refusalBursts(raw: Raw, oin: string, p: Period, t: Thresholds): Promise<Anomaly[]> {
  // A sliding window per employee: for each refusal, how many of theirs fell in the minutes before.
  const rows = await raw<{ who: string; day: string; n: number; peak: Date; first: Date }>(
    `SELECT who, day, max(n)::int AS n, (array_agg(at ORDER BY n DESC, at))[1] AS peak, min(at) AS first
       FROM (SELECT actor_subject AS who, ${LOCAL_DAY('at')} AS day, at,
                    count(*) OVER (PARTITION BY actor_subject ORDER BY at RANGE BETWEEN interval '${t.burstMinutes} minutes' PRECEDING AND CURRENT ROW) AS n
               FROM besluit
              WHERE actor_oin = $1 AND decision = 'deny' AND at >= $2 AND at < $3 AND actor_subject IS NOT NULL) w
      GROUP BY who, day
     HAVING max(n) >= $4`,
    oin, p.from, p.until, t.burstCount,
  );
  return rows.map((r) => ({
    id: signalId(oin, 'weigeringen', r.day, r.who),
    soort: 'weigeringen' as const,
    dag: r.day,
    medewerker: r.who,
    klantKenmerk: null,
    waarde: r.n,
    drempel: t.burstCount,
    van: new Date(r.first).toISOString(),
    tot: new Date(r.peak).toISOString(),
    uitleg:
      `${r.who} kreeg op ${dayWords(r.day)} ${plural(r.n, 'weigering', 'weigeringen')} binnen ${t.burstMinutes} minuten (tot ${hhmm(new Date(r.peak))}). ` +
      `Zoveel weigeringen kort na elkaar kunnen betekenen dat iemand zoekt naar gegevens waar hij of zij niet bij mag. ` +
      `Een signaal komt vanaf ${t.burstCount} weigeringen binnen ${t.burstMinutes} minuten.`,
  }));
}

async function outsideHours(raw: Raw, oin: string, p: Period, t: Thresholds): Promise<Anomaly[]> {
  const w = t.workingTime;
  const minute = `(extract(hour from ${LOCAL}) * 60 + extract(minute from ${LOCAL}))`;
  // The working days and hours are validated numbers from the configuration (config.ts).
  const rows = await raw<{ who: string; day: string; n: number; clients: number; first: Date; last: Date }>(
    `SELECT actor_subject AS who, ${LOCAL_DAY('start_time')} AS day, count(DISTINCT trace_id)::int AS n,
            count(DISTINCT subject_key)::int AS clients, min(start_time) AS first, max(start_time) AS last
       FROM verwerking
      WHERE actor_oin = $1 AND start_time >= $2 AND start_time < $3 AND actor_role <> 'system'
        AND NOT (extract(isodow from ${LOCAL})::int IN (${w.days.map(Number).join(',')})
                 AND ${minute} >= ${Number(w.fromMinute)} AND ${minute} < ${Number(w.untilMinute)})
      GROUP BY 1, 2
     HAVING count(DISTINCT trace_id) >= $4`,
    oin, p.from, p.until, t.outsideHoursMin,
  );
  return rows.map((r) => ({
    id: signalId(oin, 'buiten_werktijd', r.day, r.who),
    soort: 'buiten_werktijd' as const,
    dag: r.day,
    medewerker: r.who,
    klantKenmerk: null,
    waarde: r.n,
    drempel: t.outsideHoursMin,
    van: new Date(r.first).toISOString(),
    tot: new Date(r.last).toISOString(),
    uitleg:
      `${r.who} raadpleegde op ${dayWords(r.day)} ${r.n === 1 ? `om ${hhmm(new Date(r.first))}` : `${r.n} keer tussen ${hhmm(new Date(r.first))} en ${hhmm(new Date(r.last))}`} ` +
      `gegevens van ${plural(r.clients, 'cliënt', 'cliënten')} buiten werktijd (werktijd is ${t.workingDays} ${t.workingHours}). ` +
      `Een signaal komt vanaf ${t.outsideHoursMin} ${t.outsideHoursMin === 1 ? 'raadpleging' : 'raadplegingen'} buiten werktijd op één dag.`,
  }));
}

async function sharedClients(raw: Raw, oin: string, p: Period, t: Thresholds): Promise<Anomaly[]> {
  const windowMs = t.sharedHours * 3600_000;
  const until = new Date(p.until.getTime() + windowMs);
  // First the few clients with enough different employees at all, then only their rows (the first
  // consultation per employee per hour is enough to place a window).
  const events = await raw<{ subject: string; who: string; at: Date }>(
    `WITH candidates AS (
       SELECT subject_key FROM verwerking
        WHERE actor_oin = $1 AND start_time >= $2 AND start_time < $3 AND actor_role <> 'system'
          AND processing_activity_id <> ALL($4::text[])
        GROUP BY subject_key HAVING count(DISTINCT actor_subject) >= $5)
     SELECT encode(v.subject_key, 'hex') AS subject, v.actor_subject AS who, min(v.start_time) AS at
       FROM verwerking v JOIN candidates c ON c.subject_key = v.subject_key
      WHERE v.actor_oin = $1 AND v.start_time >= $2 AND v.start_time < $3 AND v.actor_role <> 'system'
        AND v.processing_activity_id <> ALL($4::text[])
      GROUP BY v.subject_key, v.actor_subject, date_trunc('hour', v.start_time)
      ORDER BY v.subject_key, 3`,
    oin, p.from, until, NOT_CONSULTING, t.sharedEmployees,
  );
  const bySubject = new Map<string, { who: string; at: number }[]>();
  for (const e of events) {
    if (!bySubject.has(e.subject)) bySubject.set(e.subject, []);
    bySubject.get(e.subject)!.push({ who: e.who, at: new Date(e.at).getTime() });
  }
  const out: Anomaly[] = [];
  for (const [subject, list] of bySubject) {
    let i = 0;
    while (i < list.length) {
      const start = list[i]!.at;
      if (start >= p.until.getTime()) break;
      const who = new Set<string>();
      let end = start;
      for (let j = i; j < list.length && list[j]!.at <= start + windowMs; j++) {
        who.add(list[j]!.who);
        end = list[j]!.at;
      }
      if (who.size < t.sharedEmployees) {
        i++;
        continue;
      }
      const day = dayOf(new Date(start));
      const names = [...who].sort();
      out.push({
        id: signalId(oin, 'veel_medewerkers', day, `${subject}|${new Date(start).toISOString()}`),
        soort: 'veel_medewerkers',
        dag: day,
        medewerker: null,
        klantKenmerk: subject,
        waarde: who.size,
        drempel: t.sharedEmployees,
        van: new Date(start).toISOString(),
        tot: new Date(end).toISOString(),
        uitleg:
          `De gegevens van cliënt ${subject.slice(0, 12)}… werden vanaf ${dayWords(day)} ${hhmm(new Date(start))} binnen ${plural(t.sharedHours, 'uur', 'uur')} ` +
          `door ${who.size} verschillende medewerkers bekeken (${names.join(', ')}). Meestal helpt één klantmanager een cliënt; ` +
          `zoveel collega's kort na elkaar kan nieuwsgierigheid zijn, bijvoorbeeld naar een bekende inwoner. ` +
          `Een signaal komt vanaf ${t.sharedEmployees} medewerkers binnen ${plural(t.sharedHours, 'uur', 'uur')}.`,
      });
      // The next signal for this client starts after this window.
      while (i < list.length && list[i]!.at <= start + windowMs) i++;
    }
  }
  return out;
}

/** Every signal of the scope's organisation whose day lies in the period, ordered by day and kind. */
export async function computeAnomalies(services: ChainServices, scope: AuditScope, period: Period): Promise<Anomaly[]> {
  const t = thresholdsOf(services.config);
  const raw: Raw = (sql, ...params) => services.prisma.$queryRawUnsafe(sql, ...params);
  const oin = scope.oin;
  const all = (
    await Promise.all([volume(raw, oin, period, t), outsideCaseload(raw, oin, period, t), refusalBursts(raw, oin, period, t), outsideHours(raw, oin, period, t), sharedClients(raw, oin, period, t)])
  ).flat();
  return all.sort((a, b) => a.dag.localeCompare(b.dag) || SIGNAL_KINDS.indexOf(a.soort) - SIGNAL_KINDS.indexOf(b.soort) || a.id.localeCompare(b.id));
}
