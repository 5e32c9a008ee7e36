// One error handler for REST routes: problem+json (RFC 9457, NL API Design Rules) with a code from
// the catalogue. Detail is shown for client errors only; a 500 says nothing about our internals.
import type { FastifyError, FastifyInstance } from 'fastify';
import { clientErrorOf, KetenError, logClientError, problem } from './errors.js';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from './db/unavailable.js';
import { retryAfterOf } from './limits/refusals.js';

export function installErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError | KetenError, request, reply) => {
    let keten: KetenError;
    if (err instanceof KetenError) {
      keten = err;
    } else if ((err as FastifyError).validation) {
      keten = new KetenError('BAD_USER_INPUT', err.message);
    } else if ((err as FastifyError).statusCode === 429) {
      keten = new KetenError('RATE_LIMITED', 'too many requests, try again later');
    } else {
      const client = clientErrorOf(err);
      if (client) {
        logClientError(request.log, client, (err as FastifyError).code);
        keten = client;
      } else if (isDatabaseUnavailable(err)) {
        request.log.warn({ err: err.message }, 'database unreachable');
        keten = new KetenError('SERVICE_UNAVAILABLE', 'the database cannot be reached right now; try again shortly', { retryAfter: RETRY_AFTER_SECONDS });
      } else {
        request.log.error({ err }, 'unhandled error');
        keten = new KetenError('INTERNAL', 'internal error');
      }
    }
    if (keten.statusCode === 401) reply.header('www-authenticate', 'Bearer');
    // Every 503 says when to come back: a refusal for load its own time, anything else the default.
    if (keten.statusCode === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', retryAfterOf(keten) ?? RETRY_AFTER_SECONDS);
    return reply.code(keten.statusCode).type('application/problem+json').send(problem(keten, request.url.split('?')[0]));
  });

  app.setNotFoundHandler((request, reply) => {
    const err = new KetenError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`);
    return reply.code(404).type('application/problem+json').send(problem(err));
  });
}
