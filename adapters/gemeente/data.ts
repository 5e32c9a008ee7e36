// The gemeente's register as its source system holds it: for each gemeente (tenant, by OIN) its
// caseload of klanten with the klantmanager, the bijstand (Participatiewet) and the trajectories
// purchased from re-integratiebureaus. Derived from the synthetic population; the bijstand agrees
// with UWV's WW (it starts the day after the WW ends).
import { toCompactDate } from '../common/dates.js';
import { inkomenVan, type Leefvorm } from '../population/inkomen.js';
import { population, POPULATION_SIZE, REFERENCE_DATE, type SyntheticClient, type SyntheticTraject } from '../population/population.js';

export interface GemeenteBijstandRecord {
  dossiernummer: string;
  regeling: 'PW';
  leefvorm: 'ALLEENSTAAND' | 'ALLEENSTAANDE_OUDER' | 'GEHUWD';
  /** Amounts as the source writes them: euros with a decimal comma. */
  normbedrag: string;
  korting: string;
  uitkeringsbedrag: string;
  ingangsdatum: string;
  einddatum: string | null;
  status: 'AANGEVRAAGD' | 'TOEGEKEND' | 'LOPEND' | 'BEEINDIGD';
}

export interface GemeenteTrajectRecord {
  id: string;
  omschrijving: string;
  aanbiederOin: string;
  begindatum: string;
  einddatum: string;
  status: 'GEPLAND' | 'LOPEND' | 'AFGEROND';
}

export interface GemeenteKlantRecord {
  bsn: string;
  gemeenteOin: string;
  klantnummer: string;
  voornamen: string;
  voorvoegselGeslachtsnaam: string | null;
  geslachtsnaam: string;
  geboortedatum: string;
  geslachtsaanduiding: 'M' | 'V' | 'O';
  straatnaam: string;
  huisnummer: string;
  postcode: string;
  woonplaatsNaam: string;
  telefoonnummer: string;
  emailadres: string;
  klantmanagerCode: string;
  bijstand: GemeenteBijstandRecord | null;
  trajecten: GemeenteTrajectRecord[];
}

export interface GemeenteRegister {
  byBsn: Map<string, GemeenteKlantRecord>;
  /** Each tenant's caseload in a stable order: geslachtsnaam, voornamen, bsn. */
  caseloads: Map<string, GemeenteKlantRecord[]>;
}

const LEEFVORM: Record<Leefvorm, GemeenteBijstandRecord['leefvorm']> = {
  alleenstaand: 'ALLEENSTAAND',
  'alleenstaande-ouder': 'ALLEENSTAANDE_OUDER',
  gehuwd: 'GEHUWD',
};

/** Cents as the gemeente's system writes euros: "1321,39". */
export const euroText = (cents: number) => `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')}`;

const registers = new Map<number, GemeenteRegister>();

export function gemeenteRegister(populationSize = POPULATION_SIZE): GemeenteRegister {
  let register = registers.get(populationSize);
  if (!register) {
    register = build(populationSize);
    registers.set(populationSize, register);
  }
  return register;
}

function build(populationSize: number): GemeenteRegister {
  const byBsn = new Map<string, GemeenteKlantRecord>();
  const caseloads = new Map<string, GemeenteKlantRecord[]>();
  for (const client of population(populationSize)) {
    const record = klant(client);
    byBsn.set(client.bsn, record);
    const list = caseloads.get(record.gemeenteOin) ?? [];
    list.push(record);
    caseloads.set(record.gemeenteOin, list);
  }
  for (const list of caseloads.values()) {
    list.sort((a, b) => a.geslachtsnaam.localeCompare(b.geslachtsnaam, 'nl') || a.voornamen.localeCompare(b.voornamen, 'nl') || a.bsn.localeCompare(b.bsn));
  }
  return { byBsn, caseloads };
}

function klant(c: SyntheticClient): GemeenteKlantRecord {
  const leiden = c.woonplaats === 'Leiden';
  return {
    bsn: c.bsn,
    gemeenteOin: c.gemeenteOin,
    klantnummer: `${leiden ? 'LEI' : 'AMS'}-${String(12_000 + c.index * 3).padStart(6, '0')}`,
    voornamen: c.voornaam,
    voorvoegselGeslachtsnaam: c.tussenvoegsel,
    geslachtsnaam: c.achternaam,
    geboortedatum: toCompactDate(c.geboortedatum),
    geslachtsaanduiding: c.geslacht === 'X' ? 'O' : c.geslacht,
    straatnaam: c.straat,
    huisnummer: c.huisnummer,
    postcode: c.postcode.replace(' ', ''),
    woonplaatsNaam: c.woonplaats,
    telefoonnummer: c.telefoon,
    emailadres: c.email,
    klantmanagerCode: c.klantmanager,
    bijstand: bijstand(c),
    trajecten: c.trajecten.map(traject),
  };
}

function bijstand(c: SyntheticClient): GemeenteBijstandRecord | null {
  const b = inkomenVan(c).bijstand;
  if (!b) return null;
  const future = b.ingangsdatum > REFERENCE_DATE;
  return {
    dossiernummer: `PW-${b.ingangsdatum.slice(0, 4)}-${String(80_000 + c.index * 7)}`,
    regeling: 'PW',
    leefvorm: LEEFVORM[b.leefvorm],
    normbedrag: euroText(b.brutoPerMaandCent + b.kortingCent),
    korting: euroText(b.kortingCent),
    uitkeringsbedrag: euroText(b.brutoPerMaandCent),
    ingangsdatum: toCompactDate(b.ingangsdatum),
    einddatum: b.einddatum ? toCompactDate(b.einddatum) : null,
    // Granted before the WW ran out, paid from the day after.
    status: future ? 'TOEGEKEND' : 'LOPEND',
  };
}

function traject(t: SyntheticTraject): GemeenteTrajectRecord {
  const status = t.startsOn > REFERENCE_DATE ? 'GEPLAND' : t.endsOn < REFERENCE_DATE ? 'AFGEROND' : 'LOPEND';
  return {
    id: t.externalId,
    omschrijving: t.title,
    aanbiederOin: t.ribOin,
    begindatum: toCompactDate(t.startsOn),
    einddatum: toCompactDate(t.endsOn),
    status,
  };
}
