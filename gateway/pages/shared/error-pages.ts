// Pages answer as pages (issue 12, point 5): what goes wrong on a page request is a page in the
// house style with a way back, never the API's problem+json: 404 for an address that names no
// page, 403 for a refusal, 400-415 for a form the server cannot take, 429 and 503 to wait, 500 for
// our own failure (which names nothing internal; the operational log has the detail). The 503 of a
// database outage keeps the person's form (unavailable-page.ts).
//
// Which requests are page requests: never the APIs (/graphql, the REST routes, health, keys: they
// keep answering JSON and problem+json, whatever the Accept header says); always the pages' own
// paths (the role areas, login); and any other address when the browser asks for HTML (a
// navigation sends Accept: text/html), so a mistyped address in the address bar gets a page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clientErrorOf, type KetenError } from '../../errors.js';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../../db/unavailable.js';
import { retryAfterOf } from '../../limits/refusals.js';
import { alert, heading, linkButton, paragraph } from './components.js';
import { toLogin, type Pages } from './context.js';
import { isCsrfError } from './csrf.js';
import { GraphRequestError, SessionExpiredError } from './graph-client.js';
import { html } from './html.js';
import { homeFor } from './session.js';
import { UNAVAILABLE_TITLE, unavailableBody } from './unavailable-page.js';

/** The APIs' paths: exactly these, or anything below them. docs/openapi.json's paths all fall under one (tests/pages/error-pages.test.ts). */
export const API_PATHS = ['/graphql', '/health', '/ready', '/.well-known', '/toestemmingen', '/bijlagen', '/rib/v1', '/controle/v1', '/dev-issuer', '/openapi', '/openapi.json', '/metrics'];

/** The pages' own paths besides the role areas. */
const PAGE_PATHS = ['/inloggen', '/uitloggen'];

const under = (path: string, base: string) => path === base || path.startsWith(`${base}/`);

export function isApiPath(path: string): boolean {
  return API_PATHS.some((p) => under(path, p));
}

/** Does the Accept header name text/html, at least as wanted as JSON? (`*\/*` alone is not a browser's page request.) */
export function wantsHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  let htmlQ = 0;
  let jsonQ = 0;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    const weight = q === undefined ? 1 : Number(q);
    if (type === 'text/html' || type === 'application/xhtml+xml') htmlQ = Math.max(htmlQ, weight);
    if (type === 'application/json' || type === 'application/problem+json') jsonQ = Math.max(jsonQ, weight);
  }
  return htmlQ > 0 && htmlQ >= jsonQ;
}

export interface PageRequestRule {
  /** The role areas' base paths (/mijn, /klantmanager, /rib, /auditor). */
  bases: string[];
}

export function isPageRequest(request: FastifyRequest, rule: PageRequestRule): boolean {
  const path = request.url.split('?')[0]!;
  if (isApiPath(path)) return false;
  if (path === '/' || [...rule.bases, ...PAGE_PATHS].some((b) => under(path, b))) return true;
  return wantsHtml(request.headers.accept);
}

interface Message {
  status: number;
  title: string;
  text: string;
}

const GRAPH_MESSAGES: Record<string, Message> = {
  FORBIDDEN: { status: 403, title: 'Geen toegang', text: 'U mag deze gegevens niet zien of deze actie niet doen.' },
  NOT_FOUND: { status: 404, title: 'Niet gevonden', text: 'Wat u zoekt bestaat niet (meer).' },
  BAD_USER_INPUT: { status: 400, title: 'Dat lukte niet', text: 'Wat u invulde klopt niet. Ga terug en kijk het na.' },
  CONFLICT: { status: 409, title: 'Dat lukte niet', text: 'Dit is al veranderd, misschien in een ander venster. Ga terug en kijk opnieuw.' },
  CONSENT_REQUIRED: { status: 403, title: 'Geen toestemming', text: 'Hiervoor is toestemming nodig.' },
  CONSENT_REVOKED: { status: 403, title: 'Toestemming ingetrokken', text: 'Deze toestemming is ingetrokken.' },
  CONSENT_EXPIRED: { status: 403, title: 'Toestemming verlopen', text: 'Deze toestemming is verlopen.' },
  PARTNER_UNAVAILABLE: { status: 502, title: 'Even niet beschikbaar', text: 'Een organisatie in de keten geeft nu geen antwoord. Probeer het over een paar minuten opnieuw.' },
  RATE_LIMITED: { status: 429, title: 'Even wachten', text: 'Er komen te veel verzoeken binnen. Probeer het over een minuut opnieuw.' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'Even wachten', text: 'Het lukt nu even niet. Er is niets veranderd. Probeer het over een paar seconden opnieuw.' },
};

/** What the server could not take of the request itself (a form too big, a body it cannot read). */
const CLIENT_MESSAGES: Record<string, Message> = {
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Te veel tekst', text: 'U stuurde meer tekst dan dit formulier aankan. Er is niets veranderd. Maak het korter en probeer het opnieuw.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Dat lukte niet', text: 'Dit formulier kwam niet goed aan. Er is niets veranderd. Open de pagina opnieuw en probeer het nog een keer.' },
};
const BAD_REQUEST: Message = { status: 400, title: 'Dat lukte niet', text: 'Dit verzoek kwam niet goed aan. Er is niets veranderd. Open de pagina opnieuw en probeer het nog een keer.' };
const SERVER_ERROR: Message = { status: 500, title: 'Er ging iets mis', text: 'Er ging bij ons iets mis. Uw gegevens zijn niet veranderd. Probeer het later opnieuw.' };

/** Seconds to wait before trying again, for a refusal for load (Retry-After), when not told: a minute or a few seconds. */
function retryAfter(err: unknown): number | undefined {
  const own = retryAfterOf(err);
  if (own !== undefined) return own;
  if (!(err instanceof GraphRequestError) || (err.code !== 'RATE_LIMITED' && err.code !== 'SERVICE_UNAVAILABLE')) return undefined;
  return err.errors[0]?.retryAfter ?? (err.code === 'RATE_LIMITED' ? 60 : 5);
}

/** The way back: the person's own start page when logged in, else the start page (which sends to log in). */
function wayBack(request: FastifyRequest) {
  const s = request.pages?.current;
  return s ? linkButton(homeFor(s.role), 'Naar uw startpagina', 'primary-action') : linkButton('/', 'Naar de startpagina', 'primary-action');
}

function errorPage(pages: Pages, request: FastifyRequest, reply: FastifyReply, m: Message) {
  return pages.send(request, reply, {
    title: m.title,
    status: m.status,
    body: html`${heading(1, m.title)}${alert(m.status >= 500 ? 'error' : 'warning', m.text)}${wayBack(request)}`,
  });
}

/** The pages' error handler. A request that is no page request (see above) goes to the gateway's own handler: problem+json. */
export function installPageErrors(app: FastifyInstance, pages: Pages, rule: PageRequestRule) {
  app.setErrorHandler((err, request, reply) => {
    // Thrown on, fastify hands it to the parent's (the gateway's) error handler.
    if (!isPageRequest(request, rule)) throw err;
    if (err instanceof SessionExpiredError) return toLogin(pages, request, reply);
    if (isCsrfError(err)) {
      return pages.send(request, reply, {
        title: 'Formulier verlopen',
        status: 403,
        body: html`${heading(1, 'Dit formulier is verlopen')}
          ${alert('warning', 'Er is niets veranderd. Open de pagina opnieuw en probeer het nog een keer.')}
          ${wayBack(request)}`,
      });
    }
    // Refused for load before the page ran (limits/plugin.ts), or by the graph it asked.
    const wait = retryAfter(err);
    // The database is away (not load): the page says so and keeps the form with what was typed.
    if (isDatabaseUnavailable(err) || (err instanceof GraphRequestError && err.errors.some((e) => e.code === 'SERVICE_UNAVAILABLE' && e.retryAfter === undefined))) {
      reply.header('retry-after', String(wait ?? RETRY_AFTER_SECONDS));
      return pages.send(request, reply, { title: UNAVAILABLE_TITLE, status: 503, body: unavailableBody(request, request.method === 'POST' ? pages.csrf(reply) : undefined) });
    }
    if (wait !== undefined) reply.header('retry-after', wait);
    let message = GRAPH_MESSAGES[err instanceof GraphRequestError ? err.code : wait !== undefined ? (err as KetenError).code : ''];
    if (!message && !(err instanceof GraphRequestError)) {
      const client = clientErrorOf(err);
      if (client) {
        request.log.info({ code: client.code }, 'page request refused');
        message = GRAPH_MESSAGES[client.code] ?? CLIENT_MESSAGES[client.code] ?? BAD_REQUEST;
      }
    }
    if (!message) {
      // Only the code and the error's own message: never the request body or the token.
      request.log.error({ err: err instanceof GraphRequestError ? { codes: err.errors.map((e) => e.code) } : err }, 'page failed');
      message = SERVER_ERROR;
    }
    return errorPage(pages, request, reply, message);
  });
}

/**
 * Every GET (and HEAD) no route answers: for a page request the 404 page, else the gateway's own
 * not-found answer (problem+json), exactly as before. Outside the role areas, so no role guard (it
 * shows nothing personal) and never a page one is sent back to after logging in.
 */
export function pageNotFound(app: FastifyInstance, pages: Pages, rule: PageRequestRule & { areas: { base: string; section: string }[] }) {
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    if (!isPageRequest(request, rule)) return reply.callNotFound();
    const path = request.url.split('?')[0]!;
    const area = request.pages?.current ? undefined : rule.areas.find((a) => under(path, a.base));
    return pages.send(request, reply, {
      title: 'Pagina niet gevonden',
      status: 404,
      body: html`${heading(1, 'Deze pagina bestaat niet')}
        ${paragraph('Misschien is het adres niet goed overgenomen, of bestaat de pagina niet meer.')}
        ${area ? linkButton(area.base, `Naar ${area.section}`, 'primary-action') : wayBack(request)}`,
    });
  });
}
