// The auditor's inputs, checked once: a reason for looking, a page size, a page cursor, an employee
// id, a client (BSN or pseudonymous key). Each bad value is a BAD_USER_INPUT naming the field.
import { isValidBsn } from '../../lib/bsn.js';
import { badInput } from '../errors.js';
import { SUBJECT_KEY } from '../logs/subject-id.js';

export const REASON_MIN = 5;
export const REASON_MAX = 500;

/** The reason for a lookup: required, stored with the lookup. */
export function parseReason(value: unknown, field = 'reden'): string {
  const text = typeof value === 'string' ? value.trim().replace(/\s+/g, ' ') : '';
  if (text.length < REASON_MIN || text.length > REASON_MAX) {
    throw badInput(field, `say why you look this up, in ${REASON_MIN} to ${REASON_MAX} characters; it is stored with your lookup`);
  }
  return text;
}

export function parseCount(value: unknown, max = 200): number {
  const n = value === undefined || value === null ? 50 : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > max) throw badInput('aantal', `a whole number from 1 to ${max}`);
  return n;
}

export interface Cursor {
  at: Date;
  id: bigint;
}

/** Page cursors are opaque to callers: the time and id of the last row shown. */
export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.at.toISOString()}|${c.id}`).toString('base64url');
}

export function parseCursor(value: unknown): Cursor | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const m = typeof value === 'string' ? /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|(\d{1,19})$/.exec(Buffer.from(value, 'base64url').toString('utf8')) : null;
  const at = m ? new Date(m[1]!) : undefined;
  if (!m || !at || Number.isNaN(at.getTime())) throw badInput('na', 'a cursor from a previous page (volgende)');
  return { at, id: BigInt(m[2]!) };
}

export function parseEmployee(value: unknown): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > 200 || /[\u0000-\u001f]/.test(value)) {
    throw badInput('medewerker', 'the employee id as the logs name them (1 to 200 characters)');
  }
  return value.trim();
}

/** A client by BSN or by the pseudonymous key the logs and signals show: exactly one of them. */
export function parseClient(bsn: unknown, kenmerk: unknown): { bsn: string } | { key: string } {
  const hasBsn = typeof bsn === 'string' && bsn.length > 0;
  const hasKey = typeof kenmerk === 'string' && kenmerk.length > 0;
  if (hasBsn === hasKey) throw badInput('bsn', 'give either bsn or klantKenmerk');
  if (hasBsn) {
    const clean = (bsn as string).replace(/[\s.]/g, '');
    if (!isValidBsn(clean)) throw badInput('bsn', 'a BSN of nine digits that passes the elfproef');
    return { bsn: clean };
  }
  const key = (kenmerk as string).trim().toLowerCase();
  if (!SUBJECT_KEY.test(key)) throw badInput('klantKenmerk', 'the 64 hexadecimal characters the logs show');
  return { key };
}
