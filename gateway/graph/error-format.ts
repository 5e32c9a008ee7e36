// Every GraphQL error leaves with `extensions.code` from the one catalogue in gateway/errors.ts.
// Our own KetenErrors keep their code and message; a partner's error keeps the code and partner
// name its adapter gave; anything unexpected becomes INTERNAL with no detail (it is logged instead).
import type { FastifyInstance } from 'fastify';
import type { GraphQLError } from 'graphql';
import type { ExecutionResult } from '../../lib/graphql.js';
import { clientErrorOf, KetenError, logClientError } from '../errors.js';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../db/unavailable.js';
import { graphqlLoadRefusal } from '../limits/refusals.js';

interface Execution extends ExecutionResult {
  statusCode?: number;
  errors?: readonly GraphQLError[];
}

type Ctx = { reply?: { log: FastifyInstance['log']; header(name: string, value: string | number): unknown }; app: FastifyInstance };

// @mercuriusjs/gateway 5 marks relayed subgraph errors with the message "Symbol(FEDERATED_ERROR)"
// (a FederatedError carrying them in extensions.errors); older releases used MER_ERR_GQL_GATEWAY.
const FEDERATED = ['MER_ERR_GQL_GATEWAY', 'Symbol(FEDERATED_ERROR)'];
const isFederated = (message: string | undefined) => Boolean(message) && FEDERATED.some((f) => message!.startsWith(f));

interface JsonError {
  message: string;
  path?: readonly (string | number)[];
  locations?: readonly { line: number; column: number }[];
  extensions?: Record<string, unknown>;
}

function looksLikeNetworkFailure(message: string): boolean {
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|socket|other side closed|fetch failed|Timeout|UND_ERR/i.test(message);
}

function fromRemote(err: JsonError): JsonError {
  const code = err.extensions?.code;
  if (typeof code === 'string' && code.length > 0) return err;
  if (looksLikeNetworkFailure(err.message)) {
    return { ...err, message: 'a partner did not answer', extensions: { code: 'PARTNER_UNAVAILABLE' } };
  }
  return { ...err, message: 'internal error', extensions: { code: 'INTERNAL' } };
}

// graphql-js 16 cannot switch its suggestions off; outside development they are cut from the
// message, as they name fields to a caller who has no introspection.
const SUGGESTION = / ?Did you mean .*$/s;
const withoutSuggestion = (message: string) => message.replace(SUGGESTION, '');

function normalise(error: GraphQLError, log: FastifyInstance['log'], development: boolean): JsonError[] {
  const hint = development ? (m: string) => m : withoutSuggestion;
  const original = error.originalError as (Error & { extensions?: { errors?: JsonError[] }; errors?: GraphQLError[] }) | undefined;
  // Errors relayed from a subgraph by the mercurius gateway.
  if (isFederated(original?.message) || isFederated(error.message)) {
    const inner = (original?.extensions?.errors ?? (error.extensions?.errors as JsonError[] | undefined) ?? []) as JsonError[];
    return inner.map((e) => (e instanceof Error ? fromRemote({ message: e.message, extensions: (e as GraphQLError).extensions }) : fromRemote(e)));
  }
  // Request validation (mercurius wraps graphql's validation errors).
  if (original?.errors) {
    return original.errors.map((e) => ({ message: hint(e.message), locations: e.locations, extensions: { code: 'BAD_USER_INPUT' } }));
  }
  const base = { path: error.path, locations: error.locations };
  if (original instanceof KetenError) {
    return [{ ...base, message: original.message, extensions: { code: original.code, ...original.details } }];
  }
  const code = error.extensions?.code;
  if (typeof code === 'string') return [{ ...base, message: error.message, extensions: { ...error.extensions } }];
  if (!original) {
    // graphql-js's own errors without an original: syntax and validation.
    return [{ ...base, message: hint(error.message), extensions: { code: 'BAD_USER_INPUT' } }];
  }
  const client = clientErrorOf(original);
  if (client) {
    logClientError(log, client, (original as { code?: unknown }).code);
    return [{ ...base, message: client.message, extensions: { code: client.code } }];
  }
  if (isDatabaseUnavailable(original)) {
    log.warn({ err: original.message }, 'database unreachable');
    return [{ ...base, message: 'the database cannot be reached right now; try again shortly', extensions: { code: 'SERVICE_UNAVAILABLE', retryAfter: RETRY_AFTER_SECONDS } }];
  }
  log.error({ err: original }, 'unexpected error in a resolver');
  return [{ ...base, message: 'internal error', extensions: { code: 'INTERNAL' } }];
}

function format(execution: Execution, ctx: Ctx, gateway = false) {
  const log = ctx.reply ? ctx.reply.log : ctx.app.log;
  const development = ctx.app?.config?.NODE_ENV === 'development';
  const errors = (execution.errors ?? []).flatMap((e) => normalise(e, log, development));
  let statusCode = 200;
  if (!execution.data && errors.length > 0) {
    const first = (execution.errors?.[0]?.originalError as { statusCode?: number } | undefined)?.statusCode;
    statusCode = execution.statusCode ?? (errors.length === 1 && typeof first === 'number' ? first : 200);
    // Nothing answered because the database is away: say so the way HTTP does (503, Retry-After),
    // so clients and load balancers retry. Only at the gateway: a subgraph answers its gateway 200.
    if (gateway && errors.some((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE')) {
      statusCode = 503;
      ctx.reply?.header('retry-after', RETRY_AFTER_SECONDS);
    }
  }
  const refusal = graphqlLoadRefusal(errors);
  if (refusal) {
    ctx.reply?.header('retry-after', refusal.retryAfter);
    if (!execution.data) statusCode = refusal.status;
  }
  return { statusCode, response: { data: execution.data ?? null, errors } };
}

export const formatSubgraphError = format as never;
export const formatGatewayError = ((execution: Execution, ctx: Ctx) => format(execution, ctx, true)) as never;
