// The combined werk/inkomen view of one client: inkomen (UWV benefits, gemeente bijstand) and
// werk (CWI registration, werkprofiel, applications). Shared by the client's overview and the
// klantmanager's client page; a part whose partner did not answer says so instead of "none".
import { badge, dataList, heading, paragraph } from './components.js';
import { bedrag, datum } from './format.js';
import { html, type SafeHtml } from './html.js';
import { PARTNER_NAMES, isMissing } from './partners.js';

export interface KlantBeeld {
  naam: { volledigeNaam: string } | null;
  adres: { straat: string; huisnummer: string; postcode: string; woonplaats: string } | null;
  telefoon: string | null;
  uitkeringen: { id: string; soort: string; status: string; ingangsdatum: string; einddatum: string | null; bedragPerMaand: number }[] | null;
  bijstand: { regeling: string; status: string; ingangsdatum: string; einddatum: string | null; bedragPerMaand: number } | null;
  inschrijving: { status: string; inschrijfdatum: string; uitschrijfdatum: string | null; vestiging: string | null } | null;
  werkprofiel: {
    opleidingsniveau: string | null;
    rijbewijzen: string[];
    eigenVervoer: boolean;
    urenPerWeek: number | null;
    beroepen: { naam: string; gewenst: boolean; ervaringInJaren: number | null }[];
  } | null;
  sollicitaties: { id: string; datum: string; werkgever: string; functie: string; resultaat: string }[] | null;
}

export const KLANTBEELD_FIELDS = `naam { volledigeNaam } adres { straat huisnummer postcode woonplaats } telefoon
  uitkeringen { id soort status ingangsdatum einddatum bedragPerMaand }
  bijstand { regeling status ingangsdatum einddatum bedragPerMaand }
  inschrijving { status inschrijfdatum uitschrijfdatum vestiging }
  werkprofiel { opleidingsniveau rijbewijzen eigenVervoer urenPerWeek beroepen { naam gewenst ervaringInJaren } }
  sollicitaties { id datum werkgever functie resultaat }`;

const UITKERING: Record<string, string> = { WW: 'WW-uitkering', WIA_WGA: 'WIA-uitkering (WGA)', WIA_IVA: 'WIA-uitkering (IVA)', WAJONG: 'Wajong-uitkering' };
const LOOPT: Record<string, [string, 'active' | 'inactive' | 'neutral']> = {
  LOPEND: ['Loopt', 'active'],
  TOEGEKEND: ['Toegekend', 'active'],
  AANGEVRAAGD: ['Aangevraagd', 'neutral'],
  BEEINDIGD: ['Gestopt', 'inactive'],
};
const RESULTAAT: Record<string, string> = {
  IN_BEHANDELING: 'Nog geen antwoord',
  UITGENODIGD: 'Uitgenodigd voor gesprek',
  AFGEWEZEN: 'Afgewezen',
  AANGENOMEN: 'Aangenomen',
  GEEN_REACTIE: 'Geen reactie gekregen',
};

const status = (s: string) => {
  const [word, kind] = LOOPT[s] ?? [s, 'neutral' as const];
  return badge(kind, word);
};

function periode(van: string, tot: string | null): string {
  return tot ? `van ${datum(van)} tot en met ${datum(tot)}` : `sinds ${datum(van)}`;
}

function missing(partner: string): SafeHtml {
  return paragraph(html`<em>${PARTNER_NAMES[partner] ?? partner} geeft nu geen antwoord. Dit deel ziet u later weer.</em>`);
}

export function inkomenSection(k: KlantBeeld, down: string[], level: 2 | 3, you: boolean): SafeHtml {
  const sub = (level + 1) as 3 | 4;
  const uitkeringen = [...(k.uitkeringen ?? [])].sort((a, b) => (a.status === b.status ? b.ingangsdatum.localeCompare(a.ingangsdatum) : a.status === 'LOPEND' ? -1 : 1));
  return html`<section class="kp-card" aria-labelledby="inkomen">
    ${heading(level, 'Inkomen', 'inkomen')}
    ${heading(sub, 'Uitkering van UWV')}
    ${isMissing(down, 'uwv')
      ? missing('uwv')
      : uitkeringen.length === 0
        ? paragraph(you ? 'U krijgt geen uitkering van UWV.' : 'Geen uitkering bij UWV.')
        : html`<ul class="kp-rows">${uitkeringen.map(
            (u) => html`<li><p class="utrecht-paragraph"><strong>${UITKERING[u.soort] ?? u.soort}</strong> ${status(u.status)}</p>
              ${paragraph(`${bedrag(u.bedragPerMaand)} bruto per maand, ${periode(u.ingangsdatum, u.einddatum)}.`)}</li>`,
          )}</ul>`}
    ${heading(sub, 'Bijstand van de gemeente')}
    ${isMissing(down, 'gemeente')
      ? missing('gemeente')
      : k.bijstand
        ? html`<p class="utrecht-paragraph"><strong>${k.bijstand.regeling}</strong> ${status(k.bijstand.status)}</p>
          ${paragraph(`${bedrag(k.bijstand.bedragPerMaand)} per maand, ${periode(k.bijstand.ingangsdatum, k.bijstand.einddatum)}.`)}`
        : paragraph(you ? 'U krijgt geen bijstand van de gemeente.' : 'Geen bijstand.')}
  </section>`;
}

export function werkSection(k: KlantBeeld, down: string[], level: 2 | 3, you: boolean): SafeHtml {
  const sub = (level + 1) as 3 | 4;
  if (isMissing(down, 'cwi')) {
    return html`<section class="kp-card" aria-labelledby="werk">${heading(level, 'Werk', 'werk')}${missing('cwi')}</section>`;
  }
  const i = k.inschrijving;
  const w = k.werkprofiel;
  const sollicitaties = (k.sollicitaties ?? []).slice(0, 5);
  return html`<section class="kp-card" aria-labelledby="werk">
    ${heading(level, 'Werk', 'werk')}
    ${i
      ? paragraph(i.status === 'INGESCHREVEN'
          ? `${you ? 'U staat' : 'Staat'} ingeschreven als werkzoekende sinds ${datum(i.inschrijfdatum)}${i.vestiging ? ` (${i.vestiging})` : ''}.`
          : `${you ? 'U bent' : 'Is'} uitgeschreven als werkzoekende${i.uitschrijfdatum ? ` op ${datum(i.uitschrijfdatum)}` : ''}.`)
      : paragraph(you ? 'U staat niet ingeschreven als werkzoekende.' : 'Niet ingeschreven als werkzoekende.')}
    ${w
      ? html`${heading(sub, 'Werkprofiel')}
        ${dataList([
          ['Opleiding', w.opleidingsniveau],
          ['Rijbewijs', w.rijbewijzen.length ? w.rijbewijzen.join(', ') : 'Geen'],
          ['Eigen vervoer', w.eigenVervoer ? 'Ja' : 'Nee'],
          ['Uren per week', w.urenPerWeek != null ? String(w.urenPerWeek) : undefined],
          ['Wil werken als', w.beroepen.filter((b) => b.gewenst).map((b) => b.naam).join(', ') || undefined],
          ['Ervaring', w.beroepen.filter((b) => b.ervaringInJaren).map((b) => `${b.naam} (${b.ervaringInJaren} jaar)`).join(', ') || undefined],
        ])}`
      : ''}
    ${heading(sub, 'Laatste sollicitaties')}
    ${sollicitaties.length
      ? html`<ul class="kp-rows">${sollicitaties.map(
          (s) => html`<li>${paragraph(html`<strong>${s.functie}</strong> bij ${s.werkgever}, ${datum(s.datum)}: ${RESULTAAT[s.resultaat] ?? s.resultaat}`)}</li>`,
        )}</ul>`
      : paragraph('Geen sollicitaties bekend.')}
  </section>`;
}

export function adresText(k: KlantBeeld): string | undefined {
  const a = k.adres;
  return a ? `${a.straat} ${a.huisnummer}, ${a.postcode} ${a.woonplaats}` : undefined;
}
