// "Ons blok": the trajectories assigned to the coach's bureau, as the back end lists them
// (trajectenVanMijnBureau: this bureau's open blocks only, overdue reports first), each with the
// client's name as the gemeente shares it, the consent state and the next report's deadline.
import type { FastifyInstance } from 'fastify';
import { alert, badge, heading, paragraph } from '../shared/components.js';
import type { Pages } from '../shared/context.js';
import { datum } from '../shared/format.js';
import { html, type SafeHtml } from '../shared/html.js';
import { liveRegion, liveUpdates } from '../shared/live-page.js';
import type { GraphError } from '../shared/graph-client.js';
import { unavailablePartners } from '../shared/partners.js';
import type { BureauTraject, RibApi } from './api.js';
import { toestemmingText } from './words.js';

export const trajectPath = (id: string) => `/rib/trajecten/${id}`;

export const klantnaam = (t: BureauTraject) => t.klantnaam ?? 'Naam nu niet bekend';

/** The names come from the gemeente; when it does not answer, the list still shows, without them. */
export function namesNotice(errors: GraphError[]): SafeHtml | '' {
  return unavailablePartners(errors).length
    ? alert('warning', 'De gemeente geeft nu geen antwoord. Daarom ziet u de namen van de klanten nu niet. Probeer het over een paar minuten opnieuw.')
    : '';
}

export function deadlineText(t: BureauTraject): SafeHtml {
  if (!t.volgendeRapportageUiterlijk) return html`<span class="kp-muted">Geen: de eindrapportage is verstuurd</span>`;
  return t.teLaat
    ? html`${badge('danger', 'Te laat')} uiterlijk ${datum(t.volgendeRapportageUiterlijk)}`
    : html`uiterlijk ${datum(t.volgendeRapportageUiterlijk)}`;
}

function table(list: BureauTraject[]): SafeHtml {
  return html`<div class="utrecht-table-container kp-table-wrap"><table class="utrecht-table utrecht-table--html-table kp-table">
    <caption class="utrecht-table__caption">Trajecten van uw bureau. Te late rapportages staan bovenaan.</caption>
    <thead class="utrecht-table__header"><tr class="utrecht-table__row">
      <th scope="col" class="utrecht-table__header-cell">Klant</th>
      <th scope="col" class="utrecht-table__header-cell">Traject</th>
      <th scope="col" class="utrecht-table__header-cell">Toestemming</th>
      <th scope="col" class="utrecht-table__header-cell">Volgende voortgangsrapportage</th>
    </tr></thead>
    <tbody class="utrecht-table__body">${list.map(
      (t) => html`<tr class="utrecht-table__row">
        <th scope="row" class="utrecht-table__header-cell"><a class="utrecht-link" href="${trajectPath(t.trajectId)}">${klantnaam(t)}</a></th>
        <td class="utrecht-table__cell">${t.titel}<br><span class="kp-muted">tot en met ${datum(t.einddatum)}</span></td>
        <td class="utrecht-table__cell" id="toestemming-${t.trajectId}">${toestemmingText(t.toestemming)}</td>
        <td class="utrecht-table__cell">${deadlineText(t)}</td>
      </tr>`,
    )}</tbody>
  </table></div>`;
}

export async function ribOverzichtRoutes(app: FastifyInstance, pages: Pages, api: RibApi) {
  app.get('/rib', async (request, reply) => {
    const { trajecten, errors } = await api.trajecten(pages.session(request));
    const late = trajecten.filter((t) => t.teLaat).length;
    const body = html`${heading(1, 'Ons blok')}
      ${liveUpdates({ soorten: ['toestemming', 'rapportage'] })}
      ${namesNotice(errors)}
      ${paragraph('Hier staan de trajecten die een gemeente aan uw bureau heeft gegeven. Per klant ziet u of de klant toestemming gaf, en wanneer de volgende rapportage klaar moet zijn.')}
      ${liveRegion('live-trajecten', html`${late ? paragraph(html`<strong>${late === 1 ? '1 rapportage is te laat.' : `${late} rapportages zijn te laat.`}</strong>`) : ''}
      ${trajecten.length ? table(trajecten) : paragraph('Uw bureau heeft nu geen trajecten.')}`)}`;
    return pages.send(request, reply, { title: 'Ons blok', current: '/rib', body });
  });
}
