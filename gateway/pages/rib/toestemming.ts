// Asking the client for consent: what for (writing reports always; the work profile if the coach
// needs it) and until which day. The POST calls `vraagToestemming` with the coach's own token, so
// the consent module's rules (a trajectory of this bureau, not past its end, at most a year) decide;
// a day it refuses comes back next to the field. Text typed when the session ran out comes back (drafts.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { alert, heading, paragraph } from '../shared/components.js';
import type { Pages } from '../shared/context.js';
import { takeDraft } from '../shared/drafts.js';
import { datum } from '../shared/format.js';
import { GraphRequestError, mustSucceed } from '../shared/graph-client.js';
import { html } from '../shared/html.js';
import { addDays, dutchDay } from '../../../lib/dutch-day.js';
import type { BureauTraject, RibApi } from './api.js';
import { findTraject, notOurs, toestemmingPath } from './traject.js';
import { trajectPath } from './overzicht.js';
import { BEVOEGDHEDEN } from './words.js';

const ASK = 'mutation Vraag($i: ToestemmingsverzoekInvoer!) { vraagToestemming(invoer: $i) { id status } }';
const DRAFT_NOTICE = 'U was uitgelogd. Wat u had ingevuld staat er nog. Kijk het na en klik nog een keer op de knop.';

type Fields = { werkprofiel: boolean; geldigTot: string };

const isDay = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

/** The longest a request may ask: the trajectory's last day, at most a year ahead (the consent module's rule decides). */
function longest(t: BureauTraject): string {
  const year = addDays(dutchDay(new Date()), 364);
  return t.einddatum < year ? t.einddatum : year;
}

function clean(body: unknown, t: BureauTraject): Fields {
  const b = (body ?? {}) as Record<string, unknown>;
  return { werkprofiel: b.werkprofiel === 'ja', geldigTot: typeof b.geldigTot === 'string' ? b.geldigTot.trim() : longest(t) };
}

export async function ribToestemmingRoutes(app: FastifyInstance, pages: Pages, api: RibApi) {
  function page(request: FastifyRequest, reply: FastifyReply, t: BureauTraject, f: Fields, problem?: string, draft = false) {
    const naam = t.klantnaam ?? 'de klant';
    const describedBy = `geldigTot-uitleg${problem ? ' geldigTot-fout' : ''}`;
    return pages.send(request, reply, {
      title: 'Toestemming vragen',
      current: '/rib',
      status: problem ? 400 : 200,
      body: html`<p class="utrecht-paragraph"><a class="utrecht-link" href="${trajectPath(t.trajectId)}">Terug naar het traject</a></p>
        ${heading(1, `Toestemming vragen aan ${naam}`)}
        ${draft ? alert('info', DRAFT_NOTICE) : ''}
        ${problem ? alert('error', html`<a class="utrecht-link" href="#geldigTot">${problem}</a>`) : ''}
        ${paragraph(`Voor het traject ${t.titel}. De klant krijgt uw verzoek te zien en kiest zelf of hij of zij ja zegt. Tot de klant ja zegt, kunt u niets schrijven.`)}
        <form method="post" action="${toestemmingPath(t.trajectId)}" class="kp-form" novalidate>
          <input type="hidden" name="_csrf" value="${pages.csrf(reply)}">
          <fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset kp-fieldset">
            <legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">Waarvoor vraagt u toestemming?</legend>
            <p class="utrecht-paragraph">Altijd: ${BEVOEGDHEDEN['rapportage:schrijven']}.</p>
            <div class="utrecht-form-field utrecht-form-field--checkbox kp-choice">
              <input class="utrecht-checkbox utrecht-checkbox--html-input" type="checkbox" id="werkprofiel" name="werkprofiel" value="ja"${f.werkprofiel ? html` checked` : ''}>
              <label class="utrecht-form-label utrecht-form-label--checkbox" for="werkprofiel">Ook: ${BEVOEGDHEDEN['werkprofiel:lezen']}</label>
            </div>
          </fieldset>
          <div class="utrecht-form-field utrecht-form-field--text kp-field${problem ? ' utrecht-form-field--invalid' : ''}">
            <div class="utrecht-form-field__label"><label class="utrecht-form-label" for="geldigTot">Tot en met welke dag?</label></div>
            <div class="utrecht-form-field-description" id="geldigTot-uitleg">Hoogstens tot de laatste dag van het traject (${datum(t.einddatum)}) en hoogstens een jaar.</div>
            ${problem ? html`<div class="utrecht-form-field-error-message kp-error" id="geldigTot-fout">${problem}</div>` : ''}
            <div class="utrecht-form-field__input"><input class="utrecht-textbox utrecht-textbox--html-input${problem ? ' utrecht-textbox--invalid' : ''}" type="date" id="geldigTot" name="geldigTot" value="${f.geldigTot}" aria-describedby="${describedBy}"${problem ? html` aria-invalid="true"` : ''}></div>
          </div>
          <div class="utrecht-button-group kp-actions">
            <button type="submit" class="utrecht-button utrecht-button--primary-action">Toestemming vragen</button>
            <a class="utrecht-link" href="${trajectPath(t.trajectId)}">Terug, ik doe niets</a>
          </div>
        </form>`,
    });
  }

  app.get<{ Params: { id: string } }>('/rib/trajecten/:id/toestemming', async (request, reply) => {
    const session = pages.session(request);
    const { traject: t } = await findTraject(api, session, request.params.id);
    if (!t) return notOurs(pages, request, reply);
    const draft = takeDraft(request, reply, pages.sealer, pages.cookie.secure, toestemmingPath(t.trajectId), session.subject);
    return page(request, reply, t, clean(draft, t), undefined, Boolean(draft));
  });

  app.post<{ Params: { id: string } }>('/rib/trajecten/:id/toestemming', async (request, reply) => {
    const session = pages.session(request);
    const { traject: t } = await findTraject(api, session, request.params.id);
    if (!t) return notOurs(pages, request, reply);
    const f = clean(request.body, t);
    if (!isDay(f.geldigTot)) return page(request, reply, t, f, 'Kies de laatste dag waarvoor u toestemming vraagt.');
    const bevoegdheden = ['rapportage:schrijven', ...(f.werkprofiel ? ['werkprofiel:lezen'] : [])];
    try {
      mustSucceed(await pages.graph(session, ASK, { i: { trajectId: t.trajectId, bevoegdheden, geldigTot: f.geldigTot } }));
    } catch (err) {
      // The consent module refuses a day past the trajectory's end, more than a year ahead, or in the past.
      if (err instanceof GraphRequestError && err.code === 'BAD_USER_INPUT' && err.errors[0]?.field?.endsWith('geldigTot')) {
        return page(request, reply, t, f, `Deze dag kan niet. Kies een dag vanaf vandaag tot en met ${datum(t.einddatum)}, hoogstens een jaar vooruit.`);
      }
      throw err;
    }
    return reply.redirect(`${trajectPath(t.trajectId)}?klaar=gevraagd`, 303);
  });
}
