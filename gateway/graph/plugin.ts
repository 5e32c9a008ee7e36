// The one graph: a mercurius gateway composing the partner adapters and the gateway's own "keten"
// subgraph. Per request, in this order: authenticate the bearer token; decide every root field
// (policy.ts, default deny; a klantmanager's `klant` whose caseload answer is not at hand is decided
// from the gemeente's own answer, after execution); wait for room beside the operations already
// running (admission.ts); sign a short-lived internal token per subgraph call; after execution,
// write the decision and processing logs, one commit, before the answer leaves (fail closed).
import mercuriusGateway from '@mercuriusjs/gateway';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DocumentNode, GraphQLSchema } from '../../lib/graphql.js';
import type { Caller } from '../auth/caller.js';
import { KetenError, logClientError } from '../errors.js';
import type { DecisionRow } from '../logs/log-statements.js';
import { ACTIVITIES, type Activity } from '../logs/processing-log.js';
import { traceFromHeader, traceHeaders, traceparentOf, type TraceContext } from '../logs/trace.js';
import { createAdapterCircuit } from './adapter-circuit.js';
import { createAdmission, operationWeight } from './admission.js';
import { formatGatewayError } from './error-format.js';
import { loadFieldOwners } from './field-owners.js';
import { SCHEMA_PURPOSE, signInternalToken } from './internal-token.js';
import { validationRules } from './limits.js';
import { checkRequestShape } from './request-shape.js';
import { decideRootFields } from './policy.js';
import { collectSubjects, planKlantReads, processingEntries, type ReadAudit } from './read-audit.js';
import { rootFields, type RootField } from './root-fields.js';
import { addAdmissionSource, metrics, metricsEnabled } from '../../lib/metrics.js';
import { PRESSURE_RETRY_AFTER_S } from '../limits/plugin.js';
import { retryAfterOf } from '../limits/refusals.js';
import { installSubscriptionAuth, ketenWebsocket, subscriptionOptions } from '../rapportage/gateway-subscription.js';

export interface SubgraphService {
  name: string;
  url: string;
  /** Must the gateway have it to start? The gateway's own subgraph: yes; partners: no. */
  mandatory?: boolean;
}

export interface GraphOptions {
  services: SubgraphService[];
}

interface GraphContext {
  caller: Caller;
  trace: TraceContext;
  consentToken?: string;
  activity?: Activity;
  audit?: ReadAudit;
  /**
   * The permits, decided before anything is fetched and written with the processing rows in
   * onResolution: one commit for both. Taken there; what is left once the response has gone (a
   * request that ended before onResolution, with no data) is written then (onResponse).
   */
  permits?: DecisionRow[];
  /** Clients whose access is decided from the gemeente's answer (policy.ts, ownerDecides). */
  decideFromAnswer?: string[];
  startTime: Date;
  /** For metrics: the operation type and its root fields. */
  operation?: { type: string; fields: RootField[] };
}

export async function graphPlugin(app: FastifyInstance, { services: subgraphs }: GraphOptions) {
  const services = app.services;
  const owners = loadFieldOwners();
  const gemeente = subgraphs.find((s) => s.name === 'gemeente');
  services.partnerUrls.gemeente ??= gemeente?.url;
  const klantAccess = services.klantAccess;
  const issuer = services.config.publicUrl;
  // Adapters stop waiting for their partner after PARTNER_TIMEOUT_MS and answer PARTNER_UNAVAILABLE
  // with the partner's name; the gateway waits a little longer, as a backstop for a hung adapter.
  const timeout = services.config.PARTNER_TIMEOUT_MS + 500;
  // The gateway's own subgraph answers a revoke only when no instance can still accept the consent:
  // at most CONSENT_CACHE_TTL_MS when notifications are lost (consent/cache.ts). That is the
  // revoke's own budget; cut off at a partner's timeout, a revoke that happened would answer
  // "a partner did not answer".
  const ketenTimeout = Math.max(timeout, services.config.CONSENT_CACHE_TTL_MS + 1000);

  const admission = createAdmission({
    clientsInFlight: services.config.GRAPH_CLIENTS_IN_FLIGHT,
    clientsPerCaller: services.config.GRAPH_CALLER_CLIENTS_IN_FLIGHT,
    waitMs: services.config.GRAPH_ADMISSION_WAIT_MS,
    retryAfterSeconds: PRESSURE_RETRY_AFTER_S,
  });

  // An operator sees the queue itself, not only its latency and 503s (/metrics).
  const unobserve = addAdmissionSource(() => admission);
  app.addHook('onClose', async () => unobserve());

  // Partner adapters only: the gateway's own subgraph is in this process and has no partner to name.
  const circuits = new Map(
    subgraphs.filter((s) => s.name !== 'keten').map((s) => [s.name, createAdapterCircuit(s.name, s.url, { timeoutMs: timeout, log: app.log })]),
  );
  for (const [name, c] of circuits) services.adapterCircuits.set(name, c);
  app.addHook('onClose', async () => {
    for (const [name, c] of circuits) {
      services.adapterCircuits.delete(name);
      await c.close();
    }
  });

  // Each request's context, for the permits a request that ended before onResolution left unwritten.
  const contexts = new WeakMap<FastifyRequest, GraphContext>();
  // No data left with this response (it leaves only through onResolution, which takes the
  // permits first); the decisions still go on record. The error itself may quote a row.
  const recordPermitsLeft = async (ctx: GraphContext | undefined, log: FastifyRequest['log']) => {
    if (!ctx?.permits?.length) return;
    const decisions = ctx.permits;
    ctx.permits = undefined;
    await services.logWriter.add({ decisions }).catch((err: { code?: string }) =>
      log.error({ event: 'decision_log_failed', code: err?.code }, 'permits of a request that ended early could not be recorded'),
    );
  };
  app.addHook('onResponse', async (request: FastifyRequest) => recordPermitsLeft(contexts.get(request), request.log));

  const internalToken = (ctx: GraphContext, subgraph: string) =>
    services.internalTokens.get({ subgraph, caller: ctx.caller, purpose: ACTIVITIES[ctx.activity ?? 'klantbeeld'] });

  app.addHook('preValidation', async (request: FastifyRequest) => {
    if ((request as { ws?: boolean | null }).ws) return;
    try {
      checkRequestShape(request);
    } catch (err) {
      if (err instanceof KetenError) logClientError(request.log, err);
      throw err;
    }
  });

  app.addHook('preHandler', async (request: FastifyRequest) => {
    // A websocket (subscriptions) authenticates in connection_init: gateway/rapportage/gateway-subscription.ts.
    if ((request as { ws?: boolean | null }).ws) return;
    await app.authenticate(request);
  });

  await app.register(mercuriusGateway as never, {
    graphiql: false,
    jit: 1,
    path: '/graphql',
    validationRules: validationRules(services.config.production),
    errorFormatter: formatGatewayError,
    subscription: subscriptionOptions,
    context: (request: FastifyRequest) => {
      const consentToken = request.headers['consent-token'];
      const ctx: GraphContext = {
        caller: request.caller!,
        trace: traceFromHeader(request.headers.traceparent),
        consentToken: typeof consentToken === 'string' ? consentToken : undefined,
        startTime: new Date(),
      };
      contexts.set(request, ctx);
      return ctx;
    },
    gateway: {
      services: subgraphs.map((s) => ({
        name: s.name,
        url: s.url,
        mandatory: s.mandatory ?? false,
        bodyTimeout: s.name === 'keten' ? ketenTimeout : timeout,
        headersTimeout: s.name === 'keten' ? ketenTimeout : timeout,
        ...(circuits.has(s.name) ? { agent: circuits.get(s.name)!.agent } : {}),
        // The queries for one adapter in one tick go as one batch (one call instead of a view's
        // three to CWI). Our partner adapters accept batches (adapters/common/subgraph-app.ts); the
        // gateway's own subgraph is called one operation at a time, as its schema-only check reads
        // a single body. Batched answers' errors: patches/@mercuriusjs+gateway+5.2.0.patch.
        allowBatchedQueries: s.name !== 'keten',
        ...(s.name === 'keten' ? ketenWebsocket(s.url, services) : {}),
        initHeaders: async () => ({
          authorization: `Bearer ${await signInternalToken(services.keys, {
            issuer, subgraph: s.name, caller: undefined, purpose: SCHEMA_PURPOSE, traceparent: traceparentOf(traceFromHeader(undefined)),
          })}`,
        }),
        rewriteHeaders: async (_headers: unknown, context: GraphContext | undefined) => {
          // The schema fetch at start has no request context; initHeaders signs that call.
          if (!context?.caller) return {};
          const headers: Record<string, string> = {
            authorization: `Bearer ${await internalToken(context, s.name)}`,
            ...traceHeaders(context.trace),
          };
          // Only the gateway's own subgraph, where the consent check runs, sees a consent token.
          if (s.name === 'keten' && context.consentToken) headers['x-consent-token'] = context.consentToken;
          return headers;
        },
      })),
      // A partner's adapter running elsewhere may come up after us (it can only check our internal
      // tokens once we listen and publish our keys): the schema is fetched again every 10 s, and a
      // partner that is down meanwhile keeps its last schema, so its fields answer
      // PARTNER_UNAVAILABLE rather than vanish.
      pollingInterval: 10_000,
      retryServicesCount: 5,
      retryServicesInterval: 1000,
    },
  } as never);
  installSubscriptionAuth(app, services);

  app.graphql.addHook('preExecution', async (schema: GraphQLSchema, document: DocumentNode, context: unknown, variables: unknown) => {
    const ctx = context as GraphContext;
    const op = rootFields(schema, document, variables as Record<string, unknown>, (context as { operationName?: string }).operationName);
    if (!op) throw new KetenError('BAD_USER_INPUT', 'name the operation to run');
    const decision = await decideRootFields(services, klantAccess, ctx.trace, ctx.caller, op.fields, owners.ketenRootFields);
    ctx.activity = decision.activity;
    ctx.decideFromAnswer = decision.decideFromAnswer;
    if (metricsEnabled()) ctx.operation = { type: op.operation.operation, fields: op.fields };
    ctx.permits = decision.permits;
    const reads = planKlantReads(schema, document);
    ctx.audit = reads.audit;
    // Decided and on record to be written; now wait for room (admission.ts). A refusal above did not queue.
    const reply = (context as { reply?: FastifyReply }).reply;
    const turn = reply && admission.admit(operationWeight(op.fields), reply.raw, `${ctx.caller.role}:${ctx.caller.subject}`);
    if (turn) {
      try {
        await turn;
      } catch (err) {
        // Refused, or the caller left and no response will finish: the decisions go on record now.
        if (retryAfterOf(err) !== undefined) metrics.refused('overload', '/graphql');
        await recordPermitsLeft(ctx, reply.log);
        throw err;
      }
    }
    return reads.document ? { document: reads.document } : undefined;
  });

  app.graphql.addHook('onResolution', async (execution, context) => {
    const ctx = context as unknown as GraphContext;
    if (ctx.operation) {
      const outcome = !execution.errors?.length ? 'ok' : execution.data ? 'partial' : 'error';
      metrics.graphqlOperation(operationLabel(ctx.operation.type, ctx.operation.fields.map((f) => f.name)), outcome, (Date.now() - ctx.startTime.getTime()) / 1000);
    }
    const data = execution.data;
    const subjects = ctx.audit?.instrumented && data ? collectSubjects(data, ctx.audit) : new Set<string>();
    const failedPartners = new Set<string>();
    for (const e of execution.errors ?? []) {
      const partner = (e.extensions as { partner?: unknown } | undefined)?.partner;
      if (typeof partner === 'string') failedPartners.add(partner);
    }
    // The permits stay in the context until handed to the writer: if anything before throws, they
    // are written once the refusal has gone (onResponse).
    const permits = (ctx.permits ??= []);
    for (const bsn of ctx.decideFromAnswer ?? []) {
      const outcome = subjects.has(bsn) ? 'found' : failedPartners.has('gemeente') ? 'unavailable' : 'not-found';
      // Throws after the denial is on record: the answer is replaced by the refusal.
      permits.push(await klantAccess.decideFromAnswer(ctx.trace, ctx.caller, bsn, outcome));
    }
    if (!ctx.audit?.instrumented || !data) {
      ctx.permits = undefined;
      return logged(services.logWriter.add({ decisions: permits }));
    }
    if (ctx.activity === 'caseload') klantAccess.onCaseload(ctx.caller, subjects);
    // The permits and the processing rows, one statement and one commit, written before the answer
    // leaves; if it fails, the caller gets an error, not the data.
    const processing = services.processingLog.rows(
      ctx.trace,
      processingEntries({ subjects, audit: ctx.audit, owners, failedPartners, caller: ctx.caller, activity: ctx.activity!, startTime: ctx.startTime }),
    );
    ctx.permits = undefined;
    try {
      await services.logWriter.add({ decisions: permits, processing });
    } catch {
      // One statement: a refused processing row took the permits with it. They are decisions that
      // were made, so they go on record alone once the refusal has gone (onResponse).
      ctx.permits = permits;
      throw logUnavailable();
    }
  });
}

/** `query klant` / `query caseload,klant`: root fields are schema names, so the label set stays small. */
function operationLabel(type: string, fields: string[]): string {
  const names = [...new Set(fields)].sort();
  return `${type} ${names.length > 4 ? `${names.slice(0, 4).join(',')},…` : names.join(',')}`;
}

/** A view whose log rows could not be written: no data leaves, and the caller may retry. */
const logUnavailable = () => new KetenError('SERVICE_UNAVAILABLE', 'the access log cannot be written right now; try again later');

/** Waits for the request's log writes; when one failed, no data leaves and the caller may retry. */
async function logged(write: Promise<void>) {
  try {
    await write;
  } catch {
    throw logUnavailable();
  }
}
