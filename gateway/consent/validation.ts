// Input rules for consent requests and grants, checked before anything is written. Every refusal is
// a BAD_USER_INPUT naming the field, so a RIB's system (or the client's page) can say what to fix.
import { z } from 'zod';
import { badInput } from '../errors.js';
import { addDays, dutchDay, fromDateColumn, isDutchDay, type DutchDay } from '../../lib/dutch-day.js';
import { isScope, REQUIRED_SCOPE, SCOPES, type ConsentScope } from './scopes.js';

/** A consent covers at most this many calendar days, today included. */
export const MAX_VALIDITY_DAYS = 365;

const uuid = z.uuid();

export function parseId(field: string, value: unknown): string {
  const parsed = uuid.safeParse(value);
  if (!parsed.success) throw badInput(field, 'must be an id (uuid)');
  return parsed.data.toLowerCase();
}

export function parseOin(field: string, value: unknown): string {
  if (typeof value !== 'string' || !/^\d{20}$/.test(value)) throw badInput(field, 'must be an OIN of 20 digits');
  return value;
}

/** Known, distinct scopes that include writing the rapportage block. */
export function parseScopes(field: string, value: unknown): ConsentScope[] {
  if (!Array.isArray(value) || value.length === 0) throw badInput(field, 'name at least one scope');
  const scopes = new Set<ConsentScope>();
  for (const s of value) {
    if (typeof s !== 'string' || !isScope(s)) {
      throw badInput(field, `unknown scope ${JSON.stringify(String(s)).slice(0, 60)}; known: ${Object.keys(SCOPES).join(', ')}`);
    }
    scopes.add(s);
  }
  if (!scopes.has(REQUIRED_SCOPE)) throw badInput(field, `a consent for a trajectory always includes ${REQUIRED_SCOPE}`);
  return [...scopes].sort();
}

/**
 * The last day a consent holds: a calendar day, yyyy-mm-dd, which it holds up to and including
 * (until 00:00 of the next day, Dutch time). A date-time is refused rather than rounded: a person
 * consents to a period of days, and a moment in it would be shown as a day anyway.
 */
export function parseLastDay(field: string, value: unknown): DutchDay {
  if (!isDutchDay(value)) throw badInput(field, 'must be a date (YYYY-MM-DD): the last day, which counts in full (Dutch time)');
  return value;
}

/** A trajectory's last day, from its DATE column. */
export const trajectLastDay = (endsOn: Date): DutchDay => fromDateColumn(endsOn);

/** The last day a consent may have: the trajectory's last day, at most a year from today. */
export function latestLastDay(traject: { endsOn: Date }, now = new Date()): DutchDay {
  const end = trajectLastDay(traject.endsOn);
  const yearOn = addDays(dutchDay(now), MAX_VALIDITY_DAYS - 1);
  return end < yearOn ? end : yearOn;
}

/** The last day must be today or later (Dutch time), within the trajectory, and within a year. */
export function checkValidity(field: string, lastDay: DutchDay, traject: { endsOn: Date }, now = new Date()): void {
  if (lastDay < dutchDay(now)) throw badInput(field, 'must be today or later');
  const end = trajectLastDay(traject.endsOn);
  if (lastDay > end) throw badInput(field, `may not run past the end of the trajectory (${end})`);
  if (lastDay > addDays(dutchDay(now), MAX_VALIDITY_DAYS - 1)) throw badInput(field, 'may not run longer than a year');
}

export function parseReason(field: string, value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.length > 500) throw badInput(field, 'must be text of at most 500 characters');
  return value;
}
