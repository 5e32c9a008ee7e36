// Whom a trajectory is about and which gemeente holds it, for events that name only the
// trajectory (NOTIFY payloads carry ids, never a BSN: events.ts). Neither ever changes for a
// trajectory, so answers are kept (bounded); every subscriber of one event asks the same.
import type { PrismaClient } from '../db/generated/client.js';

export interface TrajectFacts {
  subjectBsn: string;
  gemeenteOin: string;
}

export type TrajectLookup = (trajectId: string) => Promise<TrajectFacts | undefined>;

const MAX_KEPT = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createTrajectLookup(prisma: Pick<PrismaClient, 'traject'>): TrajectLookup {
  const kept = new Map<string, TrajectFacts>();
  return async (trajectId) => {
    const known = kept.get(trajectId);
    if (known) return known;
    if (!UUID.test(trajectId)) return undefined;
    const row = await prisma.traject.findUnique({ where: { id: trajectId }, select: { subjectBsn: true, gemeenteOin: true } });
    if (!row) return undefined;
    const facts = { subjectBsn: row.subjectBsn.trim(), gemeenteOin: row.gemeenteOin.trim() };
    if (kept.size >= MAX_KEPT) kept.delete(kept.keys().next().value!);
    kept.set(trajectId, facts);
    return facts;
  };
}
