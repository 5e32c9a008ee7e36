// Opening a report's PDF from the pages (client and klantmanager). The file comes from the REST
// route GET /bijlagen/{id} (gateway/rapportage/routes.ts), called in-process with the logged-in
// person's own bearer token, as the graph client does: the same access rule, integrity check and
// processing-log row as for any caller. The answer's headers (attachment, ASCII and RFC 5987 file
// names, nosniff, digest) are passed on unchanged; a refusal becomes a page in plain Dutch.
import type { FastifyInstance } from 'fastify';
import { alert, heading, paragraph } from './components.js';
import type { Pages } from './context.js';
import { SessionExpiredError } from './graph-client.js';
import { html } from './html.js';
import { isId } from './ids.js';

const PASSED_ON = ['content-type', 'content-disposition', 'content-length', 'x-content-type-options', 'repr-digest', 'cache-control'];

const REFUSALS: Record<string, { status: number; title: string; text: string }> = {
  FORBIDDEN: { status: 403, title: 'Geen toegang', text: 'U mag dit bestand niet openen, of het bestaat niet.' },
  INTEGRITY_FAILED: {
    status: 409,
    title: 'Bestand beschadigd',
    text: 'Dit bestand is niet meer hetzelfde als toen het werd ontvangen. Daarom openen we het niet. De beheerder weet ervan.',
  },
};
const OTHER = { status: 503, title: 'Dat lukte niet', text: 'Het bestand kan nu niet worden geopend. Probeer het later opnieuw.' };

/** `GET <base>/bijlagen/:id` for a role area: the PDF, or a page that says why not. */
export function bijlageRoute(app: FastifyInstance, pages: Pages, base: string, back: string) {
  app.get<{ Params: { id: string } }>(`${base}/bijlagen/:id`, async (request, reply) => {
    const session = pages.session(request);
    const id = request.params.id;
    const res = isId(id)
      ? await app.inject({ method: 'GET', url: `/bijlagen/${id}`, headers: { authorization: `Bearer ${session.token}` } })
      : undefined;
    if (res?.statusCode === 401) throw new SessionExpiredError();
    if (res?.statusCode === 200) {
      for (const name of PASSED_ON) {
        const value = res.headers[name];
        if (value !== undefined) reply.header(name, value);
      }
      return reply.code(200).send(res.rawPayload);
    }
    let code = 'FORBIDDEN';
    if (res) {
      try {
        code = String((res.json() as { code?: unknown }).code ?? '');
      } catch {
        code = '';
      }
    }
    const m = REFUSALS[code] ?? OTHER;
    return pages.send(request, reply, {
      title: m.title,
      status: m.status,
      body: html`${heading(1, m.title)}${alert(code === 'INTEGRITY_FAILED' ? 'error' : 'warning', m.text)}${paragraph(html`<a class="utrecht-link" href="${back}">Terug</a>`)}`,
    });
  });
}
