// Security headers on every answer (pages, /graphql, REST, health), by helmet: the same strict
// policy everywhere, because an API answer opened in a browser is a page too. Scripts, styles,
// images and connections (the pages' live updates: assets/live.js) only from ourselves and never
// inline, forms only to ourselves, never in a frame. HSTS only in production, where the gateway is
// reached over HTTPS (in development it would pin localhost). The API documentation page at
// /openapi sets its own policy (@fastify/swagger-ui's staticCSP), which replaces ours there.
//
// helmet decides the headers; they are worked out once, at start. @fastify/helmet built helmet's
// middleware anew for every request (options merged, every directive parsed again) in two onRequest
// hooks: 2.5 % of the gateway's CPU under the view's load (docs/performance.md, "Security headers
// worked out once"). Our headers depend on nothing in the request (no nonces, no per-route policy),
// so one list serves every answer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  connectSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
};

export function helmetOptions(production: boolean): HelmetOptions {
  return {
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    strictTransportSecurity: production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  };
}

/** The headers helmet's middleware sets for `options`, by running it once against a recording answer. */
export function helmetHeaders(options: HelmetOptions): [string, string][] {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader(name: string, value: unknown) {
      headers.set(name.toLowerCase(), String(value));
    },
    // helmet removes X-Powered-By; fastify never sets it, so there is nothing to remove per answer.
    removeHeader(name: string) {
      headers.delete(name.toLowerCase());
    },
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
  });
  return [...headers];
}

export async function securityHeaders(app: FastifyInstance, production: boolean) {
  const headers = helmetHeaders(helmetOptions(production));
  // On the raw answer, as helmet itself sets them: they stay on every answer, also one an error
  // handler or the 404 handler makes, and a route's own reply.header() still replaces one.
  app.addHook('onRequest', (request, reply, done) => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    done();
  });
}
