// "A report arrived", told to every gateway instance through PostgreSQL LISTEN/NOTIFY after the
// report committed, so a klantmanager subscribed on any instance hears of it. The payload names
// ids only (no BSN, no report content): NOTIFY payloads can end up in server logs, and whoever is
// told can read the report itself through the access rules of the graph.
import type { Prisma, Rapportage } from '../db/generated/client.js';

export const RAPPORTAGE_CHANNEL = 'ketenpoort_rapportage';

export interface RapportageEvent {
  rapportageId: string;
  gemeenteOin: string;
  trajectId: string;
  blokId: string;
  ribOin: string;
  soort: string;
  volgnummer: number;
  corrigeert: string | null;
  ontvangenOp: string;
}

export function eventOf(r: Rapportage, gemeenteOin: string, ribOin: string, trajectId: string): RapportageEvent {
  return {
    rapportageId: r.id,
    gemeenteOin,
    trajectId,
    blokId: r.blokId,
    ribOin,
    soort: r.soort,
    volgnummer: r.sequence,
    corrigeert: r.correctsId,
    ontvangenOp: r.createdAt.toISOString(),
  };
}

/**
 * Sent inside the write transaction: PostgreSQL delivers a NOTIFY only when the transaction
 * commits, so there is no event for a report that was rolled back, and no extra commit per write.
 */
export async function announceReport(tx: Prisma.TransactionClient, event: RapportageEvent): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${RAPPORTAGE_CHANNEL}, ${JSON.stringify(event)})`;
}

export function parseEvent(payload: string): RapportageEvent | undefined {
  try {
    const e = JSON.parse(payload) as RapportageEvent;
    return typeof e.rapportageId === 'string' && typeof e.gemeenteOin === 'string' ? e : undefined;
  } catch {
    return undefined;
  }
}
