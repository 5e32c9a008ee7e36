// /health: the process is alive. /ready: it can serve (database reachable, migrations applied, the
// LISTEN connection up — without it revocations and report events do not reach this instance — and
// not shedding load). Neither needs a token or shows personal data; neither is rate limited or
// shed, so a platform can always ask (gateway/limits/plugin.ts).
import type { FastifyInstance, RouteShorthandOptions } from 'fastify';
import { pendingMigrations } from './db/migrations.js';
import { KetenError, problem } from './errors.js';
import { NOT_LIMITED, PRESSURE_RETRY_AFTER_S } from './limits/plugin.js';
import { json, problems } from './openapi/problem.js';

const healthSchema: RouteShorthandOptions = {
  config: NOT_LIMITED,
  schema: {
    tags: ['beheer'],
    operationId: 'getHealth',
    summary: 'The process is alive',
    response: { 200: json('alive', { type: 'object', required: ['status'], properties: { status: { type: 'string', const: 'ok' } }, additionalProperties: false }) },
  },
};

const readySchema: RouteShorthandOptions = {
  config: NOT_LIMITED,
  schema: {
    tags: ['beheer'],
    operationId: 'getReady',
    summary: 'This instance can serve: database reachable, migrations applied, notifications received, not overloaded',
    response: {
      200: json('ready', {
        type: 'object',
        required: ['status', 'database', 'adapters'],
        properties: {
          status: { type: 'string', const: 'ready' },
          database: { type: 'string', enum: ['postgres', 'pglite'] },
          // A partner that is down does not make the gateway unready: it answers without that part.
          adapters: {
            type: 'object',
            description: "the gateway's circuit breaker towards each partner adapter: closed (calls go through), open (failing at once after repeated failures), half-open (one trial call)",
            additionalProperties: { type: 'string', enum: ['closed', 'half-open', 'open'] },
          },
        },
        additionalProperties: false,
      }),
      ...problems('SERVICE_UNAVAILABLE'),
    },
  },
};

export async function healthRoutes(app: FastifyInstance) {
  // Migrations only move forward while we run; once all are applied there is no need to look again.
  let migrated = false;
  app.get('/health', healthSchema, async () => ({ status: 'ok' }));

  app.get('/ready', readySchema, async (_request, reply) => {
    if (app.isUnderPressure()) {
      // The balancer should send its requests elsewhere until the event loop keeps up again.
      const lag = Math.round(app.memoryUsage().eventLoopDelay);
      const err = new KetenError('SERVICE_UNAVAILABLE', `under pressure: the event loop lags ${lag} ms on average (limit ${app.config.PRESSURE_EVENT_LOOP_DELAY_MS} ms)`, {
        retryAfter: PRESSURE_RETRY_AFTER_S,
      });
      return reply.code(503).header('retry-after', PRESSURE_RETRY_AFTER_S).type('application/problem+json').send(problem(err));
    }
    try {
      await app.prisma.$queryRawUnsafe('SELECT 1');
    } catch {
      return reply.code(503).type('application/problem+json').send({
        title: 'SERVICE_UNAVAILABLE', status: 503, detail: 'database unreachable', code: 'SERVICE_UNAVAILABLE',
      });
    }
    const pending = migrated ? [] : await pendingMigrations(app.db);
    migrated = pending.length === 0;
    if (!migrated) {
      return reply.code(503).type('application/problem+json').send({
        title: 'SERVICE_UNAVAILABLE', status: 503, detail: `migrations pending: ${pending.join(', ')}`, code: 'SERVICE_UNAVAILABLE',
      });
    }
    const listener = app.db.listener.status();
    if (listener.state === 'down') {
      return reply.code(503).type('application/problem+json').send({
        title: 'SERVICE_UNAVAILABLE', status: 503, code: 'SERVICE_UNAVAILABLE',
        detail: `notification listener down since ${new Date(listener.since).toISOString()}, reconnecting: revocations and report events do not reach this instance`,
      });
    }
    const adapters = Object.fromEntries([...app.services.adapterCircuits].map(([partner, circuit]) => [partner, circuit.state()]));
    return { status: 'ready', database: app.db.kind, adapters };
  });
}
