// What every page handler shares: the graph client, the sealer, the session guard, rendering with
// the security headers, and one error page for everything that goes wrong. Page modules get this
// object rather than reaching into the app, so they cannot bypass the graph.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../../auth/caller.js';
import type { Config } from '../../config.js';
import { alert, heading, linkButton, paragraph } from './components.js';
import { csrfToken, isCsrfError } from './csrf.js';
import type { KetenError } from '../../errors.js';
import { retryAfterOf } from '../../limits/refusals.js';
import { saveDraft } from './drafts.js';
import { GraphRequestError, SessionExpiredError, type Graph } from './graph-client.js';
import { html, type SafeHtml } from './html.js';
import { layout, type NavItem } from './layout.js';
import type { KnownPages } from './safe-return.js';
import type { Sealer } from './seal.js';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../../db/unavailable.js';
import { UNAVAILABLE_TITLE, unavailableBody } from './unavailable-page.js';
import { homeFor, type CookieSettings, type PageSession } from './session.js';
import type { SessionStore } from './session-store.js';

export interface PageView {
  title: string;
  body: SafeHtml;
  current?: string;
  status?: number;
}

export interface Pages {
  config: Readonly<Config>;
  graph: Graph;
  sealer: Sealer;
  cookie: CookieSettings;
  /** The server-side sessions behind the cookie (session-store.ts). */
  sessions: SessionStore;
  /** The pages a return path after login may name (the role areas' GET routes; safe-return.ts). */
  knownPages: KnownPages;
  /** The logged-in person; only inside routes guarded by `requireRole`. */
  session(request: FastifyRequest): PageSession;
  requireRole(...roles: Role[]): (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  send(request: FastifyRequest, reply: FastifyReply, view: PageView): FastifyReply;
  csrf(reply: FastifyReply): string;
}

/** Sends the person to log in; a POST's fields are kept as a draft for the same form. */
export function toLogin(pages: Pick<Pages, 'sealer' | 'cookie'>, request: FastifyRequest, reply: FastifyReply) {
  const path = request.url.split('?')[0]!;
  if (request.method === 'POST') {
    saveDraft(reply, pages.sealer, pages.cookie.secure, path, request.body, request.pages?.expired?.subject ?? request.pages?.current?.subject);
    return reply.redirect(`/inloggen?terug=${encodeURIComponent(path)}&verlopen=1`, 303);
  }
  const wasLoggedIn = Boolean(request.pages?.expired || request.pages?.current);
  return reply.redirect(`/inloggen?terug=${encodeURIComponent(request.url)}${wasLoggedIn ? '&verlopen=1' : ''}`, 303);
}

/** How the header shows a role's part of the pages (from the role folders' areas). */
export interface AreaLook {
  role: Role;
  section: string;
  nav: NavItem[];
}

export function createPages(app: FastifyInstance, deps: { graph: Graph; sealer: Sealer; cookie: CookieSettings; sessions: SessionStore; knownPages: KnownPages; areas: AreaLook[] }): Pages {
  const { areas, ...shared } = deps;
  const pages: Pages = {
    config: app.config,
    ...shared,
    session(request) {
      const s = request.pages?.current;
      if (!s) throw new SessionExpiredError();
      return s;
    },
    requireRole(...roles) {
      return async (request, reply) => {
        const s = request.pages?.current;
        if (!s) return toLogin(pages, request, reply);
        if (!roles.includes(s.role)) {
          return pages.send(request, reply, {
            title: 'Geen toegang',
            status: 403,
            body: html`${heading(1, 'Deze pagina is niet voor u')}
              ${paragraph('U bent ingelogd, maar deze pagina hoort bij een andere rol.')}
              ${linkButton(homeFor(s.role), 'Naar uw eigen startpagina', 'primary-action')}`,
          });
        }
      };
    },
    csrf(reply) {
      return csrfToken(reply);
    },
    send(request, reply, view) {
      const session = request.pages?.current;
      return reply
        .code(view.status ?? 200)
        .type('text/html; charset=utf-8')
        .send(layout({ title: view.title, body: view.body, session, current: view.current, csrf: session ? csrfToken(reply) : undefined, area: areas.find((a) => a.role === session?.role) }));
    },
  };
  return pages;
}

const GRAPH_MESSAGES: Record<string, { status: number; title: string; text: string }> = {
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

/** Seconds to wait before trying again, for a refusal for load (Retry-After), when not told: a minute or a few seconds. */
function retryAfter(err: unknown): number | undefined {
  const own = retryAfterOf(err);
  if (own !== undefined) return own;
  if (!(err instanceof GraphRequestError) || (err.code !== 'RATE_LIMITED' && err.code !== 'SERVICE_UNAVAILABLE')) return undefined;
  return err.errors[0]?.retryAfter ?? (err.code === 'RATE_LIMITED' ? 60 : 5);
}

export function installPageErrors(app: FastifyInstance, pages: Pages) {
  app.setErrorHandler((err, request, reply) => {
    if (err instanceof SessionExpiredError) return toLogin(pages, request, reply);
    if (isCsrfError(err)) {
      return pages.send(request, reply, {
        title: 'Formulier verlopen',
        status: 403,
        body: html`${heading(1, 'Dit formulier is verlopen')}
          ${alert('warning', 'Er is niets veranderd. Open de pagina opnieuw en probeer het nog een keer.')}
          ${linkButton('/', 'Naar de startpagina', 'primary-action')}`,
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
    if (!message) {
      // Only the code and the error's own message: never the request body or the token.
      request.log.error({ err: err instanceof GraphRequestError ? { codes: err.errors.map((e) => e.code) } : err }, 'page failed');
      message = { status: 500, title: 'Er ging iets mis', text: 'Er ging bij ons iets mis. Uw gegevens zijn niet veranderd. Probeer het later opnieuw.' };
    }
    return pages.send(request, reply, {
      title: message.title,
      status: message.status,
      body: html`${heading(1, message.title)}${alert('error', message.text)}${paragraph(html`<a class="utrecht-link" href="/">Terug naar de startpagina</a>`)}`,
    });
  });
}
