// The monthly report the Suwinet normenkader asks for, per organisation: employees, consultations,
// refusals by reason, anomaly signals and how far each was followed up, the auditors' own lookups;
// and the state of the rapportage hash chains of the organisation's trajectories (verify-chain over
// every block), with each break named in words.
import type { FastifyInstance } from 'fastify';
import { reasonWords } from '../../audit/words.js';
import { alert, badge, dataList, heading, linkButton, paragraph } from '../shared/components.js';
import type { Pages } from '../shared/context.js';
import { datumTijd } from '../shared/format.js';
import { html, type SafeHtml } from '../shared/html.js';
import { checkMonth, fieldsOf, monthField, summary, type Problems } from './form.js';
import { ACTIVITEIT_FIELDS, SIGNAAL_FIELDS, activityTable, signalItem, type Activiteit, type Signaal } from './views.js';
import { monthWords, recentMonths, signalTitle } from './words.js';

const PATH = '/auditor/rapport';

interface Aantal {
  naam: string;
  aantal: number;
}
export interface Ketenintegriteit {
  gecontroleerdOp: string;
  blokken: number;
  rapportages: number;
  gebroken: { blokId: string; trajectId: string; rapportageId: string; volgnummer: number; uitleg: string }[];
}
interface Rapport {
  maand: string;
  organisatie: { naam: string };
  van: string;
  tot: string;
  medewerkers: number;
  raadplegingen: number;
  verwerkingen: number;
  klanten: number;
  weigeringen: number;
  weigeringenPerReden: Aantal[];
  controles: number;
  signalen: Signaal[];
  signalenPerSoort: Aantal[];
  signalenZonderOpvolging: number;
  signalenAfgehandeld: number;
  perMedewerker: Activiteit[];
  ketenintegriteit: Ketenintegriteit;
}

const QUERY = `query Rapport($maand: String!) { controleRapport(maand: $maand) {
  maand organisatie { naam } van tot medewerkers raadplegingen verwerkingen klanten weigeringen
  weigeringenPerReden { naam aantal } controles signalen { ${SIGNAAL_FIELDS} } signalenPerSoort { naam aantal }
  signalenZonderOpvolging signalenAfgehandeld perMedewerker { ${ACTIVITEIT_FIELDS} }
  ketenintegriteit { gecontroleerdOp blokken rapportages gebroken { blokId trajectId rapportageId volgnummer uitleg } } } }`;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function chainSection(k: Ketenintegriteit): SafeHtml {
  return html`<section aria-labelledby="keten">
    ${heading(2, 'Zijn de rapportages onveranderd?', 'keten')}
    ${paragraph(`Ketenpoort controleerde op ${datumTijd(k.gecontroleerdOp)} de ketens van ${plural(k.blokken, 'rapportageblok', 'rapportageblokken')} met samen ${plural(k.rapportages, 'rapportage', 'rapportages')} van de trajecten van uw organisatie.`)}
    ${k.gebroken.length === 0
      ? alert('ok', 'Alle ketens kloppen: geen rapportage is veranderd of verwijderd.')
      : html`${alert('error', html`<strong>${k.gebroken.length === 1 ? 'In 1 blok klopt de keten niet.' : `In ${k.gebroken.length} blokken klopt de keten niet.`}</strong> Meld dit bij de beheerder van Ketenpoort en bij uw functionaris gegevensbescherming.`)}
        <ul class="kp-rows">${k.gebroken.map(
          (b) => html`<li>${badge('danger', 'Breuk')} Traject <code>${b.trajectId}</code>, rapportage nummer ${b.volgnummer}: ${b.uitleg}.</li>`,
        )}</ul>`}
  </section>`;
}

function counts(list: Aantal[], words: (naam: string) => string, caption: string): SafeHtml {
  const shown = list.filter((a) => a.aantal > 0);
  if (!shown.length) return html``;
  return html`${heading(3, caption)}<ul class="kp-rows">${shown.map((a) => html`<li>${words(a.naam)}: <strong>${a.aantal}</strong></li>`)}</ul>`;
}

export async function auditorRapportRoutes(app: FastifyInstance, pages: Pages) {
  app.get(PATH, async (request, reply) => {
    const f = fieldsOf(request.query, ['maand']);
    f.maand ||= recentMonths()[0]!;
    const p: Problems = {};
    checkMonth(f, p);
    const r = Object.keys(p).length ? undefined : (await pages.graph<{ controleRapport: Rapport }>(pages.session(request), QUERY, { maand: f.maand })).data!.controleRapport;
    const body = html`${heading(1, 'Maandrapport')}
      ${summary(p)}
      ${paragraph('Het overzicht dat het normenkader vraagt: wie in uw organisatie gegevens gebruikte, wat er werd geweigerd, welke signalen er waren en hoe ze zijn opgevolgd.')}
      <form method="get" action="${PATH}" class="kp-form">
        ${monthField(f.maand!, p.maand)}
        <button type="submit" class="utrecht-button utrecht-button--primary-action">Tonen</button>
      </form>
      ${r
        ? html`<section aria-labelledby="cijfers">
            ${heading(2, `${r.organisatie.naam}, ${monthWords(r.maand)}`, 'cijfers')}
            ${dataList([
              ['Medewerkers die gegevens gebruikten', String(r.medewerkers)],
              ['Raadplegingen', String(r.raadplegingen)],
              ['Verwerkingen', String(r.verwerkingen)],
              ['Verschillende cliënten', String(r.klanten)],
              ['Weigeringen', String(r.weigeringen)],
              ['Controles door de privacyfunctionaris', String(r.controles)],
              ['Signalen', String(r.signalen.length)],
              ['Signalen nog niet opgevolgd', String(r.signalenZonderOpvolging)],
              ['Signalen afgehandeld', String(r.signalenAfgehandeld)],
            ])}
            ${counts(r.weigeringenPerReden, reasonWords, 'Weigeringen per reden')}
            ${counts(r.signalenPerSoort, signalTitle, 'Signalen per soort')}
            ${linkButton(`/auditor/export?maand=${r.maand}`, `${monthWords(r.maand)} exporteren`)}
          </section>
          <section aria-labelledby="signalen">
            ${heading(2, 'Signalen en opvolging', 'signalen')}
            ${r.signalen.length
              ? html`<ul class="kp-signals">${r.signalen.map((s) => signalItem(s))}</ul>
                  ${paragraph(html`<a class="utrecht-link" href="/auditor/signalen?van=${r.van}&amp;tot=${r.tot}">Opvolging vastleggen bij de signalen</a>`)}`
              : paragraph('Geen signalen in deze maand.')}
          </section>
          <section aria-labelledby="medewerkers">
            ${heading(2, 'Per medewerker', 'medewerkers')}
            ${activityTable(r.perMedewerker, `Medewerkers in ${monthWords(r.maand)}`, { van: r.van, tot: r.tot })}
          </section>
          ${chainSection(r.ketenintegriteit)}`
        : ''}`;
    return pages.send(request, reply, { title: 'Maandrapport', current: PATH, status: r ? 200 : 400, body });
  });
}
