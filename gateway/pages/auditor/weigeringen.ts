// Every refusal of the organisation's own employees in a period, newest first, each with its reason
// in words. No client is named (a refusal is about a pseudonymous key), so no reason is asked and
// the period may be in the URL; a client behind a key is looked up on the client page, with a reason.
import type { FastifyInstance } from 'fastify';
import { heading, paragraph } from '../shared/components.js';
import type { Pages } from '../shared/context.js';
import { datum } from '../shared/format.js';
import { html } from '../shared/html.js';
import { checkPeriod, fieldsOf, periodFields, summary, withPeriodDefaults, type Problems } from './form.js';
import { WEIGERING_FIELDS, refusalTable, type Weigering } from './views.js';

const PATH = '/auditor/weigeringen';
const PAGE = 50;
const CURSOR = /^[A-Za-z0-9_-]{1,200}$/;

const QUERY = `query Weigeringen($van: String!, $tot: String!, $na: String, $aantal: Int) {
  controleWeigeringen(van: $van, tot: $tot, na: $na, aantal: $aantal) { volgende weigeringen { ${WEIGERING_FIELDS} } } }`;

export async function auditorWeigeringRoutes(app: FastifyInstance, pages: Pages) {
  app.get(PATH, async (request, reply) => {
    const f = withPeriodDefaults(fieldsOf(request.query, ['van', 'tot', 'na']));
    const p: Problems = {};
    checkPeriod(f, p);
    const na = CURSOR.test(f.na ?? '') ? f.na : undefined;
    const found = Object.keys(p).length
      ? undefined
      : (await pages.graph<{ controleWeigeringen: { volgende: string | null; weigeringen: Weigering[] } }>(pages.session(request), QUERY, { van: f.van, tot: f.tot, na, aantal: PAGE })).data!.controleWeigeringen;
    const next = found?.volgende ? `${PATH}?van=${f.van}&tot=${f.tot}&na=${encodeURIComponent(found.volgende)}` : undefined;
    return pages.send(request, reply, {
      title: 'Weigeringen',
      current: PATH,
      status: found ? 200 : 400,
      body: html`${heading(1, 'Weigeringen')}
        ${summary(p)}
        ${paragraph('Alles wat Ketenpoort medewerkers van uw organisatie weigerde, met de reden. Veel weigeringen kunnen betekenen dat iemand zoekt naar gegevens waar hij of zij niet bij mag.')}
        <form method="get" action="${PATH}" class="kp-form" novalidate>
          ${periodFields(f, p)}
          <button type="submit" class="utrecht-button utrecht-button--primary-action">Tonen</button>
        </form>
        ${found
          ? html`<section aria-labelledby="resultaat">
              ${heading(2, `Van ${datum(f.van)} tot en met ${datum(f.tot)}`, 'resultaat')}
              ${na ? paragraph(html`U ziet een volgende pagina. <a class="utrecht-link" href="${PATH}?van=${f.van}&amp;tot=${f.tot}">Terug naar de nieuwste</a>`) : ''}
              ${refusalTable(found.weigeringen, 'Weigeringen, nieuwste eerst')}
              ${next ? paragraph(html`<a class="utrecht-link" href="${next}">Volgende ${PAGE} weigeringen</a>`) : ''}
            </section>`
          : ''}`,
    });
  });
}
