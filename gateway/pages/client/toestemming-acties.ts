// The client's three decisions on consent, each a GET that explains and a POST that does it: say
// yes to a request, say no, or revoke. The confirmation says what will start or stop. When the
// session ran out in between, the reason typed is kept (drafts.ts) and shown again after login.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { alert, heading, linkButton, paragraph, textArea } from '../shared/components.js';
import { mayDo, willStop } from './consent-words.js';
import type { Pages } from '../shared/context.js';
import { GraphRequestError, mustSucceed } from '../shared/graph-client.js';
import { takeDraft } from '../shared/drafts.js';
import { datum } from '../shared/format.js';
import { dutchDay } from '../../../lib/dutch-day.js';
import { html, type SafeHtml } from '../shared/html.js';
import { isId } from '../shared/ids.js';
import { TOESTEMMING_FIELDS, VERZOEK_FIELDS, type Toestemming, type Verzoek } from './consent-queries.js';

type Params = { Params: { id: string } };
type Post = Params & { Body: { reden?: string } };
const REASON_MAX = 500;
/** Today's date in the Netherlands, as yyyy-mm-dd (the form's date field and the API speak that). */
const today = () => dutchDay(new Date());

function list(items: string[]): SafeHtml {
  return html`<ul class="utrecht-unordered-list">${items.map((i) => html`<li class="utrecht-unordered-list__item">${i}</li>`)}</ul>`;
}

function confirmForm(csrf: string, action: string, button: string, extra: SafeHtml | string = '', danger = false): SafeHtml {
  return html`<form method="post" action="${action}" class="kp-form">
    <input type="hidden" name="_csrf" value="${csrf}">
    ${extra}
    <div class="utrecht-button-group kp-actions">
      <button type="submit" class="utrecht-button utrecht-button--primary-action${danger ? ' utrecht-button--danger' : ''}">${button}</button>
      <a class="utrecht-link" href="/mijn/toestemmingen">Terug, ik doe niets</a>
    </div>
  </form>`;
}

const reason = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim().slice(0, REASON_MAX) : undefined);

export async function consentActionRoutes(app: FastifyInstance, pages: Pages) {

  async function findRequest(request: FastifyRequest<Params>): Promise<Verzoek | undefined> {
    if (!isId(request.params.id)) return undefined;
    const { data } = await pages.graph<{ mijnToestemmingsverzoeken: Verzoek[] }>(
      pages.session(request),
      `query Verzoeken { mijnToestemmingsverzoeken { ${VERZOEK_FIELDS} } }`,
    );
    return data?.mijnToestemmingsverzoeken.find((v) => v.id === request.params.id);
  }

  async function findConsent(request: FastifyRequest<Params>): Promise<Toestemming | undefined> {
    if (!isId(request.params.id)) return undefined;
    const { data } = await pages.graph<{ mijnToestemmingen: Toestemming[] }>(
      pages.session(request),
      `query Toestemmingen { mijnToestemmingen { ${TOESTEMMING_FIELDS} } }`,
    );
    return data?.mijnToestemmingen.find((t) => t.id === request.params.id);
  }

  function gone(request: FastifyRequest, reply: FastifyReply, text: string) {
    return pages.send(request, reply, {
      title: 'Niet meer open',
      status: 404,
      body: html`${heading(1, 'Dit kan niet meer')}${alert('info', text)}${linkButton('/mijn/toestemmingen', 'Naar wie mag meekijken', 'primary-action')}`,
    });
  }

  /** The yes-page; `until` and `problem` when the person chose an end date we cannot use. */
  function approvePage(request: FastifyRequest, reply: FastifyReply, v: Verzoek, until?: string, problem?: string) {
    const max = v.gevraagdTot;
    const dateField = html`<div class="utrecht-form-field utrecht-form-field--text kp-field${problem ? ' utrecht-form-field--invalid' : ''}">
      <div class="utrecht-form-field__label"><label class="utrecht-form-label" for="geldigTot">Wilt u dat het eerder stopt? Kies dan de laatste dag (mag u leeg laten)</label></div>
      <div class="utrecht-form-field-description" id="geldigTot-uitleg">Laat u dit leeg, dan geldt het tot en met ${datum(v.gevraagdTot)}.</div>
      ${problem ? html`<div class="utrecht-form-field-error-message kp-error" id="geldigTot-fout">${problem}</div>` : ''}
      <div class="utrecht-form-field__input"><input class="utrecht-textbox utrecht-textbox--html-input${problem ? ' utrecht-textbox--invalid' : ''}" type="date" id="geldigTot" name="geldigTot" value="${until ?? ''}" min="${today()}" max="${max}" aria-describedby="geldigTot-uitleg${problem ? ' geldigTot-fout' : ''}"${problem ? html` aria-invalid="true"` : ''}></div>
    </div>`;
    return pages.send(request, reply, {
      title: 'Toestemming geven',
      current: '/mijn/toestemmingen',
      status: problem ? 400 : 200,
      body: html`${heading(1, `Mag ${v.bureau.naam} meekijken?`)}
        ${problem ? alert('error', html`<a class="utrecht-link" href="#geldigTot">${problem}</a>`) : ''}
        ${paragraph(html`Het gaat om uw traject <strong>${v.trajectTitel}</strong>.`)}
        ${heading(2, 'Wat gebeurt er als u ja zegt?')}
        ${paragraph(`${v.bureau.naam} mag dan tot en met ${datum(v.gevraagdTot)}:`)}
        ${list(v.bevoegdheden.map(mayDo))}
        ${paragraph(`${v.bureau.naam} ziet verder niets van u. Niet uw uitkering, niet uw burgerservicenummer.`)}
        ${paragraph('U kunt uw toestemming altijd weer intrekken. Dan stopt het meteen.')}
        ${confirmForm(pages.csrf(reply), `/mijn/verzoeken/${v.id}/goedkeuren`, 'Ja, ik geef toestemming', dateField)}`,
    });
  }

  app.get<Params>('/mijn/verzoeken/:id/goedkeuren', async (request, reply) => {
    const v = await findRequest(request);
    if (!v || v.status !== 'openstaand') return gone(request, reply, 'Deze vraag wacht niet meer op uw antwoord.');
    const draft = takeDraft(request, reply, pages.sealer, pages.cookie.secure, request.url.split('?')[0]!, pages.session(request).subject);
    return approvePage(request, reply, v, draft?.geldigTot);
  });

  app.post<Params & { Body: { geldigTot?: string } }>('/mijn/verzoeken/:id/goedkeuren', async (request, reply) => {
    const v = await findRequest(request);
    if (!v || v.status !== 'openstaand') return gone(request, reply, 'Deze vraag wacht niet meer op uw antwoord.');
    const until = typeof request.body?.geldigTot === 'string' ? request.body.geldigTot.trim() : '';
    const wrong = `Kies een dag van vandaag tot en met ${datum(v.gevraagdTot)}, of laat het leeg.`;
    if (until && (!/^\d{4}-\d{2}-\d{2}$/.test(until) || until < today() || until > v.gevraagdTot)) {
      return approvePage(request, reply, v, until, wrong);
    }
    const answer = await pages.graph(pages.session(request), 'mutation KeurGoed($id: ID!, $tot: String) { keurVerzoekGoed(verzoekId: $id, geldigTot: $tot) { id status } }', {
      id: v.id,
      tot: until || undefined,
    }).catch((err: unknown) => {
      // The consent API has the last word on dates (e.g. past the end of the trajectory).
      if (err instanceof GraphRequestError && err.code === 'BAD_USER_INPUT') return undefined;
      throw err;
    });
    if (!answer) return approvePage(request, reply, v, until, wrong);
    mustSucceed(answer);
    return reply.redirect('/mijn/toestemmingen?klaar=goedgekeurd', 303);
  });

  app.get<Params>('/mijn/verzoeken/:id/afwijzen', async (request, reply) => {
    const v = await findRequest(request);
    if (!v || v.status !== 'openstaand') return gone(request, reply, 'Deze vraag wacht niet meer op uw antwoord.');
    const draft = takeDraft(request, reply, pages.sealer, pages.cookie.secure, request.url.split('?')[0]!, pages.session(request).subject);
    return pages.send(request, reply, {
      title: 'Nee zeggen',
      current: '/mijn/toestemmingen',
      body: html`${heading(1, `Nee zeggen tegen ${v.bureau.naam}`)}
        ${draft ? alert('info', 'U was uitgelogd. Wat u had ingevuld staat er nog. Kijk het na en klik nog een keer op de knop.') : ''}
        ${paragraph(html`Het gaat om uw traject <strong>${v.trajectTitel}</strong>.`)}
        ${heading(2, 'Wat gebeurt er als u nee zegt?')}
        ${paragraph(`${v.bureau.naam} krijgt geen toegang. Het bureau mag dan niet:`)}
        ${list(v.bevoegdheden.map(mayDo))}
        ${paragraph('Praat hierover met uw klantmanager als u het traject wel wilt doen.')}
        ${confirmForm(pages.csrf(reply), `/mijn/verzoeken/${v.id}/afwijzen`, 'Nee, ik geef geen toestemming',
          textArea({ id: 'reden', name: 'reden', label: 'Waarom zegt u nee? (mag u leeg laten)', value: draft?.reden, maxlength: REASON_MAX }))}`,
    });
  });

  app.post<Post>('/mijn/verzoeken/:id/afwijzen', async (request, reply) => {
    if (!isId(request.params.id)) return gone(request, reply, 'Deze vraag bestaat niet.');
    await pages.graph(pages.session(request), 'mutation WijsAf($id: ID!, $reden: String) { wijsVerzoekAf(verzoekId: $id, reden: $reden) { id status } }', {
      id: request.params.id,
      reden: reason(request.body?.reden),
    }).then(mustSucceed);
    return reply.redirect('/mijn/toestemmingen?klaar=afgewezen', 303);
  });

  app.get<Params>('/mijn/toestemmingen/:id/intrekken', async (request, reply) => {
    const t = await findConsent(request);
    if (!t || t.status !== 'actief') return gone(request, reply, 'Deze toestemming geldt al niet meer.');
    const draft = takeDraft(request, reply, pages.sealer, pages.cookie.secure, request.url.split('?')[0]!, pages.session(request).subject);
    return pages.send(request, reply, {
      title: 'Toestemming intrekken',
      current: '/mijn/toestemmingen',
      body: html`${heading(1, `Toestemming voor ${t.bureau.naam} intrekken`)}
        ${draft ? alert('info', 'U was uitgelogd. Wat u had ingevuld staat er nog. Kijk het na en klik nog een keer op de knop.') : ''}
        ${paragraph(html`Het gaat om uw traject <strong>${t.trajectTitel}</strong>.`)}
        ${heading(2, 'Wat stopt er?')}
        ${paragraph(`Meteen nadat u op de knop klikt, kan ${t.bureau.naam}:`)}
        ${list(t.bevoegdheden.map(willStop))}
        ${heading(2, 'Wat blijft er?')}
        ${paragraph('Rapportages die al geschreven zijn, blijven bewaard. U en uw klantmanager kunnen ze blijven lezen.')}
        ${paragraph('Misschien kan uw traject dan niet verder. Praat daarover met uw klantmanager.')}
        ${confirmForm(pages.csrf(reply), `/mijn/toestemmingen/${t.id}/intrekken`, 'Ja, trek mijn toestemming in',
          textArea({ id: 'reden', name: 'reden', label: 'Waarom trekt u uw toestemming in? (mag u leeg laten)', value: draft?.reden, maxlength: REASON_MAX }), true)}`,
    });
  });

  app.post<Post>('/mijn/toestemmingen/:id/intrekken', async (request, reply) => {
    if (!isId(request.params.id)) return gone(request, reply, 'Deze toestemming bestaat niet.');
    await pages.graph(pages.session(request), 'mutation TrekIn($id: ID!, $reden: String) { trekToestemmingIn(toestemmingId: $id, reden: $reden) { id status } }', {
      id: request.params.id,
      reden: reason(request.body?.reden),
    }).then(mustSucceed);
    return reply.redirect('/mijn/toestemmingen?klaar=ingetrokken', 303);
  });

  // The receipt as a text file the client can keep: the plain text, then the signed content and
  // its signature, so anyone can check it later against the keys at /.well-known/jwks.json.
  app.get<Params>('/mijn/toestemmingen/:id/ontvangstbewijs', async (request, reply) => {
    if (!isId(request.params.id)) return gone(request, reply, 'Deze toestemming bestaat niet.');
    const { data } = await pages.graph<{ ontvangstbewijs: { tekst: string; inhoud: string; handtekening: string; kid: string } }>(
      pages.session(request),
      'query Bewijs($id: ID!) { ontvangstbewijs(toestemmingId: $id) { tekst inhoud handtekening kid } }',
      { id: request.params.id },
    );
    const r = data!.ontvangstbewijs;
    const text = [
      r.tekst.trim(),
      '',
      '---- Voor controle (u hoeft hier niets mee te doen) ----',
      `Sleutel: ${r.kid}`,
      `Ondertekende inhoud: ${r.inhoud}`,
      `Handtekening (JWS): ${r.handtekening}`,
      `Controleren met de sleutels op: ${pages.config.publicUrl}/.well-known/jwks.json`,
      '',
    ].join('\n');
    return reply
      .type('text/plain; charset=utf-8')
      .header('content-disposition', `attachment; filename="toestemming-${request.params.id}.txt"`)
      .send(text);
  });
}
