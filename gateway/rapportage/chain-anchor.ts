// Verifying rapportage blocks against what lies outside their rows. The hash chain alone (chain.ts)
// shows a changed or removed row in the middle, but not a history cut short at the end: remove the
// newest report, or the whole block, or restore an older backup, and what is left is a valid chain.
// Two anchors outside the rows catch that:
// - the block's signed chain-head record (keten_hoofd, written with every report): it names the
//   newest report, so removed newest rows and a removed block show, unless the record was set back
//   too, which needs the signing key (not in the database) or an older signed record;
// - the signed heads in receipts the RIB kept (or heads the client or gemeente noted): a database
//   restored from an older backup has an older, validly signed head record, but a receipt from
//   after the backup names a later report than it has.
// Only receipts whose signature verifies with this gateway's key count: a made-up receipt is
// reported as untrusted, never as evidence against the database.
import type { Db } from '../db/database.js';
import type { KetenHoofd } from '../db/generated/client.js';
import { verifyRows, type ChainBreak, type ChainResult } from './chain.js';
import { headOf, sameHead, signedHeadOfRecord, type ChainHead, type ChainHeadSigner } from './chain-head.js';

export interface UntrustedReceipt {
  /** Position in the receipts given (0-based). */
  index: number;
  why: string;
}

export interface AnchoredVerification {
  results: ChainResult[];
  /** Signed heads from the receipts that verified. */
  trustedReceipts: number;
  untrustedReceipts: UntrustedReceipt[];
}

/**
 * The signed heads in what a RIB, client or gemeente kept: receipts (with `ketenhoofd`), block
 * listings (with `ketenhoofd`) or heads themselves (with `handtekening`), as one JSON value, an
 * array of them, or JSON lines.
 */
export function parseReceipts(text: string): unknown[] {
  let values: unknown[];
  try {
    values = [JSON.parse(text)];
  } catch {
    values = text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown);
  }
  return values.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

function signatureOf(item: unknown): string | undefined {
  if (!item || typeof item !== 'object') return undefined;
  const o = item as { ketenhoofd?: { handtekening?: unknown } | null; handtekening?: unknown };
  const jws = o.ketenhoofd?.handtekening ?? o.handtekening;
  return typeof jws === 'string' ? jws : undefined;
}

async function trustedHeads(heads: ChainHeadSigner, receipts: unknown[]) {
  const trusted: ChainHead[] = [];
  const untrusted: UntrustedReceipt[] = [];
  for (const [index, item] of receipts.entries()) {
    const jws = signatureOf(item);
    if (!jws) {
      untrusted.push({ index, why: 'no signed chain head (ketenhoofd.handtekening)' });
      continue;
    }
    const head = await heads.verify(jws);
    if (!head) untrusted.push({ index, why: 'its chain head is not signed by this gateway (changed, made up, or another key)' });
    else trusted.push(head);
  }
  return { trusted, untrusted };
}

type Row = Awaited<ReturnType<Db['rapportage']['findMany']>>[number];

function broken(r: ChainResult, at: { rapportageId: string; sequence: number }, b: ChainBreak): ChainResult {
  return { ...r, ok: false, broken: { ...at, ...b } };
}

/** The head record against the rows, once the rows verify among themselves. */
async function checkRecord(heads: ChainHeadSigner, r: ChainResult, rows: Row[], record: KetenHoofd | null): Promise<ChainResult> {
  const last = rows.at(-1);
  if (!record) return last ? broken(r, { rapportageId: last.id, sequence: last.sequence }, { reason: 'head-missing' }) : r;
  const head = signedHeadOfRecord(record);
  const at = { rapportageId: head.rapportageId, sequence: head.volgnummer };
  const signed = await heads.verify(head.handtekening);
  if (!signed || !sameHead(signed, head)) return broken(r, at, { reason: 'head-forged' });
  if (!last) return broken(r, at, { reason: 'blok-removed', namedBy: 'head' });
  if (head.volgnummer > last.sequence) return broken(r, at, { reason: 'rows-removed', databaseSequence: last.sequence });
  if (head.volgnummer < last.sequence) {
    const next = rows[head.volgnummer]!;
    return broken(r, { rapportageId: next.id, sequence: next.sequence }, { reason: 'head-behind', headSequence: head.volgnummer });
  }
  if (last.id !== head.rapportageId || last.hash.trim() !== head.hash) return broken(r, at, { reason: 'head-mismatch' });
  return { ...r, anchored: true };
}

/** Signed heads someone kept, newest first, against the rows. */
function checkReceipts(r: ChainResult, rows: Row[], kept: ChainHead[]): ChainResult {
  const last = rows.at(-1);
  for (const h of [...kept].sort((a, b) => b.volgnummer - a.volgnummer)) {
    const at = { rapportageId: h.rapportageId, sequence: h.volgnummer };
    if (!last) return broken(r, at, { reason: 'blok-removed', namedBy: 'receipt' });
    if (h.volgnummer > last.sequence) return broken(r, at, { reason: 'behind-receipt', databaseSequence: last.sequence });
    const row = rows[h.volgnummer - 1]!;
    if (row.id !== h.rapportageId || row.hash.trim() !== h.hash) return broken(r, at, { reason: 'receipt-mismatch' });
  }
  return r;
}

/** Which blocks to check: those asked for, or every block the rows, head records and receipts name. */
async function blocksToCheck(db: Db, blokIds: string[] | undefined, kept: ChainHead[]): Promise<string[]> {
  if (blokIds) return blokIds;
  const [blocks, records] = await Promise.all([
    db.rapportageBlok.findMany({ select: { id: true }, orderBy: { openedAt: 'asc' } }),
    db.ketenHoofd.findMany({ select: { blokId: true }, orderBy: { signedAt: 'asc' } }),
  ]);
  return [...new Set([...blocks.map((b) => b.id), ...records.map((h) => h.blokId), ...kept.map((h) => h.blokId)])];
}

/**
 * Verifies each block's chain, then its head record, then the kept receipts; the first break is
 * named. A block at a time, so memory stays bounded.
 */
export async function verifyAnchoredChains(
  db: Db,
  heads: ChainHeadSigner,
  options: { blokIds?: string[]; receipts?: unknown[] } = {},
): Promise<AnchoredVerification> {
  const { trusted, untrusted } = await trustedHeads(heads, options.receipts ?? []);
  const results: ChainResult[] = [];
  for (const blokId of await blocksToCheck(db, options.blokIds, trusted)) {
    const [rows, record] = await Promise.all([
      db.rapportage.findMany({ where: { blokId }, orderBy: { sequence: 'asc' } }),
      db.ketenHoofd.findUnique({ where: { blokId } }),
    ]);
    const kept = trusted.filter((h) => h.blokId === blokId).map(headOf);
    let r: ChainResult = { ...verifyRows(blokId, rows), anchored: false, receipts: kept.length };
    if (r.ok) r = await checkRecord(heads, r, rows, record);
    if (r.ok) r = checkReceipts(r, rows, kept);
    results.push(r);
  }
  return { results, trustedReceipts: trusted.length, untrustedReceipts: untrusted };
}
