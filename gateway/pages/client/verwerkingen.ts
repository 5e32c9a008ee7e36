// "Wie zag mijn gegevens": the client's processing log in plain words, newest first, as the
// consent API writes it ("Werkfit heeft op 3 maart 2026 uw werkprofiel bekeken voor uw traject.").
// Fifty lines a page; "Oudere regels" continues before the last line shown.
import type { FastifyInstance } from 'fastify';
import { alert, badge, heading, paragraph } from '../shared/components.js';
import type { Pages } from '../shared/context.js';
import { datumTijd } from '../shared/format.js';
import { html } from '../shared/html.js';

interface Regel {
  tekst: string;
  op: string;
  organisatie: string | null;
  soort: string;
}

const PAGE = 50;

export async function clientVerwerkingRoutes(app: FastifyInstance, pages: Pages) {
  app.get<{ Querystring: { voor?: string } }>('/mijn/verwerkingen', async (request, reply) => {
    const before = typeof request.query.voor === 'string' && !Number.isNaN(Date.parse(request.query.voor)) ? request.query.voor : undefined;
    const { data } = await pages.graph<{ mijnVerwerkingen: Regel[] }>(
      pages.session(request),
      'query Verwerkingen($aantal: Int, $eerderDan: String) { mijnVerwerkingen(aantal: $aantal, eerderDan: $eerderDan) { tekst op organisatie soort } }',
      { aantal: PAGE, eerderDan: before },
    );
    const rows = data?.mijnVerwerkingen ?? [];
    const last = rows.at(-1);
    const body = html`${heading(1, 'Wie zag mijn gegevens')}
      ${paragraph('Hier staat wie uw gegevens heeft bekeken of gebruikt, wanneer en waarom. Het nieuwste staat bovenaan.')}
      ${paragraph('Klopt er iets niet? Bel of mail uw gemeente en vraag naar de privacy-medewerker.')}
      ${before ? alert('info', html`U ziet oudere regels. <a class="utrecht-link" href="/mijn/verwerkingen">Terug naar de nieuwste</a>`) : ''}
      ${rows.length === 0
        ? paragraph(before ? 'Er zijn geen oudere regels.' : 'Er staat nog niets in. Nog niemand heeft uw gegevens bekeken.')
        : html`<ol class="kp-log" aria-label="Wie zag mijn gegevens, nieuwste eerst">${rows.map(
            (r) => html`<li class="kp-log__item">
              <p class="utrecht-paragraph kp-log__when"><time datetime="${r.op}">${datumTijd(r.op)}</time> ${badge(r.soort === 'schrijven' ? 'warning' : 'neutral', r.soort === 'schrijven' ? 'Vastgelegd' : 'Bekeken')}</p>
              <p class="utrecht-paragraph">${r.tekst}</p>
            </li>`,
          )}</ol>`}
      ${rows.length === PAGE && last ? paragraph(html`<a class="utrecht-link" href="/mijn/verwerkingen?voor=${encodeURIComponent(last.op)}">Oudere regels</a>`) : ''}`;
    return pages.send(request, reply, { title: 'Wie zag mijn gegevens', current: '/mijn/verwerkingen', body });
  });
}
