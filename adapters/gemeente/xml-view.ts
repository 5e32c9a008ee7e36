// How the gemeente's source system writes its records as XML (StUF-like element names such as
// inp.bsn and gor.straatnaam, dates as yyyymmdd, euros with a decimal comma). Used by the sandbox
// only; the adapter reads the same documents in mapping.ts.
import { XMLBuilder } from 'fast-xml-parser';
import type { GemeenteAfspraakRecord } from './agenda-data.js';
import type { GemeenteKlantRecord } from './data.js';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, suppressEmptyNode: true });
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

function klantElement(k: GemeenteKlantRecord) {
  return {
    'inp.bsn': k.bsn,
    klantnummer: k.klantnummer,
    gemeente: { '@_oin': k.gemeenteOin },
    voornamen: k.voornamen,
    // Optional elements are left out when empty, as the contract says (not written as <x/>).
    ...(k.voorvoegselGeslachtsnaam ? { voorvoegselGeslachtsnaam: k.voorvoegselGeslachtsnaam } : {}),
    geslachtsnaam: k.geslachtsnaam,
    geboortedatum: k.geboortedatum,
    geslachtsaanduiding: k.geslachtsaanduiding,
    verblijfsadres: {
      'gor.straatnaam': k.straatnaam,
      'aoa.huisnummer': k.huisnummer,
      'aoa.postcode': k.postcode,
      'wpl.woonplaatsNaam': k.woonplaatsNaam,
    },
    'sub.telefoonnummer': k.telefoonnummer,
    'sub.emailadres': k.emailadres,
    klantmanager: { '@_code': k.klantmanagerCode },
    ...(k.bijstand
      ? {
          bijstand: {
            '@_dossiernummer': k.bijstand.dossiernummer,
            regeling: k.bijstand.regeling,
            leefvorm: k.bijstand.leefvorm,
            normbedrag: k.bijstand.normbedrag,
            korting: k.bijstand.korting,
            uitkeringsbedrag: k.bijstand.uitkeringsbedrag,
            ingangsdatum: k.bijstand.ingangsdatum,
            ...(k.bijstand.einddatum ? { einddatum: k.bijstand.einddatum } : {}),
            status: k.bijstand.status,
          },
        }
      : {}),
    trajecten: {
      traject: k.trajecten.map((t) => ({
        '@_id': t.id,
        omschrijving: t.omschrijving,
        aanbieder: { '@_oin': t.aanbiederOin },
        begindatum: t.begindatum,
        einddatum: t.einddatum,
        status: t.status,
      })),
    },
  };
}

// The register does not change while the sandbox runs, so each klant is written as XML once and
// list documents are put together from those pieces: building 100 klanten on every page cost the
// sandbox more CPU than the adapter it serves (bench/compare.ts --profile).
const written = new WeakMap<GemeenteKlantRecord, string>();
function klantXml(k: GemeenteKlantRecord): string {
  let xml = written.get(k);
  if (xml === undefined) {
    xml = builder.build({ klant: klantElement(k) }) as string;
    written.set(k, xml);
  }
  return xml;
}

/** A list document: <root attrs><klant/>…<volgende>cursor</volgende></root>. */
export function klantenDocument(root: string, attributes: Record<string, string | number>, klanten: GemeenteKlantRecord[], volgende?: string): string {
  const attrs = Object.fromEntries(Object.entries(attributes).map(([k, v]) => [`@_${k}`, String(v)]));
  // Attributes and the cursor are built by the builder (it escapes them); the klanten are pieces.
  const shell = builder.build({ [root]: { ...attrs, '#klanten': '\u0000', ...(volgende ? { volgende } : {}) } }) as string;
  const [head, tail] = shell.split(/\s*<#klanten>\u0000<\/#klanten>\s*/);
  return DECLARATION + head + '\n' + klanten.map(klantXml).join('') + (tail ?? '');
}

export function foutDocument(status: number, melding: string): string {
  return DECLARATION + builder.build({ fout: { code: String(status), melding } });
}

/** <afspraken aantal><afspraak id>…</afspraak>…</afspraken>: the agenda of the klanten asked for. */
export function afsprakenDocument(afspraken: GemeenteAfspraakRecord[]): string {
  return DECLARATION + builder.build({
    afspraken: {
      '@_aantal': String(afspraken.length),
      afspraak: afspraken.map((a) => ({
        '@_id': a.id,
        'inp.bsn': a.bsn,
        datum: a.datum,
        begintijd: a.begintijd,
        eindtijd: a.eindtijd,
        onderwerp: a.onderwerp,
        locatie: a.locatie,
        medewerker: { ...(a.medewerker.code ? { '@_code': a.medewerker.code } : {}), naam: a.medewerker.naam, functie: a.medewerker.functie },
        status: a.status,
      })),
    },
  });
}
