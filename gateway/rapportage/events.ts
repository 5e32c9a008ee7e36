// "A report arrived", told to every gateway instance through PostgreSQL LISTEN/NOTIFY after the
// report committed, so a klantmanager subscribed on any instance hears of it. The payload names
// ids only (no BSN, no report content): NOTIFY payloads can end up in server logs, and whoever is
// told can read the report itself through the access rules of the graph.
import type { Database } from '../db/database.js';

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

/** Best effort: the signal row is the durable record; a lost notification only delays the event. */
export async function announceReport(db: Database, event: RapportageEvent): Promise<void> {
  await db.notify(RAPPORTAGE_CHANNEL, JSON.stringify(event)).catch(() => {});
}

export function parseEvent(payload: string): RapportageEvent | undefined {
  try {
    const e = JSON.parse(payload) as RapportageEvent;
    return typeof e.rapportageId === 'string' && typeof e.gemeenteOin === 'string' ? e : undefined;
  } catch {
    return undefined;
  }
}
