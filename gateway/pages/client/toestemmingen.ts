// "Wie mag meekijken": the client's consents and the requests for them, the request that waits
// for an answer first. Saying yes, saying no and revoking each go through a confirmation page that
// says exactly what will start or stop; the receipt of a consent can be downloaded.
import type { FastifyInstance } from 'fastify';
import { alert, badge, heading, linkButton, paragraph } from '../shared/components.js';
import { CONSENT_STATUS_WORDS, REQUEST_STATUS_WORDS, mayDo } from './consent-words.js';
import type { Pages } from '../shared/context.js';
import { datum, datumTijd } from '../shared/format.js';
import { html, type SafeHtml } from '../shared/html.js';
import { liveRegion, liveUpdates } from '../shared/live-page.js';
import { consentActionRoutes } from './toestemming-acties.js';
import type { Gebeurtenis, Toestemming, Verzoek } from './consent-queries.js';
import { TOESTEMMING_FIELDS, VERZOEK_FIELDS } from './consent-queries.js';

const DONE: Record<string, string> = {
  goedgekeurd: 'U hebt toestemming gegeven. U kunt die altijd weer intrekken.',
  afgewezen: 'U hebt nee gezegd. Het bureau krijgt geen toegang.',
  ingetrokken: 'Uw toestemming is ingetrokken. Het bureau kan vanaf nu niets meer doen met uw gegevens.',
};

export function history(items: Gebeurtenis[]): SafeHtml {
  if (items.length === 0) return html``;
  return html`<details class="kp-details"><summary>Wat is er eerder gebeurd?</summary>
    <ul class="utrecht-unordered-list">${items.map((g) => html`<li class="utrecht-unordered-list__item"><time datetime="${g.op}">${datumTijd(g.op)}</time>: ${g.soort} door ${g.door}</li>`)}</ul>
  </details>`;
}

function scopes(list: string[]): SafeHtml {
  return html`<ul class="utrecht-unordered-list">${list.map((s) => html`<li class="utrecht-unordered-list__item">${mayDo(s)}</li>`)}</ul>`;
}

function requestCard(v: Verzoek): SafeHtml {
  return html`<article class="kp-card kp-card--attention" aria-labelledby="verzoek-${v.id}">
    ${heading(3, html`${v.bureau.naam} vraagt uw toestemming`, `verzoek-${v.id}`)}
    ${paragraph(html`Voor uw traject <strong>${v.trajectTitel}</strong>. Ze vroegen het op ${datum(v.ingediendOp)}.`)}
    ${paragraph(`Als u ja zegt, mag ${v.bureau.naam} tot en met ${datum(v.gevraagdTot)}:`)}
    ${scopes(v.bevoegdheden)}
    <div class="utrecht-button-group kp-actions">
      ${linkButton(`/mijn/verzoeken/${v.id}/goedkeuren`, 'Ja, dat mag', 'primary-action')}
      ${linkButton(`/mijn/verzoeken/${v.id}/afwijzen`, 'Nee, dat wil ik niet')}
    </div>
  </article>`;
}

function consentCard(t: Toestemming): SafeHtml {
  return html`<article class="kp-card" aria-labelledby="toestemming-${t.id}">
    ${heading(3, t.bureau.naam, `toestemming-${t.id}`)}
    <p class="utrecht-paragraph">${badge('active', CONSENT_STATUS_WORDS[t.status] ?? t.status)} Voor uw traject <strong>${t.trajectTitel}</strong>, tot en met ${datum(t.geldigTot)}.</p>
    ${paragraph(`${t.bureau.naam} mag:`)}
    ${scopes(t.bevoegdheden)}
    <div class="utrecht-button-group kp-actions">
      ${linkButton(`/mijn/toestemmingen/${t.id}/intrekken`, 'Toestemming intrekken')}
      <a class="utrecht-link kp-download" href="/mijn/toestemmingen/${t.id}/ontvangstbewijs" download>Bewijs van uw toestemming downloaden</a>
    </div>
    ${history(t.geschiedenis)}
  </article>`;
}

function pastItem(label: SafeHtml, status: string, items: Gebeurtenis[], extra?: SafeHtml): SafeHtml {
  return html`<li class="kp-past">${label} ${badge('inactive', status)}${extra ?? ''}${history(items)}</li>`;
}

export async function clientToestemmingRoutes(app: FastifyInstance, pages: Pages) {
  app.get<{ Querystring: { klaar?: string } }>('/mijn/toestemmingen', async (request, reply) => {
    const session = pages.session(request);
    const { data } = await pages.graph<{ mijnToestemmingsverzoeken: Verzoek[]; mijnToestemmingen: Toestemming[] }>(
      session,
      `query MijnToestemmingen { mijnToestemmingsverzoeken { ${VERZOEK_FIELDS} } mijnToestemmingen { ${TOESTEMMING_FIELDS} } }`,
    );
    const requests = data?.mijnToestemmingsverzoeken ?? [];
    const consents = data?.mijnToestemmingen ?? [];
    const pending = requests.filter((r) => r.status === 'openstaand');
    const active = consents.filter((c) => c.status === 'actief');
    const pastConsents = consents.filter((c) => c.status !== 'actief');
    // A request that was approved lives on as its consent; only the others are history of their own.
    const pastRequests = requests.filter((r) => r.status !== 'openstaand' && r.status !== 'goedgekeurd');
    const done = DONE[request.query.klaar ?? ''];

    const body = html`${heading(1, 'Wie mag meekijken')}
      ${liveUpdates({ soorten: ['toestemming'] })}
      ${done ? alert('ok', done) : ''}
      ${paragraph('Een re-integratiebureau helpt u aan werk. Het mag alleen iets met uw gegevens doen als u daar ja tegen zegt. U kunt uw ja altijd weer intrekken.')}
      ${liveRegion('live-toestemmingen', html`<section aria-labelledby="wacht">
        ${heading(2, 'Vragen die op uw antwoord wachten', 'wacht')}
        ${pending.length ? pending.map(requestCard) : paragraph('Er wacht geen vraag op uw antwoord.')}
      </section>
      <section aria-labelledby="nu">
        ${heading(2, 'Wie nu toestemming heeft', 'nu')}
        ${active.length ? active.map(consentCard) : paragraph('Niemand heeft nu toestemming van u.')}
      </section>
      ${pastConsents.length || pastRequests.length
        ? html`<section aria-labelledby="eerder">
            ${heading(2, 'Eerder', 'eerder')}
            <ul class="kp-past-list">
              ${pastConsents.map((c) =>
                pastItem(
                  html`<strong>${c.bureau.naam}</strong>, traject ${c.trajectTitel}`,
                  CONSENT_STATUS_WORDS[c.status] ?? c.status,
                  c.geschiedenis,
                  c.ingetrokkenOp ? html` <span class="kp-muted">op ${datum(c.ingetrokkenOp)}</span>` : undefined,
                ),
              )}
              ${pastRequests.map((r) => pastItem(html`Vraag van <strong>${r.bureau.naam}</strong>, traject ${r.trajectTitel}`, REQUEST_STATUS_WORDS[r.status] ?? r.status, r.geschiedenis))}
            </ul>
          </section>`
        : ''}`)}`;
    return pages.send(request, reply, { title: 'Wie mag meekijken', current: '/mijn/toestemmingen', body });
  });

  await consentActionRoutes(app, pages);
}
