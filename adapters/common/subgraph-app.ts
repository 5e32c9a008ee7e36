// The shape every adapter shares: a fastify instance (not listening) serving one federated
// subgraph at /graphql behind the internal-token check, with its source API client closed when
// the instance closes. Each adapter brings its schema file, resolvers, loaders and context.
import { mercuriusFederationPlugin } from '@mercuriusjs/federation';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { IResolvers, MercuriusLoaders } from 'mercurius';
import { loggerOptions, requestLog } from '../../lib/logger.js';
import type { AdapterOptions } from './adapter-options.js';
import { internalAuth, type InternalCall } from './internal-auth.js';
import type { Partner } from './partner.js';
import { subgraphSchema } from './schema-file.js';
import { createSourceHttp, type SourceHttp } from './source-http.js';

export interface SubgraphParts<C> {
  resolvers: IResolvers<any, AdapterContext<C>>;
  loaders?: MercuriusLoaders<AdapterContext<C>>;
  /** Per-request context (batch loaders live here, so nothing is cached across requests). */
  context(call: InternalCall): C;
}

/** What every resolver of an adapter sees: the verified call and the adapter's own context. */
export type AdapterContext<C> = C & { call: InternalCall };

export function createSubgraphApp<C extends object>(
  partner: Partner,
  options: AdapterOptions,
  define: (deps: { source: SourceHttp; log: FastifyBaseLogger }) => SubgraphParts<C>,
): FastifyInstance {
  const app = Fastify({
    logger: loggerOptions(options.logLevel ?? 'info', `adapter-${partner}`),
    logController: requestLog(options.logRequests !== false),
  });
  const source = createSourceHttp({
    partner,
    baseUrl: options.sourceUrl,
    credential: options.sourceCredential,
    timeoutMs: options.timeoutMs,
    retry: options.retry,
    breaker: options.breaker,
    log: app.log,
  });
  const parts = define({ source, log: app.log });
  app.addHook('onClose', async () => source.close());

  // Liveness for an orchestrator; says nothing about any person, so it needs no token.
  app.get('/health', async () => ({ status: 'ok', partner, source: source.breakerOpen ? 'circuit-open' : 'closed' }));

  app.register(async (scope) => {
    await scope.register(internalAuth, { partner, gatewayIssuer: options.gatewayIssuer, getKey: options.getKey });
    await scope.register(mercuriusFederationPlugin, {
      schema: subgraphSchema(partner),
      resolvers: parts.resolvers as unknown as IResolvers,
      // Typed with the adapter's own context above; mercurius types them with its global one.
      loaders: parts.loaders as unknown as MercuriusLoaders | undefined,
      graphiql: false,
      context: (request) => ({ ...parts.context(request.internalCall!), call: request.internalCall! }),
    });
  });
  return app;
}
