// Per-route request metrics for the gateway's own HTTP API (lib/metrics.ts), registered only when
// metrics are on (METRICS_PORT): then one histogram observation per answer, labelled by the route
// as registered, so /rib/v1/trajecten/:trajectId/... is one series however many trajectories exist.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { metrics } from '../lib/metrics.js';

async function httpMetrics(app: FastifyInstance) {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? '(unmatched)';
    metrics.httpRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    // @fastify/rate-limit answers 429 through the error handler: counted here, whatever refused.
    if (reply.statusCode === 429) metrics.refused('rate-limit', route);
  });
}

export const httpMetricsPlugin = fp(httpMetrics, { name: 'http-metrics' });
