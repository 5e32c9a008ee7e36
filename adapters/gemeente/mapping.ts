// The gemeente's XML (StUF-like names, yyyymmdd dates, decimal commas) ends here: documents from
// its source API become the subgraph's Klant. Values are read as text (parseTagValue off), so a BSN
// or a date is never turned into a number.
import { XMLBuilder } from 'fast-xml-parser';
import { fromCompactDate } from '../common/dates.js';
import { readXml } from './xml-read.js';

export interface Klant {
  bsn: string;
  naam: { voornamen: string; voorvoegsel: string | null; achternaam: string; volledigeNaam: string };
  geboortedatum: string | null;
  adres: { straat: string; huisnummer: string; postcode: string; woonplaats: string } | null;
  telefoon: string | null;
  email: string | null;
  klantnummer: string | null;
  gemeenteOin: string;
  klantmanager: string | null;
  bijstand: {
    dossiernummer: string | null;
    regeling: string;
    leefvorm: string;
    status: string;
    ingangsdatum: string;
    einddatum: string | null;
    normbedragPerMaand: number;
    kortingPerMaand: number;
    bedragPerMaand: number;
  } | null;
  gemeentelijkeTrajecten: { id: string; titel: string; ribOin: string; startdatum: string; einddatum: string | null; status: string }[];
}

export interface KlantenDocument {
  klanten: Klant[];
  totaal: number;
  volgende: string | null;
}

type Node = Record<string, unknown>;

const LISTS = new Set(['klant', 'traject']);
const builder = new XMLBuilder({ format: false });

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const required = (v: unknown, what: string): string => {
  const t = text(v);
  if (t === null) throw new TypeError(`${what} missing`);
  return t;
};
const node = (v: unknown): Node => (v && typeof v === 'object' ? (v as Node) : {});
const optionalDate = (v: unknown) => (text(v) ? fromCompactDate(text(v)!) : null);

/** "1321,39" → 1321.39 */
export function euros(v: unknown): number {
  const t = required(v, 'amount');
  if (!/^\d+,\d{2}$/.test(t)) throw new TypeError('amount malformed');
  return Number(t.replace(',', '.'));
}

function toKlant(k: Node): Klant {
  const adres = node(k.verblijfsadres);
  const voornamen = required(k.voornamen, 'voornamen');
  const voorvoegsel = text(k.voorvoegselGeslachtsnaam);
  const achternaam = required(k.geslachtsnaam, 'geslachtsnaam');
  const b = k.bijstand === undefined ? undefined : node(k.bijstand);
  return {
    bsn: required(k['inp.bsn'], 'inp.bsn'),
    naam: { voornamen, voorvoegsel, achternaam, volledigeNaam: [voornamen, voorvoegsel, achternaam].filter(Boolean).join(' ') },
    geboortedatum: optionalDate(k.geboortedatum),
    adres: k.verblijfsadres === undefined
      ? null
      : {
          straat: required(adres['gor.straatnaam'], 'straatnaam'),
          huisnummer: required(adres['aoa.huisnummer'], 'huisnummer'),
          postcode: required(adres['aoa.postcode'], 'postcode'),
          woonplaats: required(adres['wpl.woonplaatsNaam'], 'woonplaats'),
        },
    telefoon: text(k['sub.telefoonnummer']),
    email: text(k['sub.emailadres']),
    klantnummer: text(k.klantnummer),
    gemeenteOin: required(node(k.gemeente)['@_oin'], 'gemeente oin'),
    klantmanager: text(node(k.klantmanager)['@_code']),
    bijstand: b ? {
      dossiernummer: text(b['@_dossiernummer']),
      regeling: required(b.regeling, 'regeling') === 'PW' ? 'Participatiewet' : required(b.regeling, 'regeling'),
      leefvorm: required(b.leefvorm, 'leefvorm'),
      status: required(b.status, 'status'),
      ingangsdatum: fromCompactDate(required(b.ingangsdatum, 'ingangsdatum')),
      einddatum: optionalDate(b.einddatum),
      normbedragPerMaand: euros(b.normbedrag),
      kortingPerMaand: text(b.korting) ? euros(b.korting) : 0,
      bedragPerMaand: euros(b.uitkeringsbedrag),
    } : null,
    gemeentelijkeTrajecten: ((node(k.trajecten).traject as Node[] | undefined) ?? []).map((t) => ({
      id: required(t['@_id'], 'traject id'),
      titel: required(t.omschrijving, 'omschrijving'),
      ribOin: required(node(t.aanbieder)['@_oin'], 'aanbieder oin'),
      startdatum: fromCompactDate(required(t.begindatum, 'begindatum')),
      einddatum: optionalDate(t.einddatum),
      status: required(t.status, 'status'),
    })),
  };
}

/** Reads a <caseload>, <zoekresultaat> or <klanten> document. */
export function parseKlantenDocument(xml: string, root: 'caseload' | 'zoekresultaat' | 'klanten'): KlantenDocument {
  // No separate validation pass (it costs twice the parse, ~9 ms for 50 klanten): a garbled answer
  // still fails below, because every element the contract requires is checked while translating.
  const parsed = node(readXml(xml, LISTS));
  if (!(root in parsed)) throw new TypeError(`no <${root}> document`);
  const doc = node(parsed[root]);
  const klanten = ((doc.klant as Node[] | undefined) ?? []).map(toKlant);
  const totaal = Number(doc['@_totaal'] ?? doc['@_aantal'] ?? klanten.length);
  if (!Number.isInteger(totaal)) throw new TypeError('totaal malformed');
  return { klanten, totaal, volgende: text(doc.volgende) };
}

/** The body of a batch lookup: <opvraging><inp.bsn>…</inp.bsn>…</opvraging>. */
export function opvragingDocument(bsns: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${builder.build({ opvraging: { 'inp.bsn': bsns } })}`;
}

export interface Afspraak {
  id: string;
  bsn: string;
  /** yyyy-mm-dd */
  datum: string;
  /** hh:mm, Dutch time */
  begintijd: string;
  eindtijd: string | null;
  onderwerp: string | null;
  plaats: string;
  metWie: string;
  status: 'GEPLAND' | 'NAGEKOMEN' | 'NIET_NAGEKOMEN' | 'AFGEZEGD';
}

const AFSPRAAK_STATUS = new Set<string>(['GEPLAND', 'NAGEKOMEN', 'NIET_NAGEKOMEN', 'AFGEZEGD']);
const AFSPRAAK_LISTS = new Set(['afspraak']);

/** "0930" → "09:30" */
function tijd(v: unknown, what: string): string {
  const t = required(v, what);
  const m = /^([01]\d|2[0-3])([0-5]\d)$/.exec(t);
  if (!m) throw new TypeError(`${what} malformed`);
  return `${m[1]}:${m[2]}`;
}

function toAfspraak(a: Node): Afspraak {
  const medewerker = node(a.medewerker);
  const status = required(a.status, 'status');
  if (!AFSPRAAK_STATUS.has(status)) throw new TypeError('afspraak status unknown');
  const naam = required(medewerker.naam, 'medewerker naam');
  const functie = text(medewerker.functie);
  return {
    id: required(a['@_id'], 'afspraak id'),
    bsn: required(a['inp.bsn'], 'inp.bsn'),
    datum: fromCompactDate(required(a.datum, 'datum')),
    begintijd: tijd(a.begintijd, 'begintijd'),
    eindtijd: text(a.eindtijd) ? tijd(a.eindtijd, 'eindtijd') : null,
    onderwerp: text(a.onderwerp),
    plaats: required(a.locatie, 'locatie'),
    metWie: functie && !naam.toLowerCase().includes(functie.toLowerCase()) ? `${naam} (${functie})` : naam,
    status: status as Afspraak['status'],
  };
}

/** Reads an <afspraken> document: each klant's appointments, by BSN, oldest first. */
export function parseAfsprakenDocument(xml: string): Map<string, Afspraak[]> {
  const parsed = node(readXml(xml, AFSPRAAK_LISTS));
  if (!('afspraken' in parsed)) throw new TypeError('no <afspraken> document');
  const byBsn = new Map<string, Afspraak[]>();
  for (const a of ((node(parsed.afspraken).afspraak as Node[] | undefined) ?? []).map(toAfspraak)) {
    const list = byBsn.get(a.bsn) ?? [];
    list.push(a);
    byBsn.set(a.bsn, list);
  }
  for (const list of byBsn.values()) list.sort((x, y) => x.datum.localeCompare(y.datum) || x.begintijd.localeCompare(y.begintijd));
  return byBsn;
}
