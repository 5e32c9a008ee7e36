// "Wie zag mijn gegevens": the client's processing log in plain words, newest first, as the
// consent API writes it ("Werkfit heeft op 3 maart 2026 uw werkprofiel bekeken voor uw traject.").
// Fifty lines a page; "Oudere regels" continues before the last line shown. The same processing
// repeated right after itself (a caseload listed nine times in two minutes) shows as one line,
// "9 keer tussen 10:02 en 10:04"; the log itself keeps every row.
import type { FastifyInstance } from 'fastify';
import { alert, badge, heading, paragraph } from '../shared/components.js';
import type { Pages } from '../shared/context.js';
import { datum, datumTijd } from '../shared/format.js';
import { html, type SafeHtml } from '../shared/html.js';

interface Regel {
  tekst: string;
  op: string;
  organisatie: string | null;
  soort: string;
}

const PAGE = 50;

interface Groep {
  regel: Regel;
  aantal: number;
  /** The oldest and the newest moment of the group (rows come newest first). */
  van: string;
  tot: string;
}

/** Consecutive rows that say the same thing (same words, same day, same kind) become one. */
export function groupRepeats(rows: Regel[]): Groep[] {
  const groups: Groep[] = [];
  for (const r of rows) {
    const last = groups.at(-1);
    if (last && last.regel.tekst === r.tekst && last.regel.soort === r.soort && last.regel.organisatie === r.organisatie) {
      last.aantal++;
      last.van = r.op;
    } else {
      groups.push({ regel: r, aantal: 1, van: r.op, tot: r.op });
    }
  }
  return groups;
}

const timeFmt = new Intl.DateTimeFormat('nl-NL', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Amsterdam' });
const tijd = (iso: string) => timeFmt.format(new Date(iso));

function when(g: Groep): SafeHtml {
  if (g.aantal === 1) return html`<time datetime="${g.tot}">${datumTijd(g.tot)}</time>`;
  const [van, tot] = [tijd(g.van), tijd(g.tot)];
  return html`<time datetime="${g.tot}">${datum(g.tot)}</time>, ${g.aantal} keer ${van === tot ? `om ${tot}` : `tussen ${van} en ${tot}`}`;
}

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
        : html`<ol class="kp-log" aria-label="Wie zag mijn gegevens, nieuwste eerst">${groupRepeats(rows).map(
            (g) => html`<li class="kp-log__item">
              <p class="utrecht-paragraph kp-log__when">${when(g)} ${badge(g.regel.soort === 'schrijven' ? 'warning' : 'neutral', g.regel.soort === 'schrijven' ? 'Vastgelegd' : 'Bekeken')}</p>
              <p class="utrecht-paragraph">${g.regel.tekst}</p>
            </li>`,
          )}</ol>`}
      ${rows.length === PAGE && last ? paragraph(html`<a class="utrecht-link" href="/mijn/verwerkingen?voor=${encodeURIComponent(last.op)}">Oudere regels</a>`) : ''}`;
    return pages.send(request, reply, { title: 'Wie zag mijn gegevens', current: '/mijn/verwerkingen', body });
  });
}
