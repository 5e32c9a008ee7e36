// Builds the gateway application from a typed config and an open database. `server.ts` listens and
// shuts down; tests build the app with their own config and database and use inject or listen.
// Plugins are registered in a fixed order: infrastructure first, then the feature areas.
import Fastify, { type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { authentication } from './auth/authenticate.js';
import { devIssuerRoutes } from './auth/dev-issuer-routes.js';
import type { Config } from './config.js';
import { consentRoutes } from './consent/routes.js';
import { rapportageRoutes } from './rapportage/routes.js';
import { auditRoutes } from './audit/routes.js';
import type { Database } from './db/database.js';
import { database } from './db/plugin.js';
import { installErrorHandler } from './error-handler.js';
import { graphPlugin, type SubgraphService } from './graph/plugin.js';
import { healthRoutes } from './health.js';
import { securityHeaders } from './security-headers.js';
import { limits } from './limits/plugin.js';
import { createKeyStore, type KeyStore } from './keys/key-store.js';
import { loggerOptions, requestLog } from '../lib/logger.js';
import { openapiPlugin } from './openapi/plugin.js';
import { httpMetricsPlugin } from './http-metrics.js';
import { createChainServices, type ChainServices } from './services.js';
import { closePromptly } from '../lib/prompt-close.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Readonly<Config>;
    keys: KeyStore;
    services: ChainServices;
  }
}

export interface AppDeps {
  config: Readonly<Config>;
  db: Database;
  /** Made by the caller when it also runs subgraphs that need them; made here otherwise. */
  services?: ChainServices;
  /** The subgraphs to compose into /graphql; without them the app serves no graph. */
  subgraphs?: SubgraphService[];
  /** Where log lines go instead of stdout. */
  logDestination?: DestinationStream;
}

export async function buildApp({ config, db, services: given, subgraphs, logDestination }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config.LOG_LEVEL, 'ketenpoort', logDestination),
    logController: requestLog(),
    // Requests in flight finish on close; idle keep-alive sockets are closed at once.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    bodyLimit: 1024 * 1024,
    // Behind a reverse proxy the caller's address (per-address rate limits) is in X-Forwarded-For,
    // believed only from the proxies named in TRUST_PROXY.
    trustProxy: config.TRUST_PROXY ?? false,
    genReqId: () => crypto.randomUUID(),
  });
  closePromptly(app);
  const services = given ?? createChainServices(config, db, createKeyStore(db.prisma, { encryptionKey: config.keyEncryptionKey }));
  const keys = services.keys;
  app.decorate('config', config);
  app.decorate('keys', keys);
  app.decorate('services', services);
  installErrorHandler(app);
  await securityHeaders(app, config.production);

  await app.register(openapiPlugin); // before the routes: it collects their schemas
  if (config.METRICS_PORT !== undefined) await app.register(httpMetricsPlugin);
  await app.register(database, { db });
  await app.register(authentication, { config, keys });
  await app.register(limits); // rate limits and load shedding, before every route they cover
  await app.register(healthRoutes);
  if (config.DEV_ISSUER) await app.register(devIssuerRoutes);
  await app.register(consentRoutes);
  await app.register(rapportageRoutes);
  await app.register(auditRoutes);
  if (subgraphs?.length) await app.register(graphPlugin, { services: subgraphs });
  if (subgraphs?.length) await app.register((await import('./pages/plugin.js')).pagesPlugin); // web pages (they call /graphql)
  return app;
}
