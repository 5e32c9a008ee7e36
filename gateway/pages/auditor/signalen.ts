// Anomaly signals computed from the organisation's own logs (thresholds from the configuration),
// each explained in words, with its follow-up: the auditor records each step (in onderzoek, geen
// misbruik, maatregel genomen) with what was done or found. Steps are append-only in the graph.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FOLLOW_UP_STATUSES, NOTE_MAX, NOTE_MIN } from '../../audit/follow-up.js';
import { alert, heading, paragraph } from '../shared/components.js';
import type { Pages } from '../shared/context.js';
import { datum } from '../shared/format.js';
import { mustSucceed } from '../shared/graph-client.js';
import { html, type SafeHtml } from '../shared/html.js';
import { checkPeriod, fieldsOf, periodFields, summary, withPeriodDefaults, type Fields, type Problems } from './form.js';
import { SIGNAAL_FIELDS, signalItem, type Signaal } from './views.js';
import { FOLLOW_UP } from './words.js';

const PATH = '/auditor/signalen';
const QUERY = `query Signalen($van: String!, $tot: String!) { controleSignalen(van: $van, tot: $tot) { ${SIGNAAL_FIELDS} } }`;
const FOLLOW = 'mutation Opvolging($invoer: OpvolgingInvoer!) { legOpvolgingVast(invoer: $invoer) { signaalId status } }';

interface Refused {
  signaalId: string;
  fields: Fields;
  problems: Problems;
}

function followUpForm(csrf: string, s: Signaal, i: number, period: Fields, refused?: Refused): SafeHtml {
  const mine = refused?.signaalId === s.id ? refused : undefined;
  const status = mine?.fields.status ?? '';
  const note = mine?.problems.toelichting;
  const statusProblem = mine?.problems.status;
  return html`<details class="kp-details"${mine ? html` open` : ''}><summary>Opvolging vastleggen</summary>
    <form method="post" action="${PATH}/opvolging" class="kp-form" novalidate>
      <input type="hidden" name="_csrf" value="${csrf}">
      <input type="hidden" name="signaalId" value="${s.id}">
      <input type="hidden" name="van" value="${period.van}">
      <input type="hidden" name="tot" value="${period.tot}">
      <fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset kp-fieldset"${statusProblem ? html` aria-describedby="status-${i}-fout"` : ''}>
        <legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">Stand van de opvolging</legend>
        ${statusProblem ? html`<div class="utrecht-form-field-error-message kp-error" id="status-${i}-fout">${statusProblem}</div>` : ''}
        ${FOLLOW_UP_STATUSES.map(
          (st) => html`<div class="utrecht-form-field utrecht-form-field--radio kp-choice">
            <input class="utrecht-radio-button utrecht-radio-button--html-input" type="radio" name="status" id="status-${i}-${st}" value="${st}"${st === status ? html` checked` : ''}>
            <label class="utrecht-form-label utrecht-form-label--radio" for="status-${i}-${st}">${FOLLOW_UP[st]}</label>
          </div>`,
        )}
      </fieldset>
      <div class="utrecht-form-field utrecht-form-field--textarea kp-field${note ? ' utrecht-form-field--invalid' : ''}">
        <div class="utrecht-form-field__label"><label class="utrecht-form-label" for="toelichting-${i}">Wat is er gedaan of gevonden?</label></div>
        ${note ? html`<div class="utrecht-form-field-error-message kp-error" id="toelichting-${i}-fout">${note}</div>` : ''}
        <div class="utrecht-form-field__input"><textarea class="utrecht-textarea utrecht-textarea--html-textarea" id="toelichting-${i}" name="toelichting" rows="3" maxlength="${NOTE_MAX}"${note ? html` aria-invalid="true" aria-describedby="toelichting-${i}-fout"` : ''}>${mine?.fields.toelichting ?? ''}</textarea></div>
      </div>
      <button type="submit" class="utrecht-button utrecht-button--primary-action">Opvolging vastleggen</button>
    </form>
  </details>`;
}

export async function auditorSignaalRoutes(app: FastifyInstance, pages: Pages) {
  const render = async (request: FastifyRequest, reply: FastifyReply, period: Fields, refused?: Refused, saved = false) => {
    const p: Problems = {};
    checkPeriod(period, p);
    const signals = Object.keys(p).length
      ? undefined
      : (await pages.graph<{ controleSignalen: Signaal[] }>(pages.session(request), QUERY, { van: period.van, tot: period.tot })).data!.controleSignalen;
    const csrf = pages.csrf(reply);
    const open = signals?.filter((s) => !s.opvolging).length ?? 0;
    return pages.send(request, reply, {
      title: 'Signalen',
      current: PATH,
      status: !signals || refused ? 400 : 200,
      body: html`${heading(1, 'Signalen')}
        ${summary(p)}
        ${saved ? alert('ok', 'De opvolging is vastgelegd.') : ''}
        ${refused ? alert('error', 'De opvolging is niet vastgelegd. Kijk het formulier bij het signaal na.') : ''}
        ${paragraph('Ketenpoort zoekt in de logboeken van uw organisatie naar gebruik dat opvalt. Een signaal is geen bewijs van misbruik: het vraagt om een kijkje. De grenzen staan in de instellingen van Ketenpoort.')}
        <form method="get" action="${PATH}" class="kp-form" novalidate>
          ${periodFields(period, p)}
          <button type="submit" class="utrecht-button utrecht-button--primary-action">Tonen</button>
        </form>
        ${signals
          ? html`<section aria-labelledby="resultaat">
              ${heading(2, `${signals.length === 1 ? '1 signaal' : `${signals.length} signalen`} van ${datum(period.van)} tot en met ${datum(period.tot)}`, 'resultaat')}
              ${signals.length ? paragraph(open ? `${open} nog niet opgevolgd.` : 'Alle signalen zijn opgevolgd.') : paragraph('Geen signalen in deze periode.')}
              <ul class="kp-signals">${signals.map((s, i) => signalItem(s, followUpForm(csrf, s, i, period, refused)))}</ul>
            </section>`
          : ''}`,
    });
  };

  app.get(PATH, async (request, reply) => {
    const query = fieldsOf(request.query, ['van', 'tot', 'opgeslagen']);
    return render(request, reply, withPeriodDefaults({ van: query.van!, tot: query.tot! }), undefined, query.opgeslagen === '1');
  });

  app.post(`${PATH}/opvolging`, async (request, reply) => {
    const f = fieldsOf(request.body, ['signaalId', 'status', 'toelichting', 'van', 'tot'], NOTE_MAX + 1);
    const period = withPeriodDefaults({ van: f.van!, tot: f.tot! });
    const problems: Problems = {};
    if (!(FOLLOW_UP_STATUSES as readonly string[]).includes(f.status!)) problems.status = 'Kies hoe ver de opvolging is.';
    if (f.toelichting!.length < NOTE_MIN) problems.toelichting = `Schrijf op wat er is gedaan of gevonden, in minstens ${NOTE_MIN} tekens.`;
    else if (f.toelichting!.length > NOTE_MAX) problems.toelichting = `Hoogstens ${NOTE_MAX} tekens.`;
    if (Object.keys(problems).length) return render(request, reply, period, { signaalId: f.signaalId!, fields: f, problems });
    await pages.graph(pages.session(request), FOLLOW, { invoer: { signaalId: f.signaalId, status: f.status, toelichting: f.toelichting } }).then(mustSucceed);
    const back = /^\d{4}-\d{2}-\d{2}$/.test(period.van!) && /^\d{4}-\d{2}-\d{2}$/.test(period.tot!) ? `?van=${period.van}&tot=${period.tot}&opgeslagen=1` : '?opgeslagen=1';
    return reply.redirect(`${PATH}${back}`, 303);
  });
}
