// Input rules for consent requests and grants, checked before anything is written. Every refusal is
// a BAD_USER_INPUT naming the field, so a RIB's system (or the client's page) can say what to fix.
import { z } from 'zod';
import { badInput } from '../errors.js';
import { isScope, REQUIRED_SCOPE, SCOPES, type ConsentScope } from './scopes.js';

export const MAX_VALIDITY_MS = 365 * 24 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

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

/** An ISO 8601 date or date-time; a bare date means the end of that day (UTC). */
export function parseUntil(field: string, value: unknown): Date {
  if (typeof value !== 'string' || value.length > 40) throw badInput(field, 'must be an ISO 8601 date or date-time');
  const bareDate = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const d = new Date(bareDate ? `${value}T23:59:59.999Z` : value);
  if (Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value)) throw badInput(field, 'must be an ISO 8601 date or date-time');
  return d;
}

/** The last moment a trajectory runs: the end of its end date. */
export const trajectEnd = (endsOn: Date) => new Date(endsOn.getTime() + DAY_MS - 1);

/** Validity must lie in the future, within the trajectory, and within a year from now. */
export function checkValidity(field: string, until: Date, traject: { endsOn: Date }, now = new Date()): void {
  if (until.getTime() <= now.getTime()) throw badInput(field, 'must lie in the future');
  const end = trajectEnd(traject.endsOn);
  if (until.getTime() > end.getTime()) {
    throw badInput(field, `may not run past the end of the trajectory (${end.toISOString().slice(0, 10)})`);
  }
  if (until.getTime() - now.getTime() > MAX_VALIDITY_MS) throw badInput(field, 'may not run longer than a year');
}

export function parseReason(field: string, value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.length > 500) throw badInput(field, 'must be text of at most 500 characters');
  return value;
}
