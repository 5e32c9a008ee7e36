// "Welke cliënten heeft deze medewerker bekeken": every processing by one employee of the auditor's
// own organisation in a period (each client by BSN, so this lookup is logged for every client it
// shows), with purpose and outcome, and that employee's refusals. The reason travels in the POSTed
// form only; the employee's id and the period may come from a link (the overview's table).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseEmployee } from '../../audit/input.js';
import { dataList, heading, paragraph } from '../shared/components.js';
import type { Pages } from '../shared/context.js';
import { datum } from '../shared/format.js';
import { takeDraft } from '../shared/drafts.js';
import { html, type SafeHtml } from '../shared/html.js';
import { checkPeriod, checkReason, fieldsOf, hidden, periodFields, reasonField, summary, textField, withPeriodDefaults, type Fields, type Problems } from './form.js';
import { VERWERKING_FIELDS, WEIGERING_FIELDS, processingTable, refusalTable, type Verwerking, type Weigering } from './views.js';

const PATH = '/auditor/medewerker';
const PAGE = 50;
const FIELDS = ['medewerker', 'van', 'tot', 'reden'];

interface MedewerkerControle {
  medewerker: string;
  van: string;
  tot: string;
  raadplegingen: number;
  klanten: number;
  volgende: string | null;
  verwerkingen: Verwerking[];
  weigeringen: Weigering[];
}

const QUERY = `query ControleMedewerker($invoer: MedewerkerControleInvoer!) { controleMedewerker(invoer: $invoer) {
  medewerker van tot raadplegingen klanten volgende verwerkingen { ${VERWERKING_FIELDS} } weigeringen { ${WEIGERING_FIELDS} } } }`;

function checkEmployee(f: Fields, p: Problems) {
  try {
    parseEmployee(f.medewerker);
  } catch {
    p.medewerker = 'Vul de code van de medewerker in, zoals die in het overzicht staat.';
  }
}

function form(csrf: string, f: Fields, p: Problems): SafeHtml {
  return html`<form method="post" action="${PATH}" class="kp-form" novalidate>
    <input type="hidden" name="_csrf" value="${csrf}">
    ${textField({ name: 'medewerker', label: 'Medewerker', hint: 'De code waarmee de medewerker inlogt, zoals in het overzicht.', value: f.medewerker ?? '', problem: p.medewerker, extra: html`maxlength="200" autocomplete="off"` })}
    ${periodFields(f, p)}
    ${reasonField(f.reden ?? '', p.reden)}
    <button type="submit" class="utrecht-button utrecht-button--primary-action">Bekijken</button>
  </form>`;
}

function results(csrf: string, f: Fields, m: MedewerkerControle): SafeHtml {
  return html`<section aria-labelledby="resultaat" class="kp-results">
    ${heading(2, `Wat ${m.medewerker} deed`, 'resultaat')}
    ${paragraph(`Van ${datum(m.van)} tot en met ${datum(m.tot)}, nieuwste eerst.`)}
    ${dataList([
      ['Raadplegingen', String(m.raadplegingen)],
      ['Verschillende cliënten', String(m.klanten)],
      ['Weigeringen', String(m.weigeringen.length)],
    ])}
    ${paragraph('Uw controle is vastgelegd met uw reden. Elke cliënt die u hier ziet, ziet in zijn eigen overzicht dat de privacyfunctionaris heeft gekeken.', 'kp-muted')}
    ${processingTable(m.verwerkingen, `Cliënten die ${m.medewerker} bekeek`, true)}
    ${m.volgende
      ? html`<form method="post" action="${PATH}" class="kp-form">
          <input type="hidden" name="_csrf" value="${csrf}">${hidden({ medewerker: f.medewerker!, van: f.van!, tot: f.tot!, reden: f.reden! })}<input type="hidden" name="na" value="${m.volgende}">
          <button type="submit" class="utrecht-button utrecht-button--secondary-action">Volgende ${PAGE} verwerkingen</button>
        </form>`
      : ''}
    ${heading(2, `Weigeringen (${m.weigeringen.length})`, 'weigeringen')}
    ${refusalTable(m.weigeringen, `Weigeringen van ${m.medewerker}`)}
  </section>`;
}

export async function auditorMedewerkerRoutes(app: FastifyInstance, pages: Pages) {
  const render = (request: FastifyRequest, reply: FastifyReply, f: Fields, p: Problems, found?: MedewerkerControle) => {
    const csrf = pages.csrf(reply);
    return pages.send(request, reply, {
      title: 'Medewerker controleren',
      current: PATH,
      status: Object.keys(p).length ? 400 : 200,
      body: html`${heading(1, 'Medewerker controleren')}
        ${summary(p)}
        ${paragraph('Zie welke cliënten één medewerker van uw organisatie heeft bekeken, waarvoor en met welke uitkomst, en wat er werd geweigerd.')}
        ${form(csrf, f, p)}
        ${found ? results(csrf, f, found) : ''}`,
    });
  };

  app.get(PATH, async (request, reply) => {
    const draft = takeDraft(request, reply, pages.sealer, pages.cookie.secure, PATH, pages.session(request).subject);
    // A link from the overview names the employee and the period; a reason is never in a link.
    const fromLink = fieldsOf(request.query, ['medewerker', 'van', 'tot']);
    return render(request, reply, withPeriodDefaults(draft ? fieldsOf(draft, FIELDS) : fromLink), {});
  });

  app.post(PATH, async (request, reply) => {
    const f = withPeriodDefaults(fieldsOf(request.body, FIELDS));
    const p: Problems = {};
    checkEmployee(f, p);
    checkPeriod(f, p);
    checkReason(f, p);
    if (Object.keys(p).length) return render(request, reply, f, p);
    const na = fieldsOf(request.body, ['na']).na;
    const { data } = await pages.graph<{ controleMedewerker: MedewerkerControle }>(pages.session(request), QUERY, {
      invoer: { medewerker: f.medewerker, van: f.van, tot: f.tot, reden: f.reden, aantal: PAGE, ...(na ? { na } : {}) },
    });
    return render(request, reply, f, {}, data!.controleMedewerker);
  });
}
