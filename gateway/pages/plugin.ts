// The web pages, served by the gateway: shared/ (layout, components, session, login, graph client)
// and one folder per role (client/, klantmanager/, rib/, auditor/). An encapsulated plugin: its
// cookies, form parsing, CSRF check, security headers and HTML error pages (shared/error-pages.ts)
// apply to the pages only, never to /graphql or the REST API. Pages read and change personal data through the graph alone,
// and open a report's PDF through its REST route with the person's own token (shared/bijlage-download.ts).
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { auditorArea } from './auditor/plugin.js';
import { clientArea } from './client/plugin.js';
import { klantmanagerArea } from './klantmanager/plugin.js';
import { ribArea } from './rib/plugin.js';
import { assetRoutes } from './shared/assets.js';
import { createPages } from './shared/context.js';
import { installPageErrors, pageNotFound } from './shared/error-pages.js';
import { registerCsrf } from './shared/csrf.js';
import { createGraph } from './shared/graph-client.js';
import { startLiveEvents } from './shared/live-events.js';
import { liveRoutes } from './shared/live-stream.js';
import { loginRoutes } from './shared/login.js';
import { oidcRoutes } from './shared/oidc.js';
import { oidcSettings } from './shared/oidc-settings.js';
import { roleAreaPlugin } from './shared/role-area.js';
import { createKnownPages } from './shared/safe-return.js';
import { createSealer, pagesKey } from './shared/seal.js';
import { readSession, sessionCookie } from './shared/session.js';
import { createSessionStore } from './shared/session-store.js';

/** One folder per role, each its own encapsulated plugin with its own role guard (role-area.ts). */
const AREAS = [clientArea, klantmanagerArea, ribArea, auditorArea];

export async function pagesPlugin(app: FastifyInstance) {
  const cookie = sessionCookie(app.config.publicUrl);
  const key = pagesKey(app.config);
  const sealer = createSealer(key);
  const sessions = createSessionStore({ prisma: app.services.prisma, pagesKey: key, idleMinutes: app.config.PAGES_IDLE_MINUTES });
  const oidc = oidcSettings(app.config);
  const pages = createPages(app, { graph: createGraph(app), sealer, cookie, sessions, knownPages: createKnownPages(), areas: AREAS });

  if (!app.hasRequestDecorator('cookies')) await app.register(fastifyCookie);
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) await app.register(fastifyFormbody, { bodyLimit: 16 * 1024 });
  await registerCsrf(app, cookie.secure);

  // Security headers come from gateway/security-headers.ts (every route). Personal data: pages are
  // never kept by the browser's or a proxy's cache.
  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.url.startsWith('/assets/')) reply.header('cache-control', 'no-store');
    return payload;
  });
  const rule = { bases: AREAS.map((a) => a.base), areas: AREAS };
  installPageErrors(app, pages, rule);

  await assetRoutes(app);
  // Pages that update by themselves hear of changes from every instance (shared/live-events.ts).
  const live = await startLiveEvents(app.services, app.log);
  app.addHook('onClose', () => live.close());
  // Everything but the styles reads the session (a database read per request: session-store.ts).
  await app.register(async function sessionPages(scope) {
    const deps = { store: sessions, cookie, decisionLog: app.services.decisionLog };
    const away = new WeakMap<FastifyRequest, unknown>();
    scope.addHook('onRequest', async (request, reply) => {
      try {
        request.pages = await readSession(request, reply, deps);
      } catch (err) {
        if (!isDatabaseUnavailable(err)) throw err;
        // The database is away: answered once the form is parsed (below), so the 503 page can
        // show the person what they typed (shared/unavailable-page.ts).
        request.pages = {};
        away.set(request, err);
      }
    });
    scope.addHook('preValidation', async (request) => {
      if (away.has(request)) throw away.get(request);
    });
    await loginRoutes(scope, pages);
    await liveRoutes(scope, pages, live);
    if (oidc) await oidcRoutes(scope, pages, oidc);
    for (const area of AREAS) await scope.register(roleAreaPlugin(area, pages));
    // A mistyped or outdated page address gets a page in Dutch, not the API's problem+json
    // (shared/error-pages.ts); the APIs' own addresses keep their JSON answers.
    pageNotFound(scope, pages, rule);
  });
}
