// "Rapportages": what re-integratiebureaus wrote about the client ("de klant mag en kan dit zien"),
// newest first. Each report opens on its own page; a corrected report shows its earlier versions.
import type { FastifyInstance } from 'fastify';
import { alert, badge, heading, linkButton, paragraph } from '../shared/components.js';
import { isId } from '../shared/ids.js';
import type { Pages } from '../shared/context.js';
import { datum } from '../shared/format.js';
import { bijlageRoute } from '../shared/bijlage-download.js';
import { html } from '../shared/html.js';
import { KETENHOOFD_SELECTION, ketenhoofdText, RAPPORTAGE_FIELDS, rapportageBody, rapportageTitle, type Ketenhoofd, type Rapportage } from '../shared/rapportage-view.js';

export async function clientRapportageRoutes(app: FastifyInstance, pages: Pages) {
  const mine = async (request: Parameters<Pages['session']>[0]) =>
    (await pages.graph<{ mijnRapportages: Rapportage[] }>(pages.session(request), `query MijnRapportages { mijnRapportages { ${RAPPORTAGE_FIELDS} } }`)).data?.mijnRapportages ?? [];

  bijlageRoute(app, pages, '/mijn', '/mijn/rapportages');

  app.get('/mijn/rapportages', async (request, reply) => {
    const { data } = await pages.graph<{ mijnRapportages: (Rapportage & { blokId: string })[]; mijnKetenhoofden: (Ketenhoofd & { blokId: string })[] }>(
      pages.session(request),
      `query MijnRapportages { mijnRapportages { blokId ${RAPPORTAGE_FIELDS} } mijnKetenhoofden { blokId ${KETENHOOFD_SELECTION} } }`,
    );
    const all = data?.mijnRapportages ?? [];
    const current = all.filter((r) => r.actueel);
    // Each block's bureau, from its reports: a head exists only for a block with reports.
    const bureauOf = new Map(all.map((r) => [r.blokId, r.bureau?.naam ?? 'een re-integratiebureau']));
    const heads = data?.mijnKetenhoofden ?? [];
    const body = html`${heading(1, 'Rapportages over u')}
      ${paragraph('Een re-integratiebureau schrijft op hoe het gaat in uw traject. Dat heet een rapportage. Uw klantmanager leest die ook.')}
      ${current.length === 0
        ? paragraph('Er is nog geen rapportage over u geschreven.')
        : html`<ul class="kp-cards">${current.map(
            (r) => html`<li class="kp-card">
              ${heading(2, html`<a class="utrecht-link" href="/mijn/rapportages/${r.id}">${rapportageTitle(r)}</a>`)}
              ${paragraph(html`Van ${r.bureau?.naam ?? 'een re-integratiebureau'}, ontvangen op ${datum(r.ontvangenOp)}. ${r.versie > 1 ? badge('neutral', 'Verbeterd') : ''}`)}
            </li>`,
          )}</ul>`}
      ${heads.length
        ? html`<section aria-labelledby="controle">${heading(2, 'Controle', 'controle')}
            ${paragraph('Elke rapportage krijgt een nummer en een code. Schrijf ze op als u wilt controleren dat er niets verdwijnt.')}
            ${heads.map((h) => html`${heading(3, `Rapportages van ${bureauOf.get(h.blokId) ?? 'een re-integratiebureau'}`)}${ketenhoofdText(h)}`)}
          </section>`
        : ''}`;
    return pages.send(request, reply, { title: 'Rapportages over u', current: '/mijn/rapportages', body });
  });

  app.get<{ Params: { id: string } }>('/mijn/rapportages/:id', async (request, reply) => {
    const all = isId(request.params.id) ? await mine(request) : [];
    const r = all.find((x) => x.id === request.params.id);
    if (!r) {
      return pages.send(request, reply, {
        title: 'Niet gevonden',
        status: 404,
        body: html`${heading(1, 'Deze rapportage is er niet')}${alert('info', 'Misschien is de link niet goed.')}${linkButton('/mijn/rapportages', 'Naar alle rapportages', 'primary-action')}`,
      });
    }
    const versions = all.filter((x) => x.origineel === r.origineel && x.id !== r.id).sort((a, b) => b.versie - a.versie);
    const body = html`<p class="utrecht-paragraph"><a class="utrecht-link" href="/mijn/rapportages">Terug naar alle rapportages</a></p>
      ${heading(1, rapportageTitle(r))}
      ${rapportageBody(r, 1, '/mijn/bijlagen')}
      ${versions.length
        ? html`${heading(2, 'Andere versies van deze rapportage')}
          <ul class="utrecht-unordered-list">${versions.map(
            (v) => html`<li class="utrecht-unordered-list__item"><a class="utrecht-link" href="/mijn/rapportages/${v.id}">Versie ${v.versie}</a>, ontvangen op ${datum(v.ontvangenOp)}${v.actueel ? ' (de nieuwste)' : ''}</li>`,
          )}</ul>`
        : ''}`;
    return pages.send(request, reply, { title: rapportageTitle(r), current: '/mijn/rapportages', body });
  });
}
