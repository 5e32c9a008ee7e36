// "A report arrived", told to every gateway instance through PostgreSQL LISTEN/NOTIFY after the
// report committed, so a klantmanager subscribed on any instance hears of it. The payload names
// ids only (no BSN, no report content): NOTIFY payloads can end up in server logs, and whoever is
// told can read the report itself through the access rules of the graph.
import type { Rapportage } from '../db/generated/client.js';

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

export function eventOf(r: Pick<Rapportage, 'id' | 'blokId' | 'soort' | 'sequence' | 'correctsId' | 'createdAt'>, gemeenteOin: string, ribOin: string, trajectId: string): RapportageEvent {
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

export function parseEvent(payload: string): RapportageEvent | undefined {
  try {
    const e = JSON.parse(payload) as RapportageEvent;
    return typeof e.rapportageId === 'string' && typeof e.gemeenteOin === 'string' ? e : undefined;
  } catch {
    return undefined;
  }
}
