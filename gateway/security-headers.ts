// Security headers on every answer (pages, /graphql, REST, health), by @fastify/helmet: the same
// strict policy everywhere, because an API answer opened in a browser is a page too. Scripts,
// styles, images and connections (the pages' live updates: assets/live.js) only from ourselves and
// never inline, forms only to ourselves, never in a frame. HSTS only in
// production, where the gateway is reached over HTTPS (in development it would pin localhost).
// The API documentation page at /openapi sets its own policy (@fastify/swagger-ui's staticCSP).
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

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

export async function securityHeaders(app: FastifyInstance, production: boolean) {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    strictTransportSecurity: production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
}
