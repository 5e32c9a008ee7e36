// What every partner sandbox shares: a fastify instance that serves its OpenAPI contract and a
// liveness route to anyone, the partner's own API only to a caller with its credential, errors in
// the partner's own style, and an optional delay on every answer so a slow partner can be tried.
// Stopping it drops open connections at once, the way a partner that goes down does, instead of
// waiting for delayed answers.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { loggerOptions, requestLog } from '../../lib/logger.js';
import type { Partner } from './partner.js';
import { requireCredential } from './sandbox-credential.js';

export interface SandboxOptions {
  /** The bearer secret a caller must present for any of the partner's data (its adapter has it). */
  credential: string;
  /** Delay added to every answer, in ms; default 0. */
  latencyMs?: number;
  /** pino level; default info. */
  logLevel?: string;
  /** Log every request (fastify's request lines); default true. */
  logRequests?: boolean;
  /** How many synthetic people the sandbox knows; default the demo population (POPULATION_SIZE). */
  populationSize?: number;
}

/** Writes an error in the partner's own format (problem+json, or the XML partner's <fout>). */
export type ErrorWriter = (reply: FastifyReply, status: number, title: string, detail: string) => FastifyReply;

export const problemJson: ErrorWriter = (reply, status, title, detail) =>
  reply
    .code(status)
    .type('application/problem+json')
    .send({ type: 'about:blank', title, status, detail });

const routesOf = new WeakMap<FastifyInstance, { method: string; url: string }[]>();

/** The routes a sandbox serves (HEAD aside), so its OpenAPI contract can be checked against them. */
export function servedRoutes(sandbox: FastifyInstance): { method: string; url: string }[] {
  return [...(routesOf.get(sandbox) ?? [])];
}

/**
 * `api` registers the partner's own routes; they run in a scope that refuses, before anything else,
 * every call without the credential. The contract and /health stay open: neither says anything
 * about a person.
 */
export function createSandboxApp(
  partner: Partner,
  openapi: URL,
  options: SandboxOptions,
  writeError: ErrorWriter,
  api: (scope: FastifyInstance) => void,
): FastifyInstance {
  const guard = requireCredential(partner, options.credential, writeError);
  const app = Fastify({
    logger: loggerOptions(options.logLevel ?? 'info', `sandbox-${partner}`),
    forceCloseConnections: true,
    logController: requestLog(options.logRequests !== false),
  });
  const routes: { method: string; url: string }[] = [];
  routesOf.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
  const latencyMs = options.latencyMs ?? 0;
  const stopping = new AbortController();

  if (latencyMs > 0) {
    // preHandler, not onRequest: the request is received (and counted, logged) at once, the answer
    // is what is slow, as with a partner whose back office is busy.
    app.addHook('preHandler', async () => {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, latencyMs);
        stopping.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    });
  }
  app.addHook('preClose', async () => stopping.abort());

  const contract = readFileSync(fileURLToPath(openapi), 'utf8');
  app.get('/openapi.yaml', async (_request, reply) => reply.type('application/yaml').send(contract));
  app.get('/health', async () => ({ status: 'ok', partner, sandbox: true }));
  app.register(async (scope) => {
    scope.addHook('onRequest', guard);
    api(scope);
  });

  app.setNotFoundHandler((request, reply) => writeError(reply, 404, 'Not Found', `no such resource: ${request.method} ${request.url.split('?')[0]}`));
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) request.log.error({ err }, 'sandbox error');
    return writeError(reply, status, status >= 500 ? 'Internal Server Error' : 'Bad Request', status >= 500 ? 'internal error' : err.message);
  });
  return app;
}
