// Periods for the auditor: Dutch calendar days (Europe/Amsterdam), as an auditor thinks of them,
// turned into the UTC instants the logs are indexed on. `tot` is the last day included, so the
// range is [start of van, start of the day after tot). A period is bounded so that no lookup can
// ask for the whole log at once.
import { badInput } from '../errors.js';

export const TZ = 'Europe/Amsterdam';
export const MAX_PERIOD_DAYS = 366;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;

export interface Period {
  from: Date;
  /** Exclusive. */
  until: Date;
  /** The days as given: first and last (included). */
  firstDay: string;
  lastDay: string;
}

const wall = new Intl.DateTimeFormat('en-CA', {
  timeZone: TZ, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});

/** Amsterdam's offset from UTC at `instant`, in ms. */
function offsetAt(instant: number): number {
  const p = Object.fromEntries(wall.formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
  return Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!) - Math.floor(instant / 1000) * 1000;
}

/** The instant Amsterdam's clocks show 00:00 on that calendar day. */
export function startOfDay(day: string): Date {
  const [, y, m, d] = DAY.exec(day)!.map(Number);
  const guess = Date.UTC(y!, m! - 1, d!);
  // Two rounds settle it, also on the days the clocks change (never at midnight here).
  const first = guess - offsetAt(guess);
  return new Date(guess - offsetAt(first));
}

/** The Amsterdam calendar day of an instant, YYYY-MM-DD. */
export function dayOf(instant: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

export function addDays(day: string, n: number): string {
  const [, y, m, d] = DAY.exec(day)!.map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + n)).toISOString().slice(0, 10);
}

function validDay(value: string): boolean {
  const m = DAY.exec(value);
  if (!m) return false;
  const date = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  return date.toISOString().slice(0, 10) === value && +m[1]! >= 2000;
}

export function parsePeriod(van: unknown, tot: unknown): Period {
  if (typeof van !== 'string' || !validDay(van)) throw badInput('van', 'a calendar day as YYYY-MM-DD');
  if (typeof tot !== 'string' || !validDay(tot)) throw badInput('tot', 'a calendar day as YYYY-MM-DD');
  if (tot < van) throw badInput('tot', 'must not be before van');
  const from = startOfDay(van);
  const until = startOfDay(addDays(tot, 1));
  if (until.getTime() - from.getTime() > (MAX_PERIOD_DAYS + 1) * 86_400_000) throw badInput('tot', `at most ${MAX_PERIOD_DAYS} days after van`);
  return { from, until, firstDay: van, lastDay: tot };
}

/** A month, YYYY-MM, as a period. */
export function parseMonth(maand: unknown): Period & { month: string } {
  const m = typeof maand === 'string' ? MONTH.exec(maand) : null;
  if (!m || +m[2]! < 1 || +m[2]! > 12 || +m[1]! < 2000) throw badInput('maand', 'a month as YYYY-MM');
  const first = `${m[1]}-${m[2]}-01`;
  const next = new Date(Date.UTC(+m[1]!, +m[2]!, 1)).toISOString().slice(0, 10);
  return { from: startOfDay(first), until: startOfDay(next), firstDay: first, lastDay: addDays(next, -1), month: maand as string };
}

/** Every calendar day of a period, in order. */
export function daysOf(p: Pick<Period, 'firstDay' | 'lastDay'>): string[] {
  const out: string[] = [];
  for (let d = p.firstDay; d <= p.lastDay; d = addDays(d, 1)) out.push(d);
  return out;
}
