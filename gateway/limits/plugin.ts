// Rate limits and load shedding for every route of the gateway app.
//
// Rate limits (@fastify/rate-limit, counts shared by all instances through PostgreSQL: store.ts):
// - per authenticated caller, RATE_LIMIT_PER_MINUTE: a verified bearer token, or a page session;
// - per address for everyone else, RATE_LIMIT_ANONYMOUS_PER_MINUTE: bad or missing tokens count
//   here, so a flood of forged tokens is refused by address;
// - per address for logging in, RATE_LIMIT_LOGIN_PER_MINUTE (`app.loginRateLimit`, on the login
//   routes: the pages' login and the development issuer's token);
// - per client for granting consents, RATE_LIMIT_CONSENT_GRANTS_PER_HOUR (consent-grants.ts).
// Health and readiness are never limited (`NOT_LIMITED`), nor the OpenAPI document and its page
// (registered before this plugin: static and cached). A refusal is 429 with Retry-After.
//
// Load shedding (@fastify/under-pressure): when the event loop lags more than
// PRESSURE_EVENT_LOOP_DELAY_MS on average, every request except those marked `NOT_LIMITED` is
// answered 503 with Retry-After until it recovers, and /ready says not ready (gateway/health.ts).
import fastifyRateLimit, { type RateLimitOptions } from '@fastify/rate-limit';
import fastifyUnderPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { metrics } from '../../lib/metrics.js';
import { GROUPS } from './keys.js';
import { overloaded, rateLimited } from './refusals.js';
import { sharedStore } from './store.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Route config for the login routes: `config: { rateLimit: app.loginRateLimit }`. */
    loginRateLimit: RateLimitOptions;
  }
  interface FastifyContextConfig {
    /** Answered even under pressure (health and readiness report it themselves). */
    servesUnderPressure?: boolean;
  }
}

const MINUTE = 60_000;
/** How often the event loop's delay is sampled, and so how long a 503 episode lasts at least. */
const PRESSURE_SAMPLE_MS = 500;
/** Seconds a shed caller is asked to wait. */
export const PRESSURE_RETRY_AFTER_S = 5;

/** Route config for routes that must answer whatever the load: no rate limit, no shedding. */
export const NOT_LIMITED = { rateLimit: false, servesUnderPressure: true } as const;

async function limitsPlugin(app: FastifyInstance) {
  const config = app.config;
  const { counters, keys } = app.services.limits;
  counters.start(app.log);
  app.addHook('onClose', () => counters.close());

  await app.register(fastifyUnderPressure, {
    maxEventLoopDelay: config.PRESSURE_EVENT_LOOP_DELAY_MS,
    sampleInterval: PRESSURE_SAMPLE_MS,
    pressureHandler: async (request, reply) => {
      if (request.routeOptions.config.servesUnderPressure) return;
      metrics.refused('overload', request.routeOptions.url ?? '(unmatched)');
      reply.header('retry-after', PRESSURE_RETRY_AFTER_S);
      throw overloaded(PRESSURE_RETRY_AFTER_S);
    },
  });

  const anonymous = config.RATE_LIMIT_ANONYMOUS_PER_MINUTE;

  // The rate limit's own hook runs per route, after the hooks of the route's plugins: after the
  // pages have read the session from the database, say, or recorded the use of an ended one in the
  // decision log. An address already over its anonymous limit is therefore refused here first,
  // before any of that work, unless the request carries a token verified before (its caller has a
  // count of their own). So a flood of forged tokens or copied cookies costs no signature check,
  // no query and no log row once it is refused. A refusal here is not counted again.
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.rateLimit === false) return;
    if (request.headers.authorization && app.knownCaller(request)) return;
    const { current, ttl } = counters.peek(keys.address(request), MINUTE);
    if (current < anonymous) return;
    const refusal = rateLimited(ttl / 1000);
    reply.header('retry-after', refusal.details.retryAfter);
    throw refusal;
  });

  /**
   * Who to count this request against: a page session, or a bearer token (recognised from the
   * authentication cache for free, or verified here once: authenticate.ts remembers the outcome,
   * so the route does not check again); everyone else by address.
   */
  async function callerKey(request: FastifyRequest): Promise<string> {
    const session = request.pages?.current;
    if (session) return keys.caller(session);
    if (!request.headers.authorization) return keys.address(request);
    try {
      return keys.caller(app.knownCaller(request) ?? (await app.authenticate(request)));
    } catch {
      return keys.address(request);
    }
  }

  await app.register(fastifyRateLimit, {
    global: true,
    store: sharedStore(counters),
    timeWindow: MINUTE,
    max: (_request, key) => (key.startsWith(`${GROUPS.address}:`) ? anonymous : config.RATE_LIMIT_PER_MINUTE),
    keyGenerator: callerKey,
    errorResponseBuilder: (_request, context) => rateLimited(context.ttl / 1000),
  });

  app.decorate('loginRateLimit', {
    max: config.RATE_LIMIT_LOGIN_PER_MINUTE,
    timeWindow: MINUTE,
    keyGenerator: (request: FastifyRequest) => keys.login(request),
  } satisfies RateLimitOptions);
}

export const limits = fp(limitsPlugin, { name: 'ketenpoort-limits', dependencies: ['ketenpoort-auth'] });
