// The shape every adapter shares: a fastify instance (not listening) serving one federated
// subgraph at /graphql behind the internal-token check, with its source API client closed when
// the instance closes. Each adapter brings its schema file, resolvers, loaders and context.
import { mercuriusFederationPlugin } from '@mercuriusjs/federation';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { IResolvers, MercuriusLoaders } from 'mercurius';
import { loggerOptions, requestLog } from '../../lib/logger.js';
import type { AdapterOptions } from './adapter-options.js';
import { badUserInputBody } from './errors.js';
import { internalAuth, type InternalCall } from './internal-auth.js';
import type { Partner } from './partner.js';
import { subgraphSchema } from './schema-file.js';
import { createSourceHttp, type SourceHttp } from './source-http.js';
import { closePromptly } from '../../lib/prompt-close.js';

export interface SubgraphParts<C> {
  resolvers: IResolvers<any, AdapterContext<C>>;
  loaders?: MercuriusLoaders<AdapterContext<C>>;
  /** Per-request context (batch loaders live here, so nothing is cached across requests). */
  context(call: InternalCall): C;
}

/**
 * The most queries one batched call may hold. The gateway sends one query per distinct set of Klant
 * fields it needs from an adapter at one level of the answer (a view asks CWI three); more than
 * this is not the gateway.
 */
export const MAX_BATCH = 16;

/** What every resolver of an adapter sees: the verified call and the adapter's own context. */
export type AdapterContext<C> = C & { call: InternalCall };

export function createSubgraphApp<C extends object>(
  partner: Partner,
  options: AdapterOptions,
  define: (deps: { source: SourceHttp; log: FastifyBaseLogger }) => SubgraphParts<C>,
): FastifyInstance {
  const app = Fastify({
    logger: loggerOptions(options.logLevel ?? 'info', `adapter-${partner}`, options.logStream),
    logController: requestLog(options.logRequests !== false),
  });
  closePromptly(app);
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
    scope.addHook('preValidation', async (request, reply) => {
      if (Array.isArray(request.body) && request.body.length > MAX_BATCH) {
        // The token is valid, and the gateway never sends this many: a fault in the gateway or a
        // token used by someone else. Worth an operator's look; no subject (it may be a BSN).
        const call = request.internalCall;
        request.log.warn(
          { event: 'oversized_batch', queries: request.body.length, limit: MAX_BATCH, role: call?.role, oin: call?.oin, purpose: call?.purpose, traceparent: call?.traceparent },
          'refused a batch larger than the gateway sends, from a valid internal token',
        );
        return reply.code(400).send(badUserInputBody(partner, `a batch holds at most ${MAX_BATCH} queries, this one ${request.body.length}`));
      }
    });
    await scope.register(mercuriusFederationPlugin, {
      // The gateway sends the entity queries it has for this adapter in one tick as one batch: one
      // HTTP call and one token check for a view's three CWI fields instead of three (each query
      // still runs on its own, with the request's loaders shared, so the source calls batch too).
      allowBatchedQueries: true,
      schema: subgraphSchema(partner),
      resolvers: parts.resolvers as unknown as IResolvers,
      // Typed with the adapter's own context above; mercurius types them with its global one.
      loaders: parts.loaders as unknown as MercuriusLoaders | undefined,
      graphiql: false,
      // The gateway sends the same few query texts again and again: from the second time on each runs
      // compiled (graphql-jit), a third less adapter CPU on a caseload of 300 (bench/compare.ts).
      // tests/adapters/compiled-queries.test.ts holds the compiled answers to the interpreter's.
      jit: 1,
      context: (request) => ({ ...parts.context(request.internalCall!), call: request.internalCall! }),
    });
  });
  return app;
}
