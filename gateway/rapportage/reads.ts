// Who reads which reports. A RIB: only its own block, by trajectory, with a consent (the block is
// what the client's consent grants), and never a BSN. A klantmanager: every block of the
// trajectories of their own gemeente. A client: the reports about them. Every read of report
// content leaves one processing-log entry per client ('rapportageLezen') before the data leaves.
import type { Caller } from '../auth/caller.js';
import type { RibPermit } from '../consent/enforce.js';
import { forbidden, notFound } from '../errors.js';
import type { TraceContext } from '../logs/trace.js';
import type { ChainServices } from '../services.js';
import { signedHeadOfRecord, type SignedChainHead } from './chain-head.js';
import { BlokDenial, denyBlok } from './policy.js';
import { checkPermit, decisionFor } from './store.js';
import { attachmentReceiptOf, reportViews } from './views.js';

const orderBySequence = { sequence: 'asc' as const };

/** The blocks' current signed chain heads (a block gets one with its first report). */
async function headsOf(services: ChainServices, blokIds: string[]): Promise<Map<string, SignedChainHead>> {
  if (!blokIds.length) return new Map();
  const rows = await services.prisma.ketenHoofd.findMany({ where: { blokId: { in: blokIds } } });
  return new Map(rows.map((r) => [r.blokId, signedHeadOfRecord(r)]));
}

async function logReads(services: ChainServices, trace: TraceContext, caller: Caller, subjects: Iterable<string>) {
  const at = new Date();
  await services.processingLog.record(
    trace,
    [...new Set(subjects)].map((subjectBsn) => ({
      name: 'rapportages ingezien', activity: 'rapportageLezen' as const, operation: 'read' as const, subjectBsn, caller, partners: [], fields: ['rapportage'], startTime: at,
    })),
  );
}

/** The RIB's own block of a trajectory: reports (every version) and attachment receipts. */
export async function ribBlock(services: ChainServices, trace: TraceContext, permit: RibPermit, caller: Caller, trajectId: string) {
  try {
    checkPermit(permit, caller, trajectId);
  } catch (err) {
    if (err instanceof BlokDenial) return denyBlok(services, trace, decisionFor(permit, caller, trajectId, 'rapportage:lezen'), err);
    throw err;
  }
  const blok = await services.prisma.rapportageBlok.findUnique({
    where: { trajectId_ribOin: { trajectId, ribOin: permit.ribOin } },
    include: { rapportages: { orderBy: orderBySequence }, bijlagen: { omit: { content: true }, orderBy: { createdAt: 'asc' } } },
  });
  if (!blok) return denyBlok(services, trace, decisionFor(permit, caller, trajectId, 'rapportage:lezen'), new BlokDenial('FORBIDDEN', 'no-blok', 'no block of yours'));
  await permit.settled();
  if (blok.rapportages.length) await logReads(services, trace, caller, [permit.subjectBsn]);
  const heads = await headsOf(services, [blok.id]);
  return {
    blokId: blok.id,
    trajectId,
    status: blok.status === 'open' ? 'open' : 'gesloten',
    ketenhoofd: heads.get(blok.id) ?? null,
    rapportages: reportViews(blok.rapportages, trajectId),
    bijlagen: blok.bijlagen.map((b) => attachmentReceiptOf(b, trajectId)),
  };
}

/** Blocks with their reports, for trajectories the caller may see; one query for all of them. */
async function blocksOf(services: ChainServices, where: { trajectId?: string | { in: string[] }; id?: { in: string[] } }) {
  return services.prisma.rapportageBlok.findMany({
    where,
    include: { traject: true, rib: true, rapportages: { orderBy: orderBySequence } },
    orderBy: { openedAt: 'asc' },
  });
}

/** A RIB is not here: it reads its own block through ribBlock, with its consent. */
export function mayRead(caller: Caller, t: { gemeenteOin: string; subjectBsn: string }): boolean {
  if (caller.role === 'klantmanager') return t.gemeenteOin === caller.oin;
  if (caller.role === 'client') return t.subjectBsn === caller.bsn;
  return false;
}

function blockView(b: Awaited<ReturnType<typeof blocksOf>>[number], heads: Map<string, SignedChainHead> = new Map()) {
  return {
    blokId: b.id,
    trajectId: b.trajectId,
    bureau: { oin: b.rib.oin, naam: b.rib.name, soort: b.rib.kind },
    status: b.status === 'open' ? 'open' : 'gesloten',
    ketenhoofd: heads.get(b.id) ?? null,
    rapportages: reportViews(b.rapportages, b.trajectId).map((r) => ({ ...r, bureau: { oin: b.rib.oin, naam: b.rib.name, soort: b.rib.kind } })),
  };
}

/** For the klantmanager (own gemeente) and the client (own trajectory): every block of a trajectory. */
export async function trajectReports(services: ChainServices, trace: TraceContext, caller: Caller, trajectId: string) {
  if (caller.role !== 'klantmanager' && caller.role !== 'client') throw forbidden('reports of a trajectory are for its klantmanager and client');
  const traject = await services.prisma.traject.findUnique({ where: { id: trajectId } });
  if (!traject || !mayRead(caller, traject)) throw notFound('trajectory');
  // Its own gemeente's trajectory, but is the client still on the caseload? (the combined view's rule)
  if (caller.role === 'klantmanager') await (await services.klantAccess.check(trace, caller, traject.subjectBsn, 'rapportage:lezen')).recorded;
  const blocks = await blocksOf(services, { trajectId });
  if (blocks.some((b) => b.rapportages.length)) await logReads(services, trace, caller, [traject.subjectBsn]);
  const heads = await headsOf(services, blocks.map((b) => b.id));
  return blocks.map((b) => blockView(b, heads));
}

/**
 * Loader for Rapportageblok.ketenhoofd: the current signed head of each block the caller may read
 * (klantmanager of the gemeente, the client), null for the others and for a block without reports.
 * No report content, so no processing-log entry.
 */
export async function headsOfBlocks(services: ChainServices, caller: Caller, blokIds: string[]) {
  const blocks = await services.prisma.rapportageBlok.findMany({ where: { id: { in: blokIds } }, select: { id: true, traject: { select: { gemeenteOin: true, subjectBsn: true } } } });
  const readable = blocks.filter((b) => mayRead(caller, b.traject)).map((b) => b.id);
  const heads = await headsOf(services, readable);
  return blokIds.map((id) => heads.get(id) ?? null);
}

/** For the client: the current signed head of every block about them, to compare with what they saw before. */
export async function clientHeads(services: ChainServices, caller: Caller) {
  if (caller.role !== 'client') throw forbidden('mijnKetenhoofden is for the client');
  const blocks = await services.prisma.rapportageBlok.findMany({ where: { traject: { subjectBsn: caller.bsn } }, select: { id: true }, orderBy: { openedAt: 'asc' } });
  const heads = await headsOf(services, blocks.map((b) => b.id));
  return blocks.flatMap((b) => heads.get(b.id) ?? []);
}

/** Loader for Rapportageblok.rapportages: blocks by id, only those the caller may read. */
export async function reportsOfBlocks(services: ChainServices, trace: TraceContext, caller: Caller, blokIds: string[]) {
  const blocks = await blocksOf(services, { id: { in: blokIds } });
  const readable = blocks.filter((b) => mayRead(caller, b.traject));
  const subjects = readable.filter((b) => b.rapportages.length).map((b) => b.traject.subjectBsn);
  if (subjects.length) await logReads(services, trace, caller, subjects);
  const views = new Map(readable.map((b) => [b.id, blockView(b).rapportages]));
  return blokIds.map((id) => views.get(id) ?? []);
}

/** For the client: every report about them, newest first. */
export async function clientReports(services: ChainServices, trace: TraceContext, caller: Caller) {
  if (caller.role !== 'client') throw forbidden('mijnRapportages is for the client');
  const blocks = await blocksOf(services, { trajectId: { in: (await services.prisma.traject.findMany({ where: { subjectBsn: caller.bsn }, select: { id: true } })).map((t) => t.id) } });
  const reports = blocks.flatMap((b) => blockView(b).rapportages);
  if (reports.length) await logReads(services, trace, caller, [caller.bsn]);
  return reports.sort((a, b) => b.ontvangenOp.localeCompare(a.ontvangenOp));
}

