// Where the client's consent stands for the bureau of a rapportage block: none, asked, active
// until a day, revoked, expired or ended with the trajectory. For the klantmanager of the gemeente
// (who assigned the bureau and must see whether it can start) and the client; nobody else. The
// klantmanager's reading is in the client's processing log; no consent content leaves, only its state.
import { dutchDayEndsAt, fromDateColumn } from '../../lib/dutch-day.js';
import type { Caller } from '../auth/caller.js';
import type { TraceContext } from '../logs/trace.js';
import type { ChainServices } from '../services.js';
import { mayRead } from './reads.js';

export type Stand = 'geen' | 'gevraagd' | 'actief' | 'ingetrokken' | 'verlopen' | 'beeindigd';

export interface BlokToestemming {
  stand: Stand;
  geldigTot: string | null;
  ingetrokkenOp: string | null;
}

interface ConsentRow {
  status: string;
  /** The last day (a DATE column), as the ledger reads it. */
  validThrough: Date;
  revokedAt: Date | null;
  createdAt: Date;
}

/** The newest consent decides, except that an active one always shows, and a new ask beats an old end. */
export function standOf(consents: ConsentRow[], pendingThrough: Date | undefined, now = new Date()): BlokToestemming {
  const active = consents.find((c) => c.status === 'active' && now < dutchDayEndsAt(fromDateColumn(c.validThrough)));
  if (active) return { stand: 'actief', geldigTot: fromDateColumn(active.validThrough), ingetrokkenOp: null };
  if (pendingThrough) return { stand: 'gevraagd', geldigTot: fromDateColumn(pendingThrough), ingetrokkenOp: null };
  const last = [...consents].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  if (!last) return { stand: 'geen', geldigTot: null, ingetrokkenOp: null };
  if (last.status === 'revoked') return { stand: 'ingetrokken', geldigTot: fromDateColumn(last.validThrough), ingetrokkenOp: last.revokedAt?.toISOString() ?? null };
  if (last.status === 'ended') return { stand: 'beeindigd', geldigTot: fromDateColumn(last.validThrough), ingetrokkenOp: null };
  return { stand: 'verlopen', geldigTot: fromDateColumn(last.validThrough), ingetrokkenOp: null };
}

/** Loader for Rapportageblok.toestemming: three queries for a whole page of blocks. */
export async function consentOfBlocks(services: ChainServices, trace: TraceContext, caller: Caller, blokIds: string[]): Promise<(BlokToestemming | null)[]> {
  const blocks = await services.prisma.rapportageBlok.findMany({
    where: { id: { in: blokIds } },
    select: { id: true, trajectId: true, ribOin: true, status: true, traject: { select: { gemeenteOin: true, subjectBsn: true } } },
  });
  const readable = blocks.filter((b) => mayRead(caller, b.traject));
  if (!readable.length) return blokIds.map(() => null);
  const pairs = readable.map((b) => ({ trajectId: b.trajectId, granteeOin: b.ribOin }));
  const [consents, requests] = await Promise.all([
    services.prisma.consent.findMany({ where: { OR: pairs }, select: { trajectId: true, granteeOin: true, status: true, validThrough: true, revokedAt: true, createdAt: true } }),
    services.prisma.consentRequest.findMany({ where: { OR: pairs, status: 'pending' }, select: { trajectId: true, granteeOin: true, requestedThrough: true } }),
  ]);
  if (caller.role === 'klantmanager') {
    const at = new Date();
    await services.processingLog.record(trace, [...new Set(readable.map((b) => b.traject.subjectBsn.trim()))].map((subjectBsn) => ({
      name: 'toestemming ingezien', activity: 'toestemming' as const, operation: 'read' as const, subjectBsn, caller, partners: [], fields: ['toestemming'], startTime: at,
    })));
  }
  const byBlock = new Map(readable.map((b) => {
    const same = (x: { trajectId: string; granteeOin: string }) => x.trajectId === b.trajectId && x.granteeOin.trim() === b.ribOin.trim();
    const stand = standOf(consents.filter(same), requests.find(same)?.requestedThrough);
    // A closed block (another bureau, or the trajectory ended): the ledger refuses whatever the consent row says.
    return [b.id, b.status !== 'open' && (stand.stand === 'actief' || stand.stand === 'gevraagd') ? { ...stand, stand: 'beeindigd' as const } : stand];
  }));
  return blokIds.map((id) => byBlock.get(id) ?? null);
}
