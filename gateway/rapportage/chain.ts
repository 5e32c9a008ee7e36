// The hash chain of a rapportage block. Each report's hash covers its own content and the hash of
// the block's previous report, so changing, removing or reordering a stored row breaks every link
// after it. The hash is computed over canonical JSON (keys sorted, no whitespace), so it does not
// depend on how PostgreSQL's jsonb happens to order keys when the row is read back.
import { createHash } from 'node:crypto';
import type { Db } from '../db/database.js';

/** Canonical JSON: object keys sorted, no whitespace, `undefined` members left out. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('canonical JSON has no NaN or Infinity');
    return JSON.stringify(value) ?? 'null';
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** The fields of a stored report that its hash covers. */
export interface ChainedRow {
  id: string;
  blokId: string;
  sequence: number;
  soort: string;
  correctsId: string | null;
  periodStart: Date;
  periodEnd: Date;
  body: unknown;
  prevHash: string | null;
  idempotencyKey: string;
  requestHash: string;
  consentId: string;
  authorSubject: string;
  createdAt: Date;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** Version 1 of the hashed content; a later version would add a new `v` and keep verifying old rows. */
export function hashRow(r: ChainedRow): string {
  return sha256(
    canonicalJson({
      v: 1,
      id: r.id,
      blokId: r.blokId,
      sequence: r.sequence,
      soort: r.soort,
      correctsId: r.correctsId,
      periodStart: day(r.periodStart),
      periodEnd: day(r.periodEnd),
      body: r.body,
      prevHash: r.prevHash,
      idempotencyKey: r.idempotencyKey,
      requestHash: r.requestHash,
      consentId: r.consentId,
      authorSubject: r.authorSubject,
      createdAt: r.createdAt.toISOString(),
    }),
  );
}

/** A break inside the rows: a row changed, removed from the middle, or reordered. */
export type RowBreak =
  | { reason: 'sequence-gap'; expected: number }
  | { reason: 'prev-hash-mismatch'; expected: string | null }
  | { reason: 'hash-mismatch'; expected: string };

/**
 * A break between the rows and what outside the rows says they should be (chain-anchor.ts): the
 * block's signed chain-head record, and the signed heads in receipts someone kept. The rapportage
 * named is the one the head or receipt names (it may be gone).
 */
export type AnchorBreak =
  /** Rows but no chain-head record. */
  | { reason: 'head-missing' }
  /** The head record's signature does not verify, or says something else than the record. */
  | { reason: 'head-forged' }
  /** The head names a later report than the last row: the newest report(s) were removed. */
  | { reason: 'rows-removed'; databaseSequence: number }
  /** Rows beyond the head: written past the gateway, or the head was set back. */
  | { reason: 'head-behind'; headSequence: number }
  /** The head's place holds another report than the head names. */
  | { reason: 'head-mismatch' }
  /** A head record or a receipt names this block, and it has no rows (or no longer exists). */
  | { reason: 'blok-removed'; namedBy: 'head' | 'receipt' }
  /** A receipt names a later report than the database has: restored from an older backup, or cut short. */
  | { reason: 'behind-receipt'; databaseSequence: number }
  /** A receipt's report is at its place, but with another id or hash: history rewritten. */
  | { reason: 'receipt-mismatch' };

export type ChainBreak = RowBreak | AnchorBreak;

export interface ChainResult {
  blokId: string;
  ok: boolean;
  rows: number;
  /** The hash of the last row: what an outside record of the block's state would keep. */
  head: string | null;
  /** Set by chain-anchor.ts: the block's signed head record verified and matched the rows. */
  anchored?: boolean;
  /** Set by chain-anchor.ts: how many signed receipts for this block were compared. */
  receipts?: number;
  /** The first row that does not verify, and why. */
  broken?: { rapportageId: string; sequence: number } & ChainBreak;
}

/** Checks rows of one block, in sequence order. Pure: the CLI and the tests share it. */
export function verifyRows(blokId: string, rows: (ChainedRow & { hash: string })[]): ChainResult {
  let prev: string | null = null;
  for (const [i, row] of rows.entries()) {
    const at = { rapportageId: row.id, sequence: row.sequence };
    if (row.sequence !== i + 1) return { blokId, ok: false, rows: rows.length, head: prev, broken: { ...at, reason: 'sequence-gap', expected: i + 1 } };
    if ((row.prevHash?.trim() ?? null) !== prev) {
      return { blokId, ok: false, rows: rows.length, head: prev, broken: { ...at, reason: 'prev-hash-mismatch', expected: prev } };
    }
    const expected = hashRow(row);
    if (expected !== row.hash.trim()) return { blokId, ok: false, rows: rows.length, head: prev, broken: { ...at, reason: 'hash-mismatch', expected } };
    prev = row.hash.trim();
  }
  return { blokId, ok: true, rows: rows.length, head: prev };
}

/** Reads a block from the database and verifies its chain. */
export async function verifyBlock(db: Db, blokId: string): Promise<ChainResult> {
  const rows = await db.rapportage.findMany({ where: { blokId }, orderBy: { sequence: 'asc' } });
  return verifyRows(blokId, rows);
}

/** Verifies every block (or the given ones); a block at a time, so memory stays bounded. */
export async function verifyBlocks(db: Db, blokIds?: string[]): Promise<ChainResult[]> {
  const ids = blokIds ?? (await db.rapportageBlok.findMany({ select: { id: true }, orderBy: { openedAt: 'asc' } })).map((b) => b.id);
  const results: ChainResult[] = [];
  for (const id of ids) results.push(await verifyBlock(db, id));
  return results;
}
