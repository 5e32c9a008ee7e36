// What every page handler shares: the graph client, the sealer, the session guard, rendering with
// the security headers (what goes wrong becomes a page in error-pages.ts). Page modules get this
// object rather than reaching into the app, so they cannot bypass the graph.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../../auth/caller.js';
import type { Config } from '../../config.js';
import { heading, linkButton, paragraph } from './components.js';
import { csrfToken } from './csrf.js';
import { saveDraft } from './drafts.js';
import { SessionExpiredError, type Graph } from './graph-client.js';
import { html, type SafeHtml } from './html.js';
import { layout, type NavItem } from './layout.js';
import type { KnownPages } from './safe-return.js';
import type { Sealer } from './seal.js';
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
