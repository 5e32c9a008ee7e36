// A deterministic synthetic population of the chain's clients, shared by the three partner
// sandboxes (each shows only its own part, in its own format) and the gateway's demo seed.
// Same seed, same people, on every machine: tests and demos can name a client by index.
import { ORG } from './organisations.js';

export type Scenario = 'ww' | 'bijstand' | 'ww-naar-bijstand' | 'wia' | 'wajong' | 'geen';
export const SCENARIOS: Scenario[] = ['ww', 'bijstand', 'ww-naar-bijstand', 'wia', 'wajong', 'geen'];

export interface SyntheticTraject {
  /** The gemeente's own id for the trajectory. */
  externalId: string;
  title: string;
  ribOin: string;
  startsOn: string;
  endsOn: string;
}

export interface SyntheticClient {
  index: number;
  bsn: string;
  voornaam: string;
  tussenvoegsel: string | null;
  achternaam: string;
  geboortedatum: string;
  geslacht: 'M' | 'V' | 'X';
  straat: string;
  huisnummer: string;
  postcode: string;
  woonplaats: string;
  telefoon: string;
  email: string;
  scenario: Scenario;
  /** The gemeente whose caseload the client is on. */
  gemeenteOin: string;
  klantmanager: string;
  trajecten: SyntheticTraject[];
}

export const POPULATION_SIZE = 72;
/** The reference date the population's dates are laid out around (benefits running "now"). */
export const REFERENCE_DATE = '2026-11-01';

const VOORNAMEN = ['Fatima', 'Jan', 'Sanne', 'Mohamed', 'Anouk', 'Dewi', 'Pieter', 'Aylin', 'Kees', 'Noor', 'Ricardo', 'Esther', 'Bram', 'Yasmina', 'Thijs', 'Ilse', 'Mehmet', 'Lotte', 'Joost', 'Priya'];
const ACHTERNAMEN: [string | null, string][] = [[null, 'el Amrani'], ['de', 'Vries'], ['van', 'Dijk'], [null, 'Bakker'], [null, 'Yilmaz'], ['de', 'Jong'], [null, 'Janssen'], ['van der', 'Berg'], [null, 'Visser'], [null, 'Smit'], [null, 'Meijer'], ['de', 'Boer'], [null, 'Mulder'], [null, 'Kartosen'], [null, 'Bos'], ['van', 'Leeuwen'], [null, 'Öztürk'], [null, 'Dekker'], [null, 'Brouwer'], [null, 'Hoekstra']];
const STRATEN = { amsterdam: ['Bijlmerdreef', 'Kraaiennest', 'Ganzenhoef', 'Holendrecht', 'Reigersbos', 'Gaasperdam'], leiden: ['Haarlemmerstraat', 'Kooilaan', 'Morsweg', 'Hoflaan'] };
const TRAJECTEN = ['Werkfit-traject', 'Sollicitatietraining', 'Taal en werk', 'Jobcoaching', 'Werkervaringsplaats'];

/** mulberry32: a tiny deterministic PRNG; good enough for synthetic demo data. */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A nine-digit number passing the elfproef, derived from `n` (distinct n give distinct BSNs). */
export function syntheticBsn(n: number): string {
  // First 8 digits from n, the ninth chosen so that the weighted sum is divisible by 11.
  for (let bump = 0; ; bump++) {
    const head = String(10_000_000 + ((n * 7919 + bump * 104_729) % 89_999_999)).padStart(8, '0').slice(0, 8);
    let sum = 0;
    for (let i = 0; i < 8; i++) sum += Number(head[i]) * (9 - i);
    const last = sum % 11;
    if (last <= 9) return head + String(last);
  }
}

/** `base` (yyyy-mm-dd) moved by `dayOffset` days, as yyyy-mm-dd. */
export function isoDate(base: string, dayOffset: number): string {
  const d = new Date(`${base}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + dayOffset);
  return d.toISOString().slice(0, 10);
}

function makeClient(index: number): SyntheticClient {
  const r = rng(1000 + index);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const inLeiden = index % 6 === 5;
  const gemeente = inLeiden ? ORG.leiden : ORG.amsterdam;
  const [tussenvoegsel, achternaam] = index === 0 ? ACHTERNAMEN[0]! : pick(ACHTERNAMEN);
  const voornaam = index === 0 ? 'Fatima' : pick(VOORNAMEN);
  const postcode = inLeiden
    ? `23${String(10 + Math.floor(r() * 80))} ${pick(['AB', 'CD', 'EK', 'HL'])}`
    : `110${1 + Math.floor(r() * 8)} ${pick(['AA', 'BC', 'DE', 'GH', 'KL'])}`;
  const ageYears = 19 + Math.floor(r() * 45);
  const trajecten: SyntheticTraject[] = [];
  // Every third client has a trajectory; client 0 always has one with Werkfit (the demo story).
  if (index % 3 === 0) {
    const start = isoDate(REFERENCE_DATE, -30 - Math.floor(r() * 120));
    trajecten.push({
      externalId: `TRJ-${gemeente === ORG.amsterdam ? 'AMS' : 'LEI'}-${String(4000 + index)}`,
      title: index === 0 ? 'Werkfit-traject' : pick(TRAJECTEN),
      ribOin: index % 2 === 0 ? ORG.werkfit.oin : ORG.aandeslag.oin,
      startsOn: start,
      endsOn: isoDate(start, 180 + Math.floor(r() * 180)),
    });
  }
  const first = voornaam.toLowerCase();
  return {
    index,
    bsn: syntheticBsn(index + 1),
    voornaam,
    tussenvoegsel,
    achternaam,
    geboortedatum: isoDate(REFERENCE_DATE, -Math.floor(ageYears * 365.25 + r() * 300)),
    geslacht: pick(['M', 'V', 'V', 'M', 'X'] as const),
    straat: pick(inLeiden ? STRATEN.leiden : STRATEN.amsterdam),
    huisnummer: String(1 + Math.floor(r() * 240)),
    postcode,
    woonplaats: inLeiden ? 'Leiden' : 'Amsterdam',
    telefoon: `06-${String(10_000_000 + Math.floor(r() * 89_999_999))}`,
    email: `${first}.${achternaam.toLowerCase().replace(/[^a-z]/g, '')}${index}@example.nl`,
    // Shifted by one every six clients so that Leiden (every sixth) gets every scenario too;
    // clients 0-5 keep ww, bijstand, ww-naar-bijstand, wia, wajong, geen.
    scenario: SCENARIOS[(index + Math.floor(index / 6)) % SCENARIOS.length]!,
    gemeenteOin: gemeente.oin,
    klantmanager: inLeiden ? 'km-sanne' : 'km-jan',
    trajecten,
  };
}

const cached = new Map<number, SyntheticClient[]>();

/** The first `size` people; each person depends only on their index, so a larger population
 * (`SANDBOX_POPULATION`, for load tests with big-city caseloads) keeps the demo people as they are. */
export function population(size = POPULATION_SIZE): SyntheticClient[] {
  let people = cached.get(size);
  if (!people) {
    people = Array.from({ length: size }, (_, i) => makeClient(i));
    cached.set(size, people);
  }
  return people;
}

export function fullName(c: Pick<SyntheticClient, 'voornaam' | 'tussenvoegsel' | 'achternaam'>): string {
  return [c.voornaam, c.tussenvoegsel, c.achternaam].filter(Boolean).join(' ');
}
