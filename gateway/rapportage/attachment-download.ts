// Opening a stored PDF attachment. Who may: the RIB its own block's files (with its consent token,
// as every RIB call: submit.ts), the client the files of reports about them, the klantmanager of the
// client's gemeente while the client is on the caseload (klant-access.ts). For the client and the
// klantmanager only files a report names: an upload no report refers to is still the bureau's.
// The content is hashed again before it leaves and must match the SHA-256 stored at upload and,
// for a named file, the one the report (and so the hash chain) holds; a mismatch sends nothing.
// Every opening is on record before the file leaves: a decision-log entry (the consent check, the
// caseload check, or the client's own-data permit) and a processing-log row for the client.
import type { FastifyBaseLogger } from 'fastify';
import type { Caller } from '../auth/caller.js';
import type { RibPermit } from '../consent/enforce.js';
import { forbidden, KetenError } from '../errors.js';
import type { TraceContext } from '../logs/trace.js';
import type { ChainServices } from '../services.js';
import { sha256 } from './chain.js';
import { BlokDenial, denyBlok, recordBlokDecision } from './policy.js';
import { checkPermit, decisionFor } from './store.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface OpenedAttachment {
  fileName: string;
  content: Buffer;
  sha256: string;
}

const withTraject = { blok: { select: { ribOin: true, trajectId: true, traject: { select: { gemeenteOin: true, subjectBsn: true } } } } } as const;

async function load(services: ChainServices, bijlageId: string) {
  if (!UUID.test(bijlageId)) return null;
  return services.prisma.bijlage.findUnique({ where: { id: bijlageId.toLowerCase() }, include: withTraject });
}

type Log = Pick<FastifyBaseLogger, 'error'>;
type Loaded = NonNullable<Awaited<ReturnType<typeof load>>>;

/** The content must still be what was stored (and what the report names); otherwise nothing leaves. */
function verified(log: Log, row: Loaded, named?: string): OpenedAttachment {
  const content = Buffer.from(row.content);
  const actual = sha256(content);
  const expected = row.sha256.trim();
  if (actual !== expected || (named !== undefined && named !== expected)) {
    // An operator must look: the stored file or its record was changed outside the gateway.
    log.error({ bijlageId: row.id, blokId: row.blokId }, 'attachment content does not match its stored SHA-256; not sent');
    throw new KetenError('INTEGRITY_FAILED', 'this attachment failed its integrity check and is not sent; the operator has been told', { reason: 'sha256-mismatch' });
  }
  return { fileName: row.fileName, content, sha256: expected };
}

async function logOpening(services: ChainServices, trace: TraceContext, caller: Caller, subjectBsn: string) {
  const at = new Date();
  await services.processingLog.record(trace, [
    { name: 'bijlage geopend', activity: 'rapportageLezen', operation: 'read', subjectBsn, caller, partners: [], fields: ['bijlage'], startTime: at, endTime: at },
  ]);
}

/** The RIB: a file in its own block of the trajectory its consent token names. */
export async function openOwnAttachment(services: ChainServices, trace: TraceContext, log: Log, permit: RibPermit, caller: Caller, trajectId: string, bijlageId: string): Promise<OpenedAttachment> {
  const decision = { ...decisionFor(permit, caller, trajectId, 'bijlage:lezen'), information: { bijlageId: String(bijlageId).slice(0, 64) } };
  let row: Loaded | null;
  try {
    checkPermit(permit, caller, trajectId);
    row = await load(services, bijlageId);
    // Another block's file answers as a file that does not exist: the same refusal either way.
    if (!row || row.blok.trajectId !== trajectId || row.blok.ribOin !== permit.ribOin) throw new BlokDenial('FORBIDDEN', 'bijlage-not-in-blok', 'there is no such attachment in your block');
  } catch (err) {
    if (err instanceof BlokDenial) return denyBlok(services, trace, decision, err);
    throw err;
  }
  const opened = verified(log, row);
  await permit.settled();
  await logOpening(services, trace, caller, permit.subjectBsn);
  return opened;
}

/** Does a report in the block name this file, and with which SHA-256? */
async function namedSha(services: ChainServices, blokId: string, bijlageId: string): Promise<string | undefined> {
  const rows = await services.prisma.$queryRaw<{ sha256: string }[]>`
    SELECT a->>'sha256' AS sha256 FROM rapportage r, jsonb_array_elements(r.body->'bijlagen') a
     WHERE r.blok_id = ${blokId}::uuid AND a->>'id' = ${bijlageId} LIMIT 1`;
  return rows[0]?.sha256;
}

/** The client (own reports) or the klantmanager (own gemeente, client on the caseload). */
export async function openAttachment(services: ChainServices, trace: TraceContext, log: Log, caller: Caller, bijlageId: string): Promise<OpenedAttachment> {
  const action = 'bijlage:lezen';
  const refuse = async (trajectId: string, reason: string): Promise<never> => {
    await recordBlokDecision(services, trace, { action, trajectId, caller, information: { bijlageId: String(bijlageId).slice(0, 64) } }, 'deny', reason).catch(() => {});
    // The same answer whether the file does not exist or is someone else's: ids cannot be probed.
    throw forbidden('you may not open this attachment');
  };
  if (caller.role !== 'client' && caller.role !== 'klantmanager') return refuse('-', 'role-not-allowed');
  const row = await load(services, bijlageId);
  if (!row) return refuse('-', 'bijlage-unknown');
  const { traject, trajectId } = row.blok;
  const subjectBsn = traject.subjectBsn.trim();
  if (caller.role === 'client' && caller.bsn !== subjectBsn) return refuse(trajectId, 'not-own-data');
  if (caller.role === 'klantmanager' && caller.oin !== traject.gemeenteOin.trim()) return refuse(trajectId, 'not-own-gemeente');
  const named = await namedSha(services, row.blokId, row.id);
  if (named === undefined) return refuse(trajectId, 'bijlage-not-in-rapportage');
  let recorded: Promise<void>;
  if (caller.role === 'klantmanager') {
    // Its own gemeente's client, but still on the caseload? (the combined view's rule; logs its decision)
    recorded = (await services.klantAccess.check(trace, caller, subjectBsn, action)).recorded;
  } else {
    recorded = recordBlokDecision(services, trace, { action, trajectId, caller, information: { bijlageId: row.id } }, 'permit', 'own-data');
  }
  const opened = verified(log, row, named);
  await recorded;
  await logOpening(services, trace, caller, subjectBsn);
  return opened;
}
