// The gateway's own data as a federated subgraph, composed by the gateway like any partner adapter
// and reached over loopback HTTP with a signed internal token. Its SDL is every file in
// schema/keten/; its resolvers are listed in keten-resolvers.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mercuriusFederationPlugin } from '@mercuriusjs/federation';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { parse, type OperationDefinitionNode } from '../../lib/graphql.js';
import { loggerOptions, requestLog } from '../../lib/logger.js';
import { createVerifiedTokens } from '../../lib/verified-tokens.js';
import { traceFromHeader } from '../logs/trace.js';
import type { ChainServices } from '../services.js';
import { internalKeyResolver, verifyInternalToken, type VerifiedInternalCall } from './internal-token.js';
import type { KetenContext } from './keten-context.js';
import { formatSubgraphError } from './error-format.js';
import { ketenLoaders, ketenResolvers } from './keten-resolvers.js';
import { bridgeReportEvents } from '../rapportage/subscription.js';
import { closePromptly } from '../../lib/prompt-close.js';

const schemaDir = fileURLToPath(new URL('../../schema/keten/', import.meta.url));

export function ketenSchema(): string {
  return readdirSync(schemaDir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => readFileSync(join(schemaDir, f), 'utf8'))
    .join('\n');
}

declare module 'fastify' {
  interface FastifyRequest {
    ketenCall?: VerifiedInternalCall;
  }
}

function unauthenticated(reply: import('fastify').FastifyReply, message: string) {
  return reply.code(401).send({ data: null, errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
}

/** Only the gateway's own schema fetch may come without an end user. */
function onlyAsksForSchema(request: FastifyRequest): boolean {
  const query = (request.body as { query?: unknown } | undefined)?.query;
  if (typeof query !== 'string') return false;
  try {
    const doc = parse(query);
    return doc.definitions.every(
      (d) =>
        d.kind === 'OperationDefinition' &&
        (d as OperationDefinitionNode).operation === 'query' &&
        (d as OperationDefinitionNode).selectionSet.selections.every((s) => s.kind === 'Field' && s.name.value === '_service'),
    );
  } catch {
    return false;
  }
}

export async function createKetenSubgraph(services: ChainServices): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(services.config.LOG_LEVEL, 'keten-subgraph'),
    // It runs in the gateway's process and serves only the gateway, whose request line covers each
    // call; its own lines appear when debugging.
    logController: requestLog(['debug', 'trace'].includes(services.config.LOG_LEVEL)),
    bodyLimit: 2 * 1024 * 1024,
  });
  closePromptly(app);
  const getKey = internalKeyResolver(services.keys);
  const issuer = services.config.publicUrl;
  // The gateway reuses one internal token per user and purpose for half a minute: verify it once.
  const verified = createVerifiedTokens<VerifiedInternalCall>();

  app.addHook('preHandler', async (request, reply) => {
    // A websocket upgrade (subscriptions) carries its internal token in connection_init instead;
    // `subscription.onConnect` below verifies it before anything runs.
    if ((request as { ws?: boolean | null }).ws) return;
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (!token) return unauthenticated(reply, 'this subgraph answers only calls the gateway signed');
    let call = verified.get(token);
    if (!call) {
      try {
        call = await verifyInternalToken(token, getKey, issuer, 'keten');
      } catch {
        return unauthenticated(reply, 'the internal token is not valid');
      }
      verified.set(token, call, call.exp);
    }
    // A reused token says nothing about this request: its trace context is in the header.
    const traceparent = request.headers.traceparent;
    request.ketenCall = typeof traceparent === 'string' ? { ...call, traceparent } : call;
    if (!request.ketenCall.caller && !onlyAsksForSchema(request)) {
      return unauthenticated(reply, 'an internal token without an end user may only fetch the schema');
    }
  });

  await app.register(mercuriusFederationPlugin, {
    schema: ketenSchema(),
    resolvers: ketenResolvers as never,
    loaders: ketenLoaders as never,
    context: (request): Partial<KetenContext> => {
      const call = request.ketenCall!;
      const consentToken = request.headers['x-consent-token'];
      return {
        caller: call.caller,
        trace: traceFromHeader(call.traceparent),
        consentToken: typeof consentToken === 'string' ? consentToken : undefined,
        services,
      };
    },
    errorFormatter: formatSubgraphError,
    graphiql: false,
    // Subscriptions (gateway/rapportage/subscription.ts): the gateway opens one websocket with a
    // system token, then sends each subscription with its own connection_init naming the end user.
    subscription: {
      onConnect: async ({ payload }: { payload?: { authorization?: unknown } }) => {
        const auth = payload?.authorization;
        if (typeof auth !== 'string' || !auth.startsWith('Bearer ')) return false;
        try {
          const call = await verifyInternalToken(auth.slice(7), getKey, issuer, 'keten');
          return { caller: call.caller, trace: traceFromHeader(call.traceparent), services };
        } catch {
          return false;
        }
      },
    },
  });
  const stopEvents = await bridgeReportEvents(app, services);
  app.addHook('onClose', async () => {
    await stopEvents();
  });
  return app;
}

