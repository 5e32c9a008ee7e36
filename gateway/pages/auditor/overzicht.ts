// The auditor's start page: this month at a glance for their own organisation (who used data, how
// much, how many refusals and open signals) and the ways to look further. Names no client, so it
// needs no reason and leaves nothing in a client's log.
import type { FastifyInstance } from 'fastify';
import { alert, heading, paragraph } from '../shared/components.js';
import type { Pages } from '../shared/context.js';
import { datum } from '../shared/format.js';
import { html } from '../shared/html.js';
import { withPeriodDefaults } from './form.js';
import { ACTIVITEIT_FIELDS, activityTable, type Activiteit } from './views.js';

const QUERY = `query Overzicht($van: String!, $tot: String!) {
  controleMedewerkers(van: $van, tot: $tot) { ${ACTIVITEIT_FIELDS} }
  controleSignalen(van: $van, tot: $tot) { id opvolging { status } } }`;

const WAYS: [string, string, string][] = [
  ['/auditor/klant', 'Cliënt controleren', 'Wie van uw organisatie gebruikte de gegevens van één cliënt, en waarom?'],
  ['/auditor/medewerker', 'Medewerker controleren', 'Welke cliënten bekeek één medewerker?'],
  ['/auditor/weigeringen', 'Weigeringen', 'Wat werd er geweigerd, en waarom?'],
  ['/auditor/signalen', 'Signalen', 'Gebruik dat opvalt, uitgelegd, met de opvolging.'],
  ['/auditor/rapport', 'Maandrapport', 'Het overzicht voor het normenkader, en of de rapportages onveranderd zijn.'],
  ['/auditor/export', 'Logboek exporteren', 'Een maand als CSV- of JSON-bestand.'],
];

export async function auditorOverzichtRoutes(app: FastifyInstance, pages: Pages) {
  app.get('/auditor', async (request, reply) => {
    const session = pages.session(request);
    const period = withPeriodDefaults({});
    const { data } = await pages.graph<{ controleMedewerkers: Activiteit[]; controleSignalen: { id: string; opvolging: { status: string } | null }[] }>(session, QUERY, { van: period.van, tot: period.tot });
    const activity = data!.controleMedewerkers;
    const open = data!.controleSignalen.filter((s) => !s.opvolging).length;
    const body = html`${heading(1, 'Controle op gebruik')}
      ${paragraph('U ziet hier wie in uw organisatie gegevens van cliënten gebruikte, wanneer en waarom. U ziet alleen gegevens over het gebruik, nooit de inhoud van een dossier. Elke controle die een cliënt noemt, vraagt een reden en wordt vastgelegd.')}
      ${open
        ? alert('warning', html`${open === 1 ? 'Er is 1 signaal' : `Er zijn ${open} signalen`} deze maand dat nog niet is opgevolgd. <a class="utrecht-link" href="/auditor/signalen">Bekijk de signalen</a>.`)
        : alert('ok', 'Deze maand zijn er geen signalen die nog opgevolgd moeten worden.')}
      <section aria-labelledby="zoeken">
        ${heading(2, 'Verder kijken', 'zoeken')}
        <ul class="kp-rows">${WAYS.map(([href, label, text]) => html`<li><a class="utrecht-link" href="${href}">${label}</a><br><span class="kp-muted">${text}</span></li>`)}</ul>
      </section>
      <section aria-labelledby="medewerkers">
        ${heading(2, `Deze maand: van ${datum(period.van)} tot en met ${datum(period.tot)}`, 'medewerkers')}
        ${activityTable(activity, 'Medewerkers die gegevens gebruikten of werden geweigerd', { van: period.van!, tot: period.tot! })}
      </section>`;
    return pages.send(request, reply, { title: 'Controle op gebruik', current: '/auditor', body });
  });
}
