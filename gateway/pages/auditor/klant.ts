// "Wie heeft de gegevens van deze cliënt gebruikt, en waarom": every processing of one client by
// the auditor's own organisation in a period, and every refusal about that client. The BSN and the
// reason travel only in the POSTed form (never in a URL, a browser's history or an access log); the
// graph records the lookup with its reason before it answers, and the client sees it in their own
// processing log. A next page posts the same lookup again (and is recorded again).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { heading, paragraph } from '../shared/components.js';
import type { Pages } from '../shared/context.js';
import { datum } from '../shared/format.js';
import { takeDraft } from '../shared/drafts.js';
import { html, type SafeHtml } from '../shared/html.js';
import { checkBsn, checkPeriod, checkReason, fieldsOf, hidden, periodFields, reasonField, summary, textField, withPeriodDefaults, type Fields, type Problems } from './form.js';
import { VERWERKING_FIELDS, WEIGERING_FIELDS, processingTable, refusalTable, type Verwerking, type Weigering } from './views.js';

const PATH = '/auditor/klant';
const PAGE = 50;
const FIELDS = ['bsn', 'van', 'tot', 'reden'];

interface KlantControle {
  bsn: string | null;
  van: string;
  tot: string;
  volgende: string | null;
  verwerkingen: Verwerking[];
  weigeringen: Weigering[];
}

const QUERY = `query ControleKlant($invoer: KlantControleInvoer!) { controleKlant(invoer: $invoer) {
  bsn van tot volgende verwerkingen { ${VERWERKING_FIELDS} } weigeringen { ${WEIGERING_FIELDS} } } }`;

function form(csrf: string, f: Fields, p: Problems): SafeHtml {
  return html`<form method="post" action="${PATH}" class="kp-form" novalidate>
    <input type="hidden" name="_csrf" value="${csrf}">
    ${textField({ name: 'bsn', label: 'BSN van de cliënt', hint: 'Negen cijfers.', value: f.bsn ?? '', problem: p.bsn, extra: html`inputmode="numeric" maxlength="11" autocomplete="off"` })}
    ${periodFields(f, p)}
    ${reasonField(f.reden ?? '', p.reden)}
    <button type="submit" class="utrecht-button utrecht-button--primary-action">Bekijken</button>
  </form>`;
}

function results(csrf: string, f: Fields, k: KlantControle): SafeHtml {
  return html`<section aria-labelledby="resultaat" class="kp-results">
    ${heading(2, `Verwerkingen van BSN ${k.bsn ?? f.bsn}`, 'resultaat')}
    ${paragraph(`Van ${datum(k.van)} tot en met ${datum(k.tot)}, nieuwste eerst. Alleen wat medewerkers van uw eigen organisatie deden.`)}
    ${paragraph('Uw controle is vastgelegd met uw reden. De cliënt ziet in zijn eigen overzicht dat de privacyfunctionaris heeft gekeken.', 'kp-muted')}
    ${processingTable(k.verwerkingen, 'Verwerkingen van deze cliënt', false)}
    ${k.volgende
      ? html`<form method="post" action="${PATH}" class="kp-form">
          <input type="hidden" name="_csrf" value="${csrf}">${hidden({ bsn: f.bsn!, van: f.van!, tot: f.tot!, reden: f.reden! })}<input type="hidden" name="na" value="${k.volgende}">
          <button type="submit" class="utrecht-button utrecht-button--secondary-action">Volgende ${PAGE} verwerkingen</button>
        </form>`
      : ''}
    ${heading(2, `Weigeringen over deze cliënt (${k.weigeringen.length})`, 'weigeringen')}
    ${paragraph('Pogingen van uw medewerkers, en van anderen op de trajecten van uw organisatie, die Ketenpoort weigerde.')}
    ${refusalTable(k.weigeringen, 'Weigeringen over deze cliënt')}
  </section>`;
}

export async function auditorKlantRoutes(app: FastifyInstance, pages: Pages) {
  const render = (request: FastifyRequest, reply: FastifyReply, f: Fields, p: Problems, found?: KlantControle) => {
    const csrf = pages.csrf(reply);
    return pages.send(request, reply, {
      title: 'Cliënt controleren',
      current: PATH,
      status: Object.keys(p).length ? 400 : 200,
      body: html`${heading(1, 'Cliënt controleren')}
        ${summary(p)}
        ${paragraph('Zie wie van uw organisatie de gegevens van één cliënt heeft gebruikt, wanneer, waarvoor en met welke uitkomst. Ook ziet u elke weigering.')}
        ${form(csrf, f, p)}
        ${found ? results(csrf, f, found) : ''}`,
    });
  };

  app.get(PATH, async (request, reply) => {
    const draft = takeDraft(request, reply, pages.sealer, pages.cookie.secure, PATH, pages.session(request).subject);
    return render(request, reply, withPeriodDefaults(fieldsOf(draft, FIELDS)), {});
  });

  app.post(PATH, async (request, reply) => {
    const f = withPeriodDefaults(fieldsOf(request.body, FIELDS));
    f.bsn = f.bsn!.replace(/[\s.]/g, '');
    const p: Problems = {};
    checkBsn(f, p);
    checkPeriod(f, p);
    checkReason(f, p);
    if (Object.keys(p).length) return render(request, reply, f, p);
    const na = fieldsOf(request.body, ['na']).na;
    const { data } = await pages.graph<{ controleKlant: KlantControle }>(pages.session(request), QUERY, {
      invoer: { bsn: f.bsn, van: f.van, tot: f.tot, reden: f.reden, aantal: PAGE, ...(na ? { na } : {}) },
    });
    return render(request, reply, f, {}, data!.controleKlant);
  });
}
