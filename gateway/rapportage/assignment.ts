// The klantmanager assigns a client's trajectory to a re-integratiebureau (by OIN): that registers
// the trajectory here (the gemeente stays its source of truth; this row is the chain's handle, so
// a RIB can address it without a BSN) and opens that RIB's rapportage block. Reassigning closes the
// previous RIB's block; ending the trajectory closes its blocks and ends every consent tied to it.
// Every one of these names a client, so each first passes the caseload rule of the combined view
// (gateway/graph/klant-access.ts: the client is on the caseload of the klantmanager's own
// gemeente, as the gemeente answers): otherwise FORBIDDEN, logged, the same for a BSN nobody has.
// Only a bureau the gemeente has a running purchase contract with (Inkoopcontract) may be assigned.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Caller } from '../auth/caller.js';
import { isValidBsn } from '../../lib/bsn.js';
import { badInput, forbidden, KetenError, notFound } from '../errors.js';
import { recordWithin } from '../logs/processing-log.js';
import type { TraceContext } from '../logs/trace.js';
import type { ChainServices } from '../services.js';
import { hasRunningContract } from './contracts.js';
import { recordBlokDecision } from './policy.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)));

export const toewijzingInput = z.strictObject({
  bsn: z.string().refine(isValidBsn, 'a BSN of nine digits that passes the elfproef'),
  gemeenteKenmerk: z.string().trim().min(1).max(100),
  titel: z.string().trim().min(1).max(200),
  startdatum: isoDate,
  einddatum: isoDate,
  bureauOin: z.string().regex(/^\d{20}$/, 'an OIN of 20 digits'),
});

const blokInclude = { blokken: { include: { rib: true }, orderBy: { openedAt: 'asc' as const } } };
type KM = Extract<Caller, { oin: string }>;

async function requireKlantmanager(services: ChainServices, trace: TraceContext, caller: Caller, action: string, trajectId: string): Promise<KM> {
  if (caller.role !== 'klantmanager') {
    await recordBlokDecision(services, trace, { action, trajectId, caller }, 'deny', 'role-not-allowed').catch(() => {});
    throw forbidden('only a klantmanager assigns or ends trajectories');
  }
  return caller;
}

export async function assignTraject(services: ChainServices, trace: TraceContext, caller: Caller, raw: unknown) {
  const km = await requireKlantmanager(services, trace, caller, 'traject:toewijzen', '-');
  const parsed = toewijzingInput.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badInput(['toewijzing', ...issue.path.map(String)].join('.'), issue.message);
  }
  const input = parsed.data;
  if (input.startdatum > input.einddatum) throw badInput('toewijzing.einddatum', 'may not lie before the startdatum');
  await (await services.klantAccess.check(trace, km, input.bsn, 'traject:toewijzen')).recorded;
  const [gemeente, bureau] = await Promise.all([
    services.prisma.organisation.findUnique({ where: { oin: km.oin } }),
    services.prisma.organisation.findUnique({ where: { oin: input.bureauOin } }),
  ]);
  if (gemeente?.kind !== 'gemeente') {
    await recordBlokDecision(services, trace, { action: 'traject:toewijzen', trajectId: '-', caller }, 'deny', 'not-a-gemeente');
    throw forbidden('only a gemeente assigns trajectories');
  }
  if (bureau?.kind !== 'rib') throw badInput('toewijzing.bureauOin', 'is not a known re-integratiebureau');
  if (!(await hasRunningContract(services, km.oin, bureau.oin))) {
    await recordBlokDecision(services, trace, { action: 'traject:toewijzen', trajectId: '-', caller, information: { bureauOin: bureau.oin } }, 'deny', 'no-contract');
    throw forbidden('your gemeente has no running contract with this re-integratiebureau');
  }

  // The decision is on record before anything is written (fail closed); after the commit nothing
  // is left that could fail and make the klantmanager believe the assignment did not happen.
  const known = await services.prisma.traject.findUnique({ where: { gemeenteOin_externalId: { gemeenteOin: km.oin, externalId: input.gemeenteKenmerk } }, select: { id: true } });
  const trajectId = known?.id ?? randomUUID();
  await recordBlokDecision(services, trace, { action: 'traject:toewijzen', trajectId, caller, information: { bureauOin: bureau.oin } }, 'permit', 'own-gemeente');
  const now = new Date();
  const { traject, evict } = await services.prisma.$transaction(async (tx) => {
    const existing = await tx.traject.findUnique({ where: { gemeenteOin_externalId: { gemeenteOin: km.oin, externalId: input.gemeenteKenmerk } } });
    if (existing && existing.subjectBsn !== input.bsn) throw badInput('toewijzing.gemeenteKenmerk', 'is already used for another client');
    if (existing?.status === 'ended') throw badInput('toewijzing.gemeenteKenmerk', 'this trajectory has ended');
    const dates = { title: input.titel, startsOn: new Date(`${input.startdatum}T00:00:00Z`), endsOn: new Date(`${input.einddatum}T00:00:00Z`) };
    const t = existing
      ? await tx.traject.update({ where: { id: existing.id }, data: dates })
      : await tx.traject.create({ data: { id: trajectId, gemeenteOin: km.oin, externalId: input.gemeenteKenmerk, subjectBsn: input.bsn, createdBy: km.subject, ...dates } });
    const others = await tx.rapportageBlok.findMany({ where: { trajectId: t.id, status: 'open', ribOin: { not: bureau.oin } }, select: { id: true, ribOin: true } });
    await tx.rapportageBlok.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { status: 'closed', closedAt: now, closedBy: km.subject } });
    await tx.rapportageBlok.upsert({
      where: { trajectId_ribOin: { trajectId: t.id, ribOin: bureau.oin } },
      create: { trajectId: t.id, ribOin: bureau.oin, openedBy: km.subject },
      // Reassigning back to an earlier bureau reopens its block; its reports and chain continue.
      update: { status: 'open', closedAt: null, closedBy: null },
    });
    await recordWithin(tx, services.processingLog, trace, [
      { name: 'traject toegewezen', activity: 'trajectToewijzen', operation: 'write', subjectBsn: t.subjectBsn, caller, partners: [], fields: ['traject'], startTime: now },
    ]);
    const evict = others.length
      ? await tx.consent.findMany({ where: { trajectId: t.id, granteeOin: { in: others.map((p) => p.ribOin) }, status: 'active' }, select: { id: true } })
      : [];
    return { traject: await tx.traject.findUniqueOrThrow({ where: { id: t.id }, include: blokInclude }), evict };
  });
  // The previous bureaus' consents now fail the ledger's "block open" test; evict cached copies so
  // reads stop at once on every instance, not only after the cache lifetime (never fails; bounded
  // by that lifetime).
  await Promise.all(evict.map((c) => services.consent.core.cache.invalidate(c.id)));
  return toewijzingView(traject);
}

export async function endTraject(services: ChainServices, trace: TraceContext, caller: Caller, trajectId: string) {
  const km = await requireKlantmanager(services, trace, caller, 'traject:beeindigen', trajectId);
  const found = await services.prisma.traject.findUnique({ where: { id: trajectId } });
  // Another gemeente's trajectory is "not found": its existence is not the caller's business.
  if (!found || found.gemeenteOin !== km.oin) {
    await recordBlokDecision(services, trace, { action: 'traject:beeindigen', trajectId, caller }, 'deny', 'not-own-gemeente').catch(() => {});
    throw notFound('trajectory');
  }
  await (await services.klantAccess.check(trace, km, found.subjectBsn, 'traject:beeindigen')).recorded;
  await recordBlokDecision(services, trace, { action: 'traject:beeindigen', trajectId, caller }, 'permit', 'own-gemeente');
  const now = new Date();
  const traject = await services.prisma.$transaction(async (tx) => {
    await tx.traject.updateMany({ where: { id: trajectId, status: 'active' }, data: { status: 'ended', endedAt: now, endedBy: km.subject } });
    await tx.rapportageBlok.updateMany({ where: { trajectId, status: 'open' }, data: { status: 'closed', closedAt: now, closedBy: km.subject } });
    await recordWithin(tx, services.processingLog, trace, [
      { name: 'traject beëindigd', activity: 'trajectToewijzen', operation: 'write', subjectBsn: found.subjectBsn, caller, partners: [], fields: ['traject'], startTime: now },
    ]);
    return tx.traject.findUniqueOrThrow({ where: { id: trajectId }, include: blokInclude });
  });
  // After the commit: the ledger already refuses (trajectory ended); this records the consents as
  // ended with who and when, and evicts them from every instance's cache. If it fails now, the
  // trajectory has still ended: the consents are marked the next time anyone lists them
  // (settleLapsed), so the klantmanager hears that it happened, not an error.
  await services.consent.endForTraject(trajectId, caller).catch(() => {});
  return toewijzingView(traject);
}

type TrajectWithBlokken = Awaited<ReturnType<ChainServices['prisma']['traject']['findUniqueOrThrow']>> & {
  blokken: { id: string; status: string; openedAt: Date; closedAt: Date | null; rib: { oin: string; name: string; kind: string } }[];
};

/** For the klantmanager, who knows the client: the BSN is theirs to see. */
export function toewijzingView(t: TrajectWithBlokken) {
  return {
    trajectId: t.id,
    bsn: t.subjectBsn,
    gemeenteKenmerk: t.externalId,
    titel: t.title,
    startdatum: t.startsOn.toISOString().slice(0, 10),
    einddatum: t.endsOn.toISOString().slice(0, 10),
    status: t.status === 'active' ? 'actief' : 'beeindigd',
    blokken: t.blokken.map((b) => ({
      id: b.id,
      bureau: { oin: b.rib.oin, naam: b.rib.name, soort: b.rib.kind },
      status: b.status === 'open' ? 'open' : 'gesloten',
      geopendOp: b.openedAt.toISOString(),
      geslotenOp: b.closedAt?.toISOString() ?? null,
    })),
  };
}
