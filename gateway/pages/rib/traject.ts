// One trajectory of the bureau: the consent state and the bureau's requests, what to do next (ask
// consent, write a report), and the history of the bureau's own block — read through the RIB REST
// API with the consent token, so while the client has not consented (or revoked) the back end
// refuses and the page says so. Nothing of other bureaus' blocks or of partners' data is shown.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { alert, dataList, heading, linkButton, paragraph } from '../shared/components.js';
import type { Pages } from '../shared/context.js';
import { datum, datumTijd } from '../shared/format.js';
import { html, type SafeHtml } from '../shared/html.js';
import { liveRegion, liveUpdates } from '../shared/live-page.js';
import { isId } from '../shared/ids.js';
import { ketenhoofdText, rapportageBody, rapportageTitle, type Ketenhoofd, type Rapportage } from '../shared/rapportage-view.js';
import type { PageSession } from '../shared/session.js';
import type { BureauTraject, RibApi } from './api.js';
import { deadlineText, klantnaam, namesNotice, trajectPath } from './overzicht.js';
import { BEVOEGDHEDEN, kanSchrijven, NO_READ, toestemmingText, verzoekWords } from './words.js';

export interface RibRapportage extends Omit<Rapportage, 'bureau'> {
  rapportageId: string;
  hash: string;
  corrigeert: string | null;
}

export interface Blok {
  blokId: string;
  status: string;
  ketenhoofd: Ketenhoofd | null;
  rapportages: RibRapportage[];
}

interface Verzoek {
  id: string;
  trajectId: string;
  bevoegdheden: string[];
  gevraagdTot: string;
  status: string;
  ingediendOp: string;
}

/** Which refusal the API gives a block read in each consent state but the active one. */
const NOT_ACTIVE: Record<string, string> = { geen: 'CONSENT_REQUIRED', gevraagd: 'CONSENT_REQUIRED', ingetrokken: 'CONSENT_REVOKED', verlopen: 'CONSENT_EXPIRED', beeindigd: 'CONSENT_REVOKED' };

export const rapportagePath = (id: string) => `${trajectPath(id)}/rapportage`;
export const toestemmingPath = (id: string) => `${trajectPath(id)}/toestemming`;

const DONE: Record<string, string> = {
  gevraagd: 'Uw verzoek om toestemming is naar de klant gestuurd. De klant ziet het bij Mijn gegevens.',
};

/** The trajectory if it is one of the bureau's (the back end's list decides), with the list's errors. */
export async function findTraject(api: RibApi, session: PageSession, id: string) {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) return { traject: undefined, errors: [] };
  const { trajecten, errors } = await api.trajecten(session, id);
  return { traject: trajecten.find((t) => t.trajectId === id), errors };
}

export function notOurs(pages: Pages, request: FastifyRequest, reply: FastifyReply) {
  return pages.send(request, reply, {
    title: 'Niet gevonden',
    status: 404,
    current: '/rib',
    body: html`${heading(1, 'Dit traject is niet te openen')}${alert('info', 'Dit traject hoort niet (meer) bij uw bureau, of de link klopt niet.')}${linkButton('/rib', 'Naar Ons blok', 'primary-action')}`,
  });
}

/** The block as the bureau's own system reads it: `GET /rib/v1/trajecten/{id}/rapportages` with the consent token. */
export async function readBlock(api: RibApi, session: PageSession, trajectId: string): Promise<{ blok?: Blok; refused?: string }> {
  const consent = await api.consentToken(session, trajectId);
  if (consent.refused) return { refused: consent.refused };
  const answer = await api.rest<Blok>(session, { method: 'GET', url: `/rib/v1/trajecten/${trajectId}/rapportages`, consentToken: consent.token });
  return answer.ok ? { blok: answer.body } : { refused: answer.code };
}

function history(t: BureauTraject, result: { blok?: Blok; refused?: string }, canWrite: boolean): SafeHtml {
  if (!result.blok) return html`<div id="rapportages">${paragraph(NO_READ[result.refused ?? ''] ?? 'De rapportages zijn nu niet te lezen. Probeer het later opnieuw.')}</div>`;
  const sorted = [...result.blok.rapportages].sort((a, b) => b.volgnummer - a.volgnummer);
  return html`<div id="rapportages">${sorted.length
    ? html`<ul class="kp-reports">${sorted.map(
        (r) => html`<li class="kp-report"><details class="kp-details"${r === sorted[0] ? html` open` : ''}>
          <summary>Nummer ${r.volgnummer}: ${rapportageTitle({ ...r, bureau: null })}${r.versie > 1 ? `, versie ${r.versie}` : ''}${r.actueel ? '' : ' (vervangen)'} — ontvangen ${datumTijd(r.ontvangenOp)}</summary>
          <div class="kp-report__body">
            ${dataList([['Kenmerk', html`<code>${r.rapportageId}</code>`], ['Controlecode', html`<code>${r.hash.slice(0, 16)}</code>`], ['Verbetert', r.corrigeert ? 'een eerdere versie' : undefined]])}
            ${rapportageBody({ ...r, bureau: null }, 3, `${trajectPath(t.trajectId)}/bijlagen`)}
            ${canWrite && r.actueel ? paragraph(html`<a class="utrecht-link" href="${rapportagePath(t.trajectId)}?corrigeert=${r.rapportageId}">Deze rapportage verbeteren</a>`) : ''}
          </div>
        </details></li>`,
      )}</ul>`
    : paragraph('Uw bureau heeft nog geen rapportage over dit traject gestuurd.')}
    ${ketenhoofdText(result.blok.ketenhoofd)}</div>`;
}

function verzoeken(list: Verzoek[]): SafeHtml {
  if (!list.length) return paragraph('Uw bureau heeft de klant nog niet om toestemming gevraagd.');
  return html`<ul class="utrecht-unordered-list">${list.map(
    (v) => html`<li class="utrecht-unordered-list__item">Gevraagd op ${datum(v.ingediendOp)}, tot en met ${datum(v.gevraagdTot)}: <strong>${verzoekWords(v.status)}</strong>.
      Voor: ${v.bevoegdheden.map((b) => BEVOEGDHEDEN[b] ?? 'iets anders').join(' en ')}.</li>`,
  )}</ul>`;
}

export async function ribTrajectRoutes(app: FastifyInstance, pages: Pages, api: RibApi) {
  app.get<{ Params: { id: string }; Querystring: { klaar?: string } }>('/rib/trajecten/:id', async (request, reply) => {
    const session = pages.session(request);
    const { traject: t, errors } = await findTraject(api, session, request.params.id);
    if (!t) return notOurs(pages, request, reply);
    const [block, asked] = await Promise.all([
      // Without an active consent the API refuses the block (and logs the refusal): not asked on every view.
      kanSchrijven(t.toestemming) ? readBlock(api, session, t.trajectId) : Promise.resolve({ refused: NOT_ACTIVE[t.toestemming.stand] }),
      pages.graph<{ toestemmingsverzoekenVanMijnBureau: Verzoek[] }>(session, 'query Verzoeken { toestemmingsverzoekenVanMijnBureau { id trajectId bevoegdheden gevraagdTot status ingediendOp } }'),
    ]);
    const own = (asked.data?.toestemmingsverzoekenVanMijnBureau ?? []).filter((v) => v.trajectId === t.trajectId);
    const canWrite = kanSchrijven(t.toestemming);
    const done = DONE[request.query.klaar ?? ''];
    const body = html`<p class="utrecht-paragraph"><a class="utrecht-link" href="/rib">Terug naar Ons blok</a></p>
      ${heading(1, `${klantnaam(t)}: ${t.titel}`)}
      ${liveUpdates({ soorten: ['toestemming', 'rapportage'], traject: t.trajectId })}
      ${done ? alert('ok', done) : ''}
      ${namesNotice(errors)}
      ${liveRegion('live-traject', html`${dataList([
        ['Traject', `${t.titel}, van ${datum(t.startdatum)} tot en met ${datum(t.einddatum)}`],
        ['Toestemming', html`<span id="toestemming-${t.trajectId}">${toestemmingText(t.toestemming)}</span>`],
        ['Volgende voortgangsrapportage', deadlineText(t)],
      ])}
      <div class="utrecht-button-group kp-actions">
        ${canWrite ? linkButton(rapportagePath(t.trajectId), 'Rapportage schrijven', 'primary-action') : ''}
        ${t.toestemming.stand !== 'gevraagd' ? linkButton(toestemmingPath(t.trajectId), canWrite ? 'Opnieuw toestemming vragen' : 'Toestemming vragen', canWrite ? 'secondary-action' : 'primary-action') : ''}
      </div>
      ${canWrite ? '' : paragraph('U kunt pas een rapportage schrijven als de klant toestemming geeft.')}
      <section aria-labelledby="verzoeken-kop">${heading(2, 'Verzoeken om toestemming', 'verzoeken-kop')}${verzoeken(own)}</section>
      <section aria-labelledby="rapportages-kop">${heading(2, 'Rapportages van uw bureau', 'rapportages-kop')}${history(t, block, canWrite)}</section>`)}`;
    return pages.send(request, reply, { title: `${klantnaam(t)}: ${t.titel}`, current: '/rib', body });
  });

  // A PDF of the bureau's own block, through the same REST route its system uses.
  app.get<{ Params: { id: string; bijlageId: string } }>('/rib/trajecten/:id/bijlagen/:bijlageId', async (request, reply) => {
    const session = pages.session(request);
    const { id, bijlageId } = request.params;
    if (isId(id) && isId(bijlageId)) {
      const consent = await api.consentToken(session, id);
      const answer = consent.refused ? undefined : await api.rest(session, { method: 'GET', url: `/rib/v1/trajecten/${id}/bijlagen/${bijlageId}`, consentToken: consent.token });
      if (answer?.ok && answer.raw) {
        for (const name of ['content-type', 'content-disposition', 'content-length', 'x-content-type-options', 'repr-digest']) {
          const value = answer.raw.headers[name];
          if (typeof value === 'string' || typeof value === 'number') reply.header(name, value);
        }
        return reply.code(200).send(answer.raw.payload);
      }
    }
    return pages.send(request, reply, {
      title: 'Geen toegang',
      status: 403,
      current: '/rib',
      body: html`${heading(1, 'Dit bestand is niet te openen')}${alert('warning', 'U mag dit bestand nu niet openen, of het bestaat niet.')}${paragraph(html`<a class="utrecht-link" href="/rib">Terug naar Ons blok</a>`)}`,
    });
  });
}
