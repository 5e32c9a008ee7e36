// The gemeente's agenda as its source system holds it: each klant's appointments (afspraken) with
// the klantmanager, the re-integratiebureau's jobcoach or a colleague, some past and some coming.
// Derived from the synthetic population, laid out around the Monday of the current week in the
// Netherlands (not the population's fixed REFERENCE_DATE, which falls further behind every day):
// the demo always has coming appointments, and within one week the agenda does not change.
// Appointments fall on weekdays in whole weeks away from that Monday, so none is ever "today":
// past and coming never depend on the hour.
import { addDays, dutchDay, type DutchDay } from '../../lib/dutch-day.js';
import { toCompactDate } from '../common/dates.js';
import { ORG } from '../population/organisations.js';
import { rng, type SyntheticClient } from '../population/population.js';

export type AfspraakStatus = 'GEPLAND' | 'NAGEKOMEN' | 'NIET_NAGEKOMEN' | 'AFGEZEGD';

export interface GemeenteAfspraakRecord {
  id: string;
  bsn: string;
  /** yyyymmdd */
  datum: string;
  /** hhmm, Dutch time */
  begintijd: string;
  eindtijd: string;
  onderwerp: string;
  locatie: string;
  medewerker: { code: string | null; naam: string; functie: string };
  status: AfspraakStatus;
}

/** The gemeenten's own staff, by the code their system uses (the same people as the demo's klantmanagers). */
const STAFF: Record<string, string> = { 'km-jan': 'Jan Kok', 'km-sanne': 'Sanne Verhoeven' };
const LOCATIES = {
  amsterdam: ['Werkplein Bijlmerdreef 106, Amsterdam', 'Stadsloket Zuidoost, Anton de Komplein 150, Amsterdam', 'Telefonisch'],
  leiden: ['Stadhuis Leiden, Stadhuisplein 1', 'Werkplein Leiden, Schipholweg 35', 'Telefonisch'],
};
const ONDERWERPEN = ['Gesprek over werk', 'Voortgang van het plan', 'Heronderzoek bijstand', 'Gesprek over geldzaken'];
const BEGINTIJDEN = ['0900', '0930', '1000', '1100', '1330', '1400', '1500'];

/** Monday of the week `day` falls in. */
export function mondayOf(day: DutchDay): DutchDay {
  const weekday = new Date(`${day}T12:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
}

function plusMinutes(hhmm: string, minutes: number): string {
  const total = Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(2)) + minutes;
  return `${String(Math.floor(total / 60)).padStart(2, '0')}${String(total % 60).padStart(2, '0')}`;
}

/**
 * One klant's appointments around the week of `today`, oldest first: one or two in the past weeks,
 * and one or two in the coming weeks — except every fourth klant, who has none coming (so an empty
 * agenda can be seen too). Klant 0 (the demo's Fatima) always has coming ones.
 */
export function afsprakenVan(c: SyntheticClient, today: DutchDay = dutchDay(new Date())): GemeenteAfspraakRecord[] {
  const r = rng(7000 + c.index);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const monday = mondayOf(today);
  const leiden = c.gemeenteOin === ORG.leiden.oin;
  const traject = c.trajecten[0];
  const ribNaam = traject ? Object.values(ORG).find((o) => o.oin === traject.ribOin)?.name : undefined;

  const past = 1 + Math.floor(r() * 2);
  const coming = c.index % 4 === 3 ? 0 : 1 + Math.floor(r() * 2);
  // Distinct weeks: the past ones 1-8 weeks back, the coming ones 1-6 weeks ahead.
  const weeksBack = [...new Set(Array.from({ length: past }, () => 1 + Math.floor(r() * 8)))].sort((a, b) => b - a);
  const weeksAhead = [...new Set(Array.from({ length: coming }, () => 1 + Math.floor(r() * 6)))].sort((a, b) => a - b);

  const make = (week: number, n: number, comingOne: boolean): GemeenteAfspraakRecord => {
    const begintijd = pick(BEGINTIJDEN);
    const metRib = ribNaam !== undefined && r() < 0.3;
    const roll = r();
    const status: AfspraakStatus = comingOne ? (roll < 0.15 ? 'AFGEZEGD' : 'GEPLAND') : roll < 0.15 ? 'NIET_NAGEKOMEN' : roll < 0.25 ? 'AFGEZEGD' : 'NAGEKOMEN';
    return {
      id: `AFS-${leiden ? 'LEI' : 'AMS'}-${String(c.index).padStart(5, '0')}-${n}`,
      bsn: c.bsn,
      datum: toCompactDate(addDays(monday, week * 7 + Math.floor(r() * 5))),
      begintijd,
      eindtijd: plusMinutes(begintijd, pick([30, 45, 60])),
      onderwerp: metRib ? 'Voortgang van het traject' : pick(ONDERWERPEN),
      locatie: pick(leiden ? LOCATIES.leiden : LOCATIES.amsterdam),
      medewerker: metRib
        ? { code: null, naam: `Jobcoach van ${ribNaam}`, functie: 'jobcoach' }
        : { code: c.klantmanager, naam: STAFF[c.klantmanager] ?? c.klantmanager, functie: 'klantmanager' },
      status,
    };
  };
  return [...weeksBack.map((w, i) => make(-w, i, false)), ...weeksAhead.map((w, i) => make(w, weeksBack.length + i, true))];
}

