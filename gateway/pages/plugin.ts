// The web pages for clients and klantmanagers, served by the gateway. An encapsulated plugin: its
// cookies, form parsing, CSRF check, security headers and HTML error pages apply to the pages only,
// never to /graphql or the REST API. Pages read and change personal data through the graph alone.
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { assetRoutes } from './assets.js';
import { clientOverviewRoutes } from './client-overzicht.js';
import { clientRapportageRoutes } from './client-rapportages.js';
import { clientToestemmingRoutes } from './client-toestemmingen.js';
import { clientVerwerkingRoutes } from './client-verwerkingen.js';
import { createPages, installPageErrors } from './context.js';
import { registerCsrf } from './csrf.js';
import { createGraph } from './graph-client.js';
import { klantmanagerCaseloadRoutes } from './klantmanager-caseload.js';
import { klantmanagerKlantRoutes } from './klantmanager-klant.js';
import { klantmanagerZoekRoutes } from './klantmanager-zoeken.js';
import { loginRoutes } from './login.js';
import { oidcRoutes } from './oidc.js';
import { oidcSettings } from './oidc-settings.js';
import { createSealer, pagesKey } from './seal.js';
import { readSession, sessionCookie } from './session.js';

// No scripts at all, styles only from ourselves, forms only to ourselves, never in a frame.
const CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export async function pagesPlugin(app: FastifyInstance) {
  const cookie = sessionCookie(app.config.publicUrl);
  const sealer = createSealer(pagesKey(app.config));
  const oidc = oidcSettings(app.config);
  const pages = createPages(app, { graph: createGraph(app), sealer, cookie });

  if (!app.hasRequestDecorator('cookies')) await app.register(fastifyCookie);
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) await app.register(fastifyFormbody, { bodyLimit: 16 * 1024 });
  await registerCsrf(app, cookie.secure);

  app.addHook('onRequest', async (request) => {
    request.pages = readSession(request, sealer, cookie);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    if (!request.url.startsWith('/assets/')) {
      reply.header('content-security-policy', CSP);
      reply.header('x-frame-options', 'DENY');
      // Personal data: never kept by the browser's or a proxy's cache.
      reply.header('cache-control', 'no-store');
    }
    return payload;
  });
  installPageErrors(app, pages);

  await assetRoutes(app);
  await loginRoutes(app, pages);
  if (oidc) await oidcRoutes(app, pages, oidc);
  await clientOverviewRoutes(app, pages);
  await clientToestemmingRoutes(app, pages);
  await clientRapportageRoutes(app, pages);
  await clientVerwerkingRoutes(app, pages);
  await klantmanagerCaseloadRoutes(app, pages);
  await klantmanagerZoekRoutes(app, pages);
  await klantmanagerKlantRoutes(app, pages);
}
