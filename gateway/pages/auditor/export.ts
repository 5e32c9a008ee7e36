// Exporting a month of the logs from the pages, as CSV or JSON. The file comes from the REST route
// POST /controle/v1/export (gateway/audit/routes.ts), called in-process with the logged-in
// auditor's own bearer token, as the graph client does: the same role check, the reason stored
// with the export, clients only by pseudonymous key. The page's form (CSRF, role guard) is the
// browser's way in; the route's answer is streamed through with its headers, never held whole.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { alert, heading, paragraph } from '../shared/components.js';
import type { Pages } from '../shared/context.js';
import { GraphRequestError, SessionExpiredError } from '../shared/graph-client.js';
import { html } from '../shared/html.js';
import { checkMonth, checkReason, fieldsOf, monthField, reasonField, summary, type Fields, type Problems } from './form.js';
import { recentMonths } from './words.js';

const PATH = '/auditor/export';
const PASSED_ON = ['content-type', 'content-disposition', 'cache-control', 'x-content-type-options'];
const FORMATS: Record<string, string> = { csv: 'CSV, voor een spreadsheet', json: 'JSON, voor andere software' };

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export async function auditorExportRoutes(app: FastifyInstance, pages: Pages) {
  const render = (request: FastifyRequest, reply: FastifyReply, f: Fields, p: Problems) => {
    const csrf = pages.csrf(reply);
    return pages.send(request, reply, {
      title: 'Logboek exporteren',
      current: PATH,
      status: Object.keys(p).length ? 400 : 200,
      body: html`${heading(1, 'Logboek exporteren')}
        ${summary(p)}
        ${paragraph('Download alle verwerkingen en weigeringen van uw organisatie in één maand, oudste eerst. Cliënten staan erin met een kenmerk, nooit met hun BSN.')}
        ${alert('info', 'Het bestand bevat gegevens over het werk van uw collega’s. Bewaar het veilig en deel het alleen met wie het nodig heeft.')}
        <form method="post" action="${PATH}" class="kp-form" novalidate>
          <input type="hidden" name="_csrf" value="${csrf}">
          ${monthField(f.maand ?? '', p.maand)}
          <fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset kp-fieldset">
            <legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">Soort bestand</legend>
            ${Object.entries(FORMATS).map(
              ([value, label]) => html`<div class="utrecht-form-field utrecht-form-field--radio kp-choice">
                <input class="utrecht-radio-button utrecht-radio-button--html-input" type="radio" name="formaat" id="formaat-${value}" value="${value}"${(f.formaat || 'csv') === value ? html` checked` : ''}>
                <label class="utrecht-form-label utrecht-form-label--radio" for="formaat-${value}">${label}</label>
              </div>`,
            )}
          </fieldset>
          ${reasonField(f.reden ?? '', p.reden, 'Bijvoorbeeld: maandrapportage voor het normenkader. De reden wordt bewaard bij de export.')}
          <button type="submit" class="utrecht-button utrecht-button--primary-action">Downloaden</button>
        </form>`,
    });
  };

  app.get(PATH, async (request, reply) => {
    const asked = fieldsOf(request.query, ['maand']).maand!;
    return render(request, reply, { maand: recentMonths().includes(asked) ? asked : recentMonths()[0]! }, {});
  });

  app.post(PATH, async (request, reply) => {
    const f = fieldsOf(request.body, ['maand', 'formaat', 'reden']);
    const p: Problems = {};
    checkMonth(f, p);
    if (f.formaat !== 'csv' && f.formaat !== 'json') p.formaat = 'Kies CSV of JSON.';
    checkReason(f, p);
    if (Object.keys(p).length) return render(request, reply, f, p);
    const res = await app.inject({
      method: 'POST',
      url: '/controle/v1/export',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${pages.session(request).token}` },
      payload: JSON.stringify({ maand: f.maand, formaat: f.formaat, reden: f.reden }),
      payloadAsStream: true,
    });
    if (res.statusCode === 200) {
      for (const name of PASSED_ON) {
        const value = res.headers[name];
        if (value !== undefined) reply.header(name, value);
      }
      return reply.code(200).send(res.stream());
    }
    if (res.statusCode === 401) throw new SessionExpiredError();
    // The route's refusal (problem+json) becomes the pages' error page for its code.
    let code = 'INTERNAL';
    try {
      code = String((JSON.parse(await text(res.stream())) as { code?: unknown }).code ?? 'INTERNAL');
    } catch {
      // Not problem+json: an internal error.
    }
    throw new GraphRequestError([{ message: `export answered ${res.statusCode}`, code }]);
  });
}
