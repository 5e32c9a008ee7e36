// CWI's field names, dd-mm-yyyy dates, J/N flags and comma-separated licences end here.
import { fromDutchDate } from '../common/dates.js';
import type { CwiSollicitatie, CwiVacatureMatch, CwiWerkzoekende, JN } from './source-contract.js';

const flag = (value: JN): boolean => {
  if (value === 'J') return true;
  if (value === 'N') return false;
  throw new TypeError('not a J/N flag');
};
const optionalDate = (value: string | null | undefined) => (value ? fromDutchDate(value) : null);

export function toInschrijving(w: CwiWerkzoekende) {
  return {
    inschrijvingsnummer: w.InschrijvingsNummer,
    inschrijfdatum: fromDutchDate(w.InschrijfDatum),
    uitschrijfdatum: optionalDate(w.UitschrijfDatum),
    status: w.Status,
    vestiging: w.Vestiging ?? null,
  };
}

export function toWerkprofiel(w: CwiWerkzoekende) {
  const p = w.Werkprofiel;
  return {
    opleidingsniveau: p.OpleidingsNiveau || null,
    opleidingen: p.Opleidingen.map((o) => ({ naam: o.Naam, niveau: o.Niveau || null, diploma: flag(o.Diploma), jaarAfgerond: o.JaarAfgerond })),
    rijbewijzen: p.Rijbewijzen ? p.Rijbewijzen.split(',').map((r) => r.trim()).filter(Boolean) : [],
    eigenVervoer: flag(p.EigenVervoer),
    beroepen: p.Beroepen.map((b) => ({ code: b.BeroepCode, naam: b.Omschrijving, ervaringInJaren: b.ErvaringJaren, gewenst: flag(b.Gewenst) })),
    urenPerWeek: p.UrenPerWeek ?? null,
    laatstGewijzigdOp: optionalDate(p.LaatstGewijzigd),
  };
}

export function toSollicitaties(items: CwiSollicitatie[]) {
  return items
    .map((s) => ({
      id: s.SollicitatieId,
      datum: fromDutchDate(s.Datum),
      werkgever: s.Werkgever,
      functie: s.Functie,
      vacaturenummer: s.VacatureNummer,
      kanaal: s.Kanaal,
      resultaat: s.Resultaat,
    }))
    .sort((a, b) => b.datum.localeCompare(a.datum) || a.id.localeCompare(b.id));
}

export function toVacatureMatches(items: CwiVacatureMatch[]) {
  return items
    .map((m) => ({
      id: m.MatchId,
      matchscore: Math.round(m.Score * 100),
      gematchtOp: optionalDate(m.MatchDatum),
      vacature: {
        vacaturenummer: m.Vacature.VacatureNummer,
        titel: m.Vacature.Titel,
        beroepscode: m.Vacature.BeroepCode,
        werkgever: m.Vacature.Werkgever,
        plaats: m.Vacature.Plaats,
        urenPerWeek: m.Vacature.UrenPerWeek,
        publicatiedatum: optionalDate(m.Vacature.PublicatieDatum),
        sluitingsdatum: optionalDate(m.Vacature.SluitingsDatum),
      },
    }))
    .sort((a, b) => b.matchscore - a.matchscore || a.id.localeCompare(b.id));
}
