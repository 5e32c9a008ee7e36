// The gateway's side of subscriptions (mounted by gateway/graph/plugin.ts), in the same order as an
// HTTP request: authenticate the bearer token (sent in the websocket's connection_init payload,
// since a browser cannot set headers on a websocket); allow only subscription fields that have a
// guard checking each client's own arguments (default deny); sign an internal token for the keten
// subgraph, sent in that subscription's own connection_init. A connection lives no longer than its
// bearer token: it is closed (4403, graphql-ws's Forbidden) when the token expires, and when the
// token no longer verifies at a periodic re-check (a key withdrawn at the issuer).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import type { Caller } from '../auth/caller.js';
import { forbidden } from '../errors.js';
import { signInternalToken } from '../graph/internal-token.js';
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from '../../lib/graphql.js';
import { ACTIVITIES } from '../logs/processing-log.js';
import { traceFromHeader, traceparentOf, type TraceContext } from '../logs/trace.js';
import type { ChainServices } from '../services.js';
import { BLOK_POLICY } from './policy.js';
import { guardReportSubscription } from './subscription.js';

/** The websocket of a connection, as far as we use it. */
interface Socket {
  close(code: number, reason: string): void;
  once(event: 'close', listener: () => void): void;
}

interface SubscriptionContext {
  request: FastifyRequest;
  socket: Socket;
  bearer?: string;
  caller?: Caller;
  trace: TraceContext;
  startTime: Date;
  tokens: Map<string, Promise<string>>;
  ketenWsToken?: string;
}

/** mercurius `subscription` options: a connection must open with a bearer token in connection_init. */
export const subscriptionOptions = {
  context: (socket: Socket) => ({ socket }),
  onConnect: ({ payload }: { payload?: { authorization?: unknown } }) => {
    const auth = payload?.authorization;
    return typeof auth === 'string' && /^Bearer\s+\S+$/i.test(auth) ? { bearer: auth } : false;
  },
};

/** For the keten subgraph's service entry: its websocket, a system token for the connection, and
 *  per subscription the end user's internal token (the rewrite must be synchronous, so it is
 *  signed beforehand in the preSubscriptionExecution hook). */
export function ketenWebsocket(url: string, services: ChainServices) {
  return {
    wsUrl: url.replace(/^http/, 'ws'),
    wsConnectionParams: {
      reconnect: true,
      connectionInitPayload: async () => ({
        authorization: `Bearer ${await signInternalToken(services.keys, {
          issuer: services.config.publicUrl, subgraph: 'keten', caller: undefined, purpose: ACTIVITIES.rapportageLezen, traceparent: traceparentOf(traceFromHeader(undefined)),
        })}`,
      }),
      rewriteConnectionInitPayload: (_payload: unknown, context: SubscriptionContext) => ({ authorization: `Bearer ${context.ketenWsToken}` }),
    },
  };
}

function rootFieldNames(schema: GraphQLSchema, document: DocumentNode): string[] | undefined {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  const op = ops.length === 1 ? ops[0]! : undefined;
  const type = schema.getSubscriptionType();
  if (!op || !type) return undefined;
  const names: string[] = [];
  for (const s of op.selectionSet.selections) {
    if (s.kind !== 'Field') return undefined; // fragments at the root: not needed, so not allowed
    if (s.name.value !== '__typename') names.push(`${type.name}.${s.name.value}`);
  }
  return names;
}

export function installSubscriptionAuth(app: FastifyInstance, services: ChainServices) {
  let guarded = guardReportSubscription(app.graphql.schema, services, app);
  (app as unknown as { graphqlGateway: { addHook(name: string, fn: (i: unknown, s: GraphQLSchema) => Promise<void>): void } }).graphqlGateway.addHook(
    'onGatewayReplaceSchema',
    async (_instance, schema) => {
      guarded = guardReportSubscription(schema, services, app);
    },
  );

  app.graphql.addHook('preSubscriptionExecution', async (schema: GraphQLSchema, document: DocumentNode, context: unknown) => {
    const ctx = context as SubscriptionContext;
    ctx.trace = traceFromHeader(undefined);
    ctx.startTime = new Date();
    ctx.tokens = new Map();
    // The same verification as every HTTP request, each time a subscription starts, so a token
    // that expired while the socket stayed open is not honoured for new subscriptions.
    ctx.request.headers.authorization = ctx.bearer;
    ctx.request.caller = undefined;
    ctx.caller = await app.authenticate(ctx.request);
    watchToken(app, ctx);
    const fields = rootFieldNames(schema, document);
    const refused = !fields?.length ? ['(none)'] : fields.filter((f) => !guarded.has(f));
    if (refused.length) {
      await services.decisionLog.record(ctx.trace, {
        decision: 'deny', reason: 'unknown-subscription', action: refused.join(','), resource: 'graph', policyId: BLOK_POLICY.id, policyVersion: BLOK_POLICY.version, caller: ctx.caller, information: { fields: refused },
      });
      throw forbidden('this subscription is not available');
    }
    ctx.ketenWsToken = await signInternalToken(services.keys, {
      issuer: services.config.publicUrl, subgraph: 'keten', caller: ctx.caller, purpose: ACTIVITIES.rapportageLezen, traceparent: traceparentOf(ctx.trace),
    });
  });
}

/** A closed connection's bearer token is re-verified this often (verified tokens are remembered
 *  for up to a minute, lib/verified-tokens.ts, so checking more often would change nothing). */
const RECHECK_MS = 60_000;
/** Close code when the token ran out or stopped verifying (graphql-ws: 4403 Forbidden). */
export const TOKEN_ENDED = 4403;
const watched = new WeakSet<Socket>();

/** Once per connection: close it when its token expires, or stops verifying at a re-check. */
function watchToken(app: FastifyInstance, ctx: SubscriptionContext) {
  const socket = ctx.socket;
  if (!socket || watched.has(socket)) return;
  watched.add(socket);
  const exp = decodeJwt(ctx.bearer!.replace(/^Bearer\s+/i, '')).exp;
  const expiry = typeof exp === 'number' ? setTimeout(() => socket.close(TOKEN_ENDED, 'token expired'), Math.min(exp * 1000 - Date.now(), 2 ** 31 - 1)) : undefined;
  const recheck = setInterval(() => {
    ctx.request.caller = undefined;
    app.authenticate(ctx.request).catch(() => socket.close(TOKEN_ENDED, 'token no longer valid'));
  }, RECHECK_MS);
  expiry?.unref();
  recheck.unref();
  socket.once('close', () => {
    clearTimeout(expiry);
    clearInterval(recheck);
  });
}
