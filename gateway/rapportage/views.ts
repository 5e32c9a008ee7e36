// How stored reports look to callers: the receipt a RIB keeps, and the report with its version
// history. No view carries a BSN; the client is named by trajectory only.
import type { Bijlage, Rapportage } from '../db/generated/client.js';
import type { SignedChainHead } from './chain-head.js';

const day = (d: Date) => d.toISOString().slice(0, 10);

type ReportRow = Pick<Rapportage, 'id' | 'blokId' | 'sequence' | 'soort' | 'correctsId' | 'idempotencyKey' | 'hash' | 'prevHash' | 'createdAt'>;

/**
 * What a RIB gets back for a stored report: enough to prove later what was delivered, and when,
 * and the block's chain head that report made, signed by the gateway. Kept by the RIB, these are
 * what `ketenpoort verify-chain --receipts` holds a database against.
 */
export function receiptOf(r: ReportRow, trajectId: string, ketenhoofd: SignedChainHead) {
  return { ...reportFieldsOf(r, trajectId), ketenhoofd };
}

/** A stored report's place in its block and chain (a receipt without the signed head). */
function reportFieldsOf(r: ReportRow, trajectId: string) {
  return {
    rapportageId: r.id,
    trajectId,
    blokId: r.blokId,
    volgnummer: r.sequence,
    soort: r.soort,
    corrigeert: r.correctsId,
    idempotencyKey: r.idempotencyKey,
    hash: r.hash.trim(),
    vorigeHash: r.prevHash?.trim() ?? null,
    ontvangenOp: r.createdAt.toISOString(),
  };
}

export type Receipt = ReturnType<typeof receiptOf>;

export function attachmentReceiptOf(b: Omit<Bijlage, 'content'>, trajectId: string) {
  return {
    bijlageId: b.id,
    trajectId,
    blokId: b.blokId,
    bestandsnaam: b.fileName,
    contentType: b.contentType,
    grootte: b.size,
    sha256: b.sha256.trim(),
    idempotencyKey: b.idempotencyKey,
    ontvangenOp: b.createdAt.toISOString(),
  };
}

/**
 * Reports of one block with their versions: a correction is a new row pointing at the one it
 * corrects; the version of a report is its place in that chain of corrections (1 = the original),
 * and `actueel` says whether a later correction replaced it. Nothing is hidden: old versions stay.
 */
export function reportViews(rows: Rapportage[], trajectId: string) {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const corrected = new Set(rows.map((r) => r.correctsId).filter((x): x is string => Boolean(x)));
  const versionOf = (r: Rapportage): { origineel: string; versie: number } => {
    let versie = 1;
    let cur = r;
    const seen = new Set<string>();
    while (cur.correctsId && byId.has(cur.correctsId) && !seen.has(cur.id)) {
      seen.add(cur.id);
      cur = byId.get(cur.correctsId)!;
      versie++;
    }
    return { origineel: cur.id, versie };
  };
  return rows.map((r) => {
    const body = r.body as Record<string, unknown>;
    return {
      ...reportFieldsOf(r, trajectId),
      id: r.id,
      ...versionOf(r),
      actueel: !corrected.has(r.id),
      periode: { van: day(r.periodStart), tot: day(r.periodEnd) },
      doelen: body.doelen ?? [],
      activiteiten: body.activiteiten ?? [],
      aanwezigheid: body.aanwezigheid ?? null,
      resultaat: body.resultaat ?? null,
      advies: body.advies ?? null,
      bijlagen: body.bijlagen ?? [],
    };
  });
}

export type ReportView = ReturnType<typeof reportViews>[number];
