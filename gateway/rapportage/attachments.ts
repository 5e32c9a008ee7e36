// PDF attachments of a block. The upload endpoint streams the body with a size limit (routes.ts);
// here the content is checked (a PDF starts with `%PDF-` and ends with `%%EOF`, give or take
// trailing whitespace: the Content-Type header alone proves nothing), hashed with SHA-256 and
// stored under the same block rule and idempotency rule as reports.
import { randomUUID } from 'node:crypto';
import type { Caller } from '../auth/caller.js';
import type { RibPermit } from '../consent/enforce.js';
import { badInput, KetenError } from '../errors.js';
import type { TraceContext } from '../logs/trace.js';
import type { ChainServices } from '../services.js';
import { sha256 } from './chain.js';
import { replayOf, requestHashOf } from './idempotency.js';
import { BlokDenial, denyBlok } from './policy.js';
import { checkPermit, decisionFor, lockBlock, TX_OPTIONS } from './store.js';
import { attachmentReceiptOf } from './views.js';

export const MAX_PDF_BYTES = 10 * 1024 * 1024;
const PDF_MAGIC = Buffer.from('%PDF-');
const PDF_EOF = Buffer.from('%%EOF');
/** Writers append line ends and sometimes a little padding after the final %%EOF. */
const EOF_WINDOW = 1024;

/** Throws UNSUPPORTED_MEDIA_TYPE unless the bytes look like a whole PDF file. */
export function checkPdf(content: Buffer): void {
  if (content.length === 0) throw badInput('bijlage', 'the file is empty');
  const head = content.subarray(0, Math.min(content.length, 1024));
  // The PDF spec lets the header start within the first 1024 bytes; in practice it is at 0.
  const start = head.indexOf(PDF_MAGIC);
  const tail = content.subarray(Math.max(0, content.length - EOF_WINDOW));
  if (start < 0 || start > 0 && head.subarray(0, start).some((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d) || tail.indexOf(PDF_EOF) < 0) {
    throw new KetenError('UNSUPPORTED_MEDIA_TYPE', 'bijlage: only PDF files are accepted (the content is not a whole PDF)', { field: 'bijlage' });
  }
}

/** A plain file name, no path, at most 200 characters; `bijlage.pdf` when none is given. */
export function parseFileName(value: unknown): string {
  if (value === undefined || value === null || value === '') return 'bijlage.pdf';
  if (typeof value !== 'string' || value.length > 200 || /[/\\\0-\x1f]/.test(value)) {
    throw badInput('bestandsnaam', 'a file name of at most 200 characters, without a path');
  }
  return value;
}

export interface AttachmentRequest {
  trajectId: string;
  idempotencyKey: string;
  fileName: string;
  content: Buffer;
}

export async function storeBijlage(services: ChainServices, trace: TraceContext, permit: RibPermit, caller: Caller, req: AttachmentRequest) {
  checkPdf(req.content);
  if (req.content.length > MAX_PDF_BYTES) throw new KetenError('PAYLOAD_TOO_LARGE', `bijlage: at most ${MAX_PDF_BYTES} bytes`);
  const decision = decisionFor(permit, caller, req.trajectId, 'rapportage:schrijven');
  const digest = sha256(req.content);
  const requestHash = requestHashOf('bijlage', { sha256: digest, fileName: req.fileName });
  try {
    checkPermit(permit, caller, req.trajectId);
    // Nothing commits or leaves before the permit's decision is on record. Waited for before the
    // transaction: on PGlite the transaction holds the only connection the decision log needs.
    await permit.settled();
    const outcome = await services.prisma.$transaction(async (tx) => {
      const blok = await lockBlock(tx, req.trajectId, permit.ribOin);
      const found = await tx.bijlage.findUnique({
        where: { blokId_idempotencyKey: { blokId: blok.id, idempotencyKey: req.idempotencyKey } },
        omit: { content: true },
      });
      const earlier = replayOf(found && { ...found, requestHash: requestHashOf('bijlage', { sha256: found.sha256.trim(), fileName: found.fileName }) }, requestHash);
      if (earlier) return { row: found!, replayed: true };
      const row = await tx.bijlage.create({
        data: {
          id: randomUUID(),
          blokId: blok.id,
          fileName: req.fileName,
          contentType: 'application/pdf',
          size: req.content.length,
          sha256: digest,
          content: new Uint8Array(req.content),
          idempotencyKey: req.idempotencyKey,
          consentId: permit.consentId,
          authorSubject: caller.subject,
        },
        omit: { content: true },
      });
      return { row, replayed: false };
    }, TX_OPTIONS);
    if (!outcome.replayed) {
      const at = new Date();
      await services.processingLog.record(trace, [
        { name: 'bijlage aangeleverd', activity: 'rapportageSchrijven', operation: 'write', subjectBsn: permit.subjectBsn, caller, partners: [], fields: ['bijlage'], startTime: at, endTime: at },
      ]);
    }
    return { receipt: attachmentReceiptOf(outcome.row, req.trajectId), replayed: outcome.replayed };
  } catch (err) {
    if (err instanceof BlokDenial) return denyBlok(services, trace, decision, err);
    throw err;
  }
}
