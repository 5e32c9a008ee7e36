// One report (rapportage) as the client and the klantmanager read it: period, goals and how far
// they got, activities, attendance, result and advice. Corrections are new versions: an old
// version stays readable and says it was replaced. Shared by the client's and klantmanager's pages.
import { badge, dataList, heading, paragraph } from './components.js';
import { datum } from './format.js';
import { html, type SafeHtml } from './html.js';

export interface Rapportage {
  id: string;
  trajectId: string;
  volgnummer: number;
  soort: string;
  origineel: string;
  versie: number;
  actueel: boolean;
  periode: { van: string; tot: string };
  doelen: { soort: string; omschrijving: string; voortgang: string; toelichting: string | null }[];
  activiteiten: { datum: string; omschrijving: string; uren: number | null }[];
  aanwezigheid: { gepland: number; aanwezig: number; afwezigMetBericht: number; afwezigZonderBericht: number; toelichting: string | null };
  resultaat: string | null;
  advies: string | null;
  bijlagen: { id: string; bestandsnaam: string; grootte: number }[];
  bureau: { naam: string } | null;
  ontvangenOp: string;
}

export const RAPPORTAGE_FIELDS = `id trajectId volgnummer soort origineel versie actueel
  periode { van tot } doelen { soort omschrijving voortgang toelichting } activiteiten { datum omschrijving uren }
  aanwezigheid { gepland aanwezig afwezigMetBericht afwezigZonderBericht toelichting }
  resultaat advies bijlagen { id bestandsnaam grootte } bureau { naam } ontvangenOp`;

/** A block's signed chain head (schema/keten/rapportage.graphql `Ketenhoofd`), as the pages show it. */
export interface Ketenhoofd {
  volgnummer: number;
  hash: string;
  vastgelegdOp: string;
}

export const KETENHOOFD_SELECTION = 'volgnummer hash vastgelegdOp';
export const KETENHOOFD_FIELDS = `ketenhoofd { ${KETENHOOFD_SELECTION} }`;

/**
 * The head in words: the number of the newest report and the start of its code. Someone who notes
 * it can see later that a report went missing (a lower number, another code); the full hash and
 * signature are in the API for checking by machine.
 */
export function ketenhoofdText(h: Ketenhoofd | null): SafeHtml {
  if (!h) return paragraph('Nog geen controlecode: er is nog geen rapportage.');
  return paragraph(
    html`Controlecode: <code>${h.hash.slice(0, 16)}</code> bij rapportage nummer ${h.volgnummer}, vastgelegd op ${datum(h.vastgelegdOp)}. Is het nummer later lager of de code anders, dan is er een rapportage verdwenen.`,
  );
}

const SOORT: Record<string, string> = { voortgangsrapportage: 'Voortgangsrapportage', eindrapportage: 'Eindrapportage' };
const DOEL: Record<string, string> = { leerdoel: 'Leerdoel', prestatiedoel: 'Doel' };
const VOORTGANG: Record<string, [string, 'neutral' | 'active' | 'success' | 'danger']> = {
  niet_gestart: ['Nog niet begonnen', 'neutral'],
  loopt: ['Bezig', 'active'],
  behaald: ['Gehaald', 'success'],
  niet_behaald: ['Niet gehaald', 'danger'],
};

export const soortWord = (soort: string) => SOORT[soort] ?? soort;

export function rapportageTitle(r: Rapportage): string {
  return `${soortWord(r.soort)} van ${datum(r.periode.van)} tot en met ${datum(r.periode.tot)}`;
}

/** A file's size in words: "12 kB", "1,4 MB". */
const grootte = (bytes: number) => (bytes < 1_000_000 ? `${Math.max(1, Math.round(bytes / 1000))} kB` : `${(bytes / 1_000_000).toFixed(1).replace('.', ',')} MB`);

/**
 * The whole report; `level` is the heading level of its title (the page decides the outline).
 * `bijlagen` is where the role's pages open an attachment (shared/bijlage-download.ts).
 */
export function rapportageBody(r: Rapportage, level: 1 | 2 | 3 | 4, bijlagen: string): SafeHtml {
  const sub = (level + 1) as 2 | 3 | 4 | 5;
  const a = r.aanwezigheid;
  return html`${r.actueel ? '' : paragraph(html`${badge('warning', 'Vervangen')} Er is later een verbeterde versie van deze rapportage gekomen.`)}
    ${dataList([
      ['Geschreven door', r.bureau?.naam],
      ['Ontvangen op', datum(r.ontvangenOp)],
      ['Versie', r.versie > 1 ? `${r.versie} (verbeterde versie)` : undefined],
    ])}
    ${heading(sub, 'Doelen')}
    ${r.doelen.length
      ? html`<ul class="kp-goals">${r.doelen.map((d) => {
          const [word, kind] = VOORTGANG[d.voortgang] ?? [d.voortgang, 'neutral' as const];
          return html`<li class="kp-goals__item"><p class="utrecht-paragraph"><strong>${DOEL[d.soort] ?? d.soort}:</strong> ${d.omschrijving} ${badge(kind, word)}</p>
            ${d.toelichting ? paragraph(d.toelichting) : ''}</li>`;
        })}</ul>`
      : paragraph('Geen doelen genoemd.')}
    ${r.activiteiten.length
      ? html`${heading(sub, 'Wat er is gedaan')}
        <ul class="utrecht-unordered-list">${r.activiteiten.map(
          (x) => html`<li class="utrecht-unordered-list__item">${datum(x.datum)}: ${x.omschrijving}${x.uren != null ? ` (${String(x.uren).replace('.', ',')} uur)` : ''}</li>`,
        )}</ul>`
      : ''}
    ${heading(sub, 'Aanwezig')}
    ${paragraph(`Aanwezig bij ${a.aanwezig} van de ${a.gepland} afspraken. Afgemeld: ${a.afwezigMetBericht}. Niet gekomen zonder bericht: ${a.afwezigZonderBericht}.`)}
    ${a.toelichting ? paragraph(a.toelichting) : ''}
    ${r.resultaat ? html`${heading(sub, 'Resultaat')}${paragraph(r.resultaat)}` : ''}
    ${r.advies ? html`${heading(sub, 'Advies')}${paragraph(r.advies)}` : ''}
    ${r.bijlagen.length ? html`${heading(sub, 'Bijlagen')}<ul class="utrecht-unordered-list">${r.bijlagen.map(
          (b) => html`<li class="utrecht-unordered-list__item"><a class="utrecht-link" href="${bijlagen}/${b.id}" download>${b.bestandsnaam}</a> (PDF, ${grootte(b.grootte)})</li>`,
        )}</ul>` : ''}`;
}
