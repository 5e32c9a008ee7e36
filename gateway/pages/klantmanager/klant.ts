// One client for the klantmanager: the combined werk/inkomen view (with any partner that is down
// named, the rest shown), the coming appointments, the client's open signals, and the trajectories with their rapportage
// blocks: which bureau, open or closed since when, and every report with its versions.
import type { FastifyInstance } from 'fastify';
import { alert, badge, dataList, heading, linkButton, paragraph } from '../shared/components.js';
import { SIGNAL_FIELDS, signalList, type Signalering } from './caseload-view.js';
import type { Pages } from '../shared/context.js';
import { datum } from '../shared/format.js';
import { partnerDown } from '../shared/graph-client.js';
import { bijlageRoute } from '../shared/bijlage-download.js';
import { html, type SafeHtml } from '../shared/html.js';
import { bsnFromRef } from './klant-ref.js';
import { liveRegion, liveUpdates } from '../shared/live-page.js';
import { dutchDay } from '../../../lib/dutch-day.js';
import { AFSPRAAK_FIELDS, afsprakenSection, type Afspraak } from './afspraken-view.js';
import { consentText, type Bloktoestemming } from './traject-toestemming.js';
import { trajectPaths } from './traject-acties.js';
import { partnerNotice, unavailablePartners } from '../shared/partners.js';
import { KETENHOOFD_FIELDS, ketenhoofdText, RAPPORTAGE_FIELDS, rapportageBody, rapportageTitle, type Ketenhoofd, type Rapportage } from '../shared/rapportage-view.js';
import { KLANTBEELD_FIELDS, adresText, inkomenSection, werkSection, type KlantBeeld } from '../shared/werk-inkomen-view.js';

interface Blok {
  id: string;
  rib: { naam: string };
  status: string;
  geopendOp: string;
  geslotenOp: string | null;
  toestemming: Bloktoestemming | null;
}

interface Traject {
  id: string;
  titel: string;
  startdatum: string;
  einddatum: string;
  status: string;
  rapportageblokken: Blok[];
}

interface BlokMetRapportages {
  blokId: string;
  ketenhoofd: Ketenhoofd | null;
  rapportages: Rapportage[];
}

const TRAJECT_FIELDS = 'trajecten { id titel startdatum einddatum status rapportageblokken { id rib { naam } status geopendOp geslotenOp toestemming { stand geldigTot ingetrokkenOp } } }';

/** What the klantmanager is told after a trajectory form (traject-acties.ts) did its work. */
const DONE: Record<string, string> = {
  toegewezen: 'Het traject is toegewezen. Het bureau kan nu toestemming vragen aan de klant.',
  beeindigd: 'Het traject is beëindigd. Het bureau kan niets meer schrijven en de toestemming is gestopt.',
};

function blockView(b: Blok, block: BlokMetRapportages | undefined): SafeHtml {
  const reports = block?.rapportages ?? [];
  const sorted = [...reports].sort((x, y) => y.volgnummer - x.volgnummer);
  return html`<div class="kp-block">
    ${heading(4, html`Rapportageblok van ${b.rib.naam} ${badge(b.status === 'open' ? 'active' : 'inactive', b.status === 'open' ? 'Open' : 'Gesloten')}`)}
    ${paragraph(`Geopend op ${datum(b.geopendOp)}${b.geslotenOp ? `, gesloten op ${datum(b.geslotenOp)}` : ''}.`)}
    ${b.toestemming ? consentText(b.toestemming, b.status === 'open') : ''}
    ${sorted.length
      ? html`<ul class="kp-reports">${sorted.map(
          (r) => html`<li class="kp-report"><details class="kp-details"${r.actueel && r === sorted[0] ? html` open` : ''}>
            <summary>${rapportageTitle(r)}${r.versie > 1 ? `, versie ${r.versie}` : ''}${r.actueel ? '' : ' (vervangen)'} — ontvangen ${datum(r.ontvangenOp)}</summary>
            <div class="kp-report__body">${rapportageBody(r, 4, '/klantmanager/bijlagen')}</div>
          </details></li>`,
        )}</ul>`
      : paragraph('Nog geen rapportages in dit blok.')}
    ${block ? ketenhoofdText(block.ketenhoofd) : ''}
  </div>`;
}

export async function klantmanagerKlantRoutes(app: FastifyInstance, pages: Pages) {
  bijlageRoute(app, pages, '/klantmanager', '/klantmanager');

  app.get<{ Params: { ref: string } }>('/klantmanager/klanten/:ref', async (request, reply) => {
    const bsn = bsnFromRef(pages.sealer, request.params.ref);
    if (!bsn) {
      return pages.send(request, reply, {
        title: 'Niet gevonden',
        status: 404,
        body: html`${heading(1, 'Deze klant is niet te openen')}${alert('info', 'De link is niet goed of te oud. Zoek de klant opnieuw.')}${linkButton('/klantmanager/zoeken', 'Klant zoeken', 'primary-action')}`,
      });
    }
    const session = pages.session(request);
    const [beeld, trajecten, signalen] = await Promise.all([
      // The agenda rides the gemeente's part of the same query: no extra call, one processing-log entry.
      pages
        .graph<{ klant: (KlantBeeld & { afspraken: Afspraak[] | null }) | null }>(session, `query Klantbeeld($bsn: ID!, $vanaf: String) { klant(bsn: $bsn) { ${KLANTBEELD_FIELDS} ${AFSPRAAK_FIELDS} } }`, { bsn, vanaf: dutchDay(new Date()) })
        .catch(partnerDown),
      pages.graph<{ klant: { trajecten: Traject[] } | null }>(session, `query Trajecten($bsn: ID!) { klant(bsn: $bsn) { ${TRAJECT_FIELDS} } }`, { bsn }).catch(partnerDown),
      pages.graph<{ signaleringen: Signalering[] }>(session, `query Signalen { signaleringen(alleenOpen: true) { ${SIGNAL_FIELDS} } }`),
    ]);
    const k = beeld.data?.klant;
    const down = unavailablePartners([...beeld.errors, ...trajecten.errors]);
    if (!k && !down.includes('gemeente')) down.push('gemeente');
    const trajects = trajecten.data?.klant?.trajecten ?? [];
    const reports = await Promise.all(
      trajects.map((t) =>
        pages
          .graph<{ trajectRapportages: BlokMetRapportages[] }>(session, `query Rapportages($id: ID!) { trajectRapportages(trajectId: $id) { blokId ${KETENHOOFD_FIELDS} rapportages { ${RAPPORTAGE_FIELDS} } } }`, { id: t.id })
          .then((a) => new Map((a.data?.trajectRapportages ?? []).map((b) => [b.blokId, b]))),
      ),
    );
    const own = (signalen.data?.signaleringen ?? []).filter((s) => s.bsn === bsn);
    const name = k?.naam?.volledigeNaam ?? 'Klant';
    const back = request.url.split('?')[0]!;
    const { ref } = request.params;
    const done = DONE[(request.query as { klaar?: string }).klaar ?? ''];

    const body = html`<p class="utrecht-paragraph"><a class="utrecht-link" href="/klantmanager">Terug naar de caseload</a></p>
      ${heading(1, name)}
      ${liveUpdates({ soorten: ['rapportage', 'toestemming', 'signalering'], klant: ref })}
      ${done ? alert('ok', done) : ''}
      ${partnerNotice(down, 'klantmanager')}
      ${liveRegion('live-signalen', own.length ? html`<section aria-labelledby="signalen">${heading(2, 'Open signalen', 'signalen')}${signalList(pages, own, pages.csrf(reply), new Map([[bsn, name]]), back)}</section>` : html``)}
      ${k
        ? html`<section class="kp-card" aria-labelledby="gegevens">${heading(2, 'Gegevens', 'gegevens')}
            ${dataList([['Adres', adresText(k)], ['Telefoon', k.telefoon]])}</section>
          <div class="kp-columns">${inkomenSection(k, down, 2, false)}${werkSection(k, down, 2, false)}</div>
          ${afsprakenSection(k.afspraken)}`
        : ''}
      ${liveRegion('live-trajecten', html`<section aria-labelledby="trajecten">
        ${heading(2, 'Trajecten en rapportages', 'trajecten')}
        ${trajects.length
          ? trajects.map(
              (t, i) => html`<article class="kp-card" aria-labelledby="traject-${t.id}">
                ${heading(3, t.titel, `traject-${t.id}`)}
                ${paragraph(html`${badge(t.status === 'actief' ? 'active' : 'inactive', t.status === 'actief' ? 'Loopt' : 'Beëindigd')} Van ${datum(t.startdatum)} tot en met ${datum(t.einddatum)}.`)}
                ${t.rapportageblokken.length ? t.rapportageblokken.map((b) => blockView(b, reports[i]?.get(b.id))) : paragraph('Nog niet aan een re-integratiebureau gegeven.')}
                ${t.status === 'actief'
                  ? html`<div class="utrecht-button-group kp-actions">${linkButton(trajectPaths.bureau(ref, t.id), 'Ander bureau kiezen')}${linkButton(trajectPaths.beeindigen(ref, t.id), 'Traject beëindigen')}</div>`
                  : ''}
              </article>`,
            )
          : paragraph('Geen trajecten.')}
        ${k || trajecten.data?.klant ? linkButton(trajectPaths.nieuw(ref), 'Nieuw traject toewijzen', 'primary-action') : ''}
      </section>`)}`;
    return pages.send(request, reply, { title: name, current: '/klantmanager', body });
  });
}
