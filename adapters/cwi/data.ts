// CWI's register (UWV WERKbedrijf) as its source API holds it: job-seeker registrations with
// their werkprofiel, applications and vacancy matches, derived deterministically from the
// synthetic population. CWI's own conventions: PascalCase fields, dd-mm-yyyy dates, J/N flags and
// comma-separated driving licences (an older back office, exposed as it is).
import { toDutchDate } from '../common/dates.js';
import { isoDate, population, POPULATION_SIZE, REFERENCE_DATE, rng, type SyntheticClient } from '../population/population.js';
import type { CwiSollicitatie, CwiVacature, CwiVacatureMatch, CwiWerkzoekende, JN } from './source-contract.js';

const BEROEPEN: [code: string, omschrijving: string, niveau: string, opleiding: string][] = [
  ['BRC-0412', 'Magazijnmedewerker', 'MBO2', 'Logistiek medewerker'],
  ['BRC-0415', 'Orderpicker', 'MBO1', 'Entree logistiek'],
  ['BRC-1203', 'Schoonmaker', 'VMBO', 'VMBO basis'],
  ['BRC-2210', 'Verzorgende IG', 'MBO3', 'Verzorgende IG'],
  ['BRC-2214', 'Helpende zorg en welzijn', 'MBO2', 'Helpende zorg en welzijn'],
  ['BRC-3101', 'Administratief medewerker', 'MBO3', 'Office assistant'],
  ['BRC-3320', 'Klantenservicemedewerker', 'MBO2', 'Medewerker contactcenter'],
  ['BRC-4402', 'Zelfstandig werkend kok', 'MBO3', 'Kok'],
  ['BRC-5105', 'Vrachtwagenchauffeur', 'MBO2', 'Chauffeur goederenvervoer'],
  ['BRC-5210', 'Beveiliger', 'MBO2', 'Beveiliger'],
  ['BRC-6003', 'Verkoopmedewerker', 'MBO2', 'Verkoper'],
  ['BRC-7120', 'Productiemedewerker', 'VMBO', 'VMBO kader'],
  ['BRC-7311', 'Installatiemonteur', 'MBO3', 'Monteur elektrotechnische installaties'],
  ['BRC-8102', 'ICT-servicedeskmedewerker', 'MBO4', 'Medewerker ICT support'],
  ['BRC-9010', 'Medewerker onderwijsassistentie', 'HBO', 'Pedagogiek'],
];
const WERKGEVERS = ['Albert Heijn DC Zaandam', 'Schiphol Group', 'Amsterdam UMC', 'PostNL', 'Ahold Delhaize', 'Cordaan', 'HEMA', 'Gemeente Diemen', 'Heineken Zoeterwoude', 'LUMC', 'Bol.com', 'Vebego', 'G4S', 'Hotel Okura', 'ISS Facility Services', 'Bam Bouw', 'Tempo-Team'];
const PLAATSEN = { amsterdam: ['Amsterdam', 'Diemen', 'Amstelveen', 'Zaandam', 'Schiphol'], leiden: ['Leiden', 'Oegstgeest', 'Leiderdorp', 'Den Haag', 'Zoeterwoude'] };

export interface CwiRegister {
  werkzoekenden: Map<string, CwiWerkzoekende>;
  sollicitaties: Map<string, CwiSollicitatie[]>;
  matches: Map<string, CwiVacatureMatch[]>;
}

const registers = new Map<number, CwiRegister>();

export function cwiRegister(populationSize = POPULATION_SIZE): CwiRegister {
  let register = registers.get(populationSize);
  if (!register) {
    register = build(populationSize);
    registers.set(populationSize, register);
  }
  return register;
}

function vacaturePool(): CwiVacature[] {
  const r = rng(77_777);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  return Array.from({ length: 48 }, (_, i) => {
    const [code, omschrijving] = BEROEPEN[i % BEROEPEN.length]!;
    const published = isoDate(REFERENCE_DATE, -Math.floor(r() * 40));
    return {
      VacatureNummer: `VAC-2026-${String(10_400 + i * 7)}`,
      Titel: omschrijving,
      BeroepCode: code,
      Werkgever: pick(WERKGEVERS),
      // Every occupation gets vacancies in both regions (i / 15 shifts the region per round).
      Plaats: pick((i + Math.floor(i / BEROEPEN.length)) % 3 === 2 ? PLAATSEN.leiden : PLAATSEN.amsterdam),
      UrenPerWeek: pick([16, 24, 32, 36, 38, 40]),
      PublicatieDatum: toDutchDate(published),
      SluitingsDatum: toDutchDate(isoDate(published, 28 + Math.floor(r() * 30))),
    };
  });
}

function build(populationSize: number): CwiRegister {
  const werkzoekenden = new Map<string, CwiWerkzoekende>();
  const sollicitaties = new Map<string, CwiSollicitatie[]>();
  const matches = new Map<string, CwiVacatureMatch[]>();
  const pool = vacaturePool();
  for (const client of population(populationSize)) {
    const r = rng(70_000 + client.index);
    // Everyone with a benefit must be registered as a job seeker; of the others, about half are.
    if (client.scenario === 'geen' && r() < 0.5) continue;
    const w = werkzoekende(client, r);
    werkzoekenden.set(client.bsn, w);
    sollicitaties.set(client.bsn, applications(client, w, r, pool));
    matches.set(client.bsn, vacancyMatches(client, w, r, pool));
  }
  return { werkzoekenden, sollicitaties, matches };
}

function werkzoekende(c: SyntheticClient, r: () => number): CwiWerkzoekende {
  const between = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const first = BEROEPEN[between(0, BEROEPEN.length - 1)]!;
  const second = r() < 0.4 ? BEROEPEN[between(0, BEROEPEN.length - 1)]! : undefined;
  const beroepen = [first, ...(second && second !== first ? [second] : [])].map(([code, omschrijving], i) => ({
    BeroepCode: code,
    Omschrijving: omschrijving,
    ErvaringJaren: between(0, 15),
    Gewenst: (i === 0 ? 'J' : r() < 0.5 ? 'J' : 'N') as JN,
  }));
  const chauffeur = beroepen.some((b) => b.BeroepCode === 'BRC-5105');
  const rijbewijzen = chauffeur ? 'B,C,CE' : r() < 0.55 ? 'B' : r() < 0.3 ? 'AM' : '';
  const ingeschreven = isoDate(REFERENCE_DATE, -between(15, 900));
  return {
    Bsn: c.bsn,
    InschrijvingsNummer: `WZ${String(7_300_000 + c.index * 101)}`,
    InschrijfDatum: toDutchDate(ingeschreven),
    UitschrijfDatum: null,
    Status: 'INGESCHREVEN',
    Vestiging: c.woonplaats === 'Leiden' ? 'WERKbedrijf Leiden' : 'WERKbedrijf Amsterdam Zuidoost',
    Werkprofiel: {
      OpleidingsNiveau: first[2],
      Opleidingen: [
        { Naam: first[3], Niveau: first[2], Diploma: r() < 0.75 ? 'J' : 'N', JaarAfgerond: 1990 + between(0, 33) },
        ...(r() < 0.3 ? [{ Naam: 'VCA basisveiligheid', Niveau: 'CERTIFICAAT', Diploma: 'J' as JN, JaarAfgerond: 2015 + between(0, 10) }] : []),
      ],
      Rijbewijzen: rijbewijzen,
      EigenVervoer: rijbewijzen.includes('B') && r() < 0.7 ? 'J' : 'N',
      Beroepen: beroepen,
      UrenPerWeek: [16, 20, 24, 32, 36, 40][between(0, 5)]!,
      LaatstGewijzigd: toDutchDate(isoDate(REFERENCE_DATE, -between(1, 120))),
    },
  };
}

function applications(c: SyntheticClient, w: CwiWerkzoekende, r: () => number, pool: CwiVacature[]): CwiSollicitatie[] {
  // WW brings an obligation to apply (about four times in four weeks); others apply less.
  const count = c.scenario === 'ww' || c.scenario === 'ww-naar-bijstand' ? 3 + Math.floor(r() * 6) : Math.floor(r() * 4);
  const functies = w.Werkprofiel.Beroepen.map((b) => b.Omschrijving);
  const out: CwiSollicitatie[] = [];
  for (let i = 0; i < count; i++) {
    const vacature = r() < 0.5 ? pool[Math.floor(r() * pool.length)] : undefined;
    const daysAgo = Math.floor(r() * 90);
    const resultaten = daysAgo < 14 ? (['IN_BEHANDELING', 'UITGENODIGD', 'GEEN_REACTIE'] as const) : (['AFGEWEZEN', 'AFGEWEZEN', 'GEEN_REACTIE', 'UITGENODIGD', 'AANGENOMEN'] as const);
    out.push({
      SollicitatieId: `SOL-${String(c.index).padStart(3, '0')}-${String(i + 1).padStart(2, '0')}`,
      Bsn: c.bsn,
      Datum: toDutchDate(isoDate(REFERENCE_DATE, -daysAgo)),
      Werkgever: vacature?.Werkgever ?? WERKGEVERS[Math.floor(r() * WERKGEVERS.length)]!,
      Functie: vacature?.Titel ?? functies[Math.floor(r() * functies.length)]!,
      VacatureNummer: vacature?.VacatureNummer ?? null,
      Kanaal: vacature ? (r() < 0.6 ? 'PORTAAL' : 'EMAIL') : (['EMAIL', 'BRIEF', 'TELEFONISCH', 'OPEN_SOLLICITATIE'] as const)[Math.floor(r() * 4)]!,
      Resultaat: resultaten[Math.floor(r() * resultaten.length)]!,
    });
  }
  return out.sort((a, b) => a.SollicitatieId.localeCompare(b.SollicitatieId));
}

function vacancyMatches(c: SyntheticClient, w: CwiWerkzoekende, r: () => number, pool: CwiVacature[]): CwiVacatureMatch[] {
  const codes = new Set(w.Werkprofiel.Beroepen.map((b) => b.BeroepCode));
  const regio = c.woonplaats === 'Leiden' ? PLAATSEN.leiden : PLAATSEN.amsterdam;
  const candidates = pool.filter((v) => codes.has(v.BeroepCode) && regio.includes(v.Plaats));
  return candidates.slice(0, 4).map((v, i) => ({
    MatchId: `M-${String(c.index).padStart(3, '0')}-${i + 1}`,
    Bsn: c.bsn,
    Score: Math.round((0.55 + r() * 0.42) * 100) / 100,
    MatchDatum: toDutchDate(isoDate(REFERENCE_DATE, -Math.floor(r() * 10))),
    Vacature: v,
  }));
}
