// HTTP face of the development issuer: its JWKS, the demo people, and a token for one of them;
// and the same issuer as an OpenID Connect provider (dev-issuer-provider.ts): discovery,
// authorization and token endpoints, which the demo login page reaches in-process.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { demoPeople, findDemoPerson } from '../demo/people.js';
import { badInput } from '../errors.js';
import { DEV_ISSUER_PATH, signDevToken } from './dev-issuer.js';
import { DEV_AUTHORIZE_PATH, DEV_DISCOVERY_PATH, DEV_JWKS_PATH, DEV_TOKEN_PATH, devProvider, type DevAnswer } from './dev-issuer-provider.js';

const tokenRequest = z.object({ person: z.string().min(1).max(100) });

export async function devIssuerRoutes(app: FastifyInstance) {
  const provider = devProvider(app.keys, app.config.publicUrl);
  const send = (reply: FastifyReply, answer: DevAnswer) => {
    reply.header('cache-control', 'no-store');
    return answer.location ? reply.redirect(answer.location, answer.status) : reply.code(answer.status).send(answer.body);
  };

  app.get(`${DEV_ISSUER_PATH}${DEV_JWKS_PATH}`, async () => app.keys.jwks('dev-issuer'));
  app.get(`${DEV_ISSUER_PATH}${DEV_DISCOVERY_PATH}`, async () => provider.metadata());

  app.get(`${DEV_ISSUER_PATH}/people`, async () =>
    demoPeople().map(({ id, role, name, description, organisation }) => ({ id, role, name, description, organisation })),
  );

  // A token for anyone who asks: counted like a login.
  app.post(`${DEV_ISSUER_PATH}/token`, { config: { rateLimit: app.loginRateLimit } }, async (request) => {
    const parsed = tokenRequest.safeParse(request.body);
    if (!parsed.success) throw badInput('person', 'the id of a demo person is required');
    const person = findDemoPerson(parsed.data.person);
    if (!person) throw badInput('person', 'no demo person with that id (GET /dev-issuer/people lists them)');
    const token = await signDevToken(app.keys, person, { publicUrl: app.config.publicUrl });
    return { access_token: token, token_type: 'Bearer', expires_in: 8 * 3600 };
  });

  // The authorization endpoint hands out a code for any demo person named: counted like a login.
  app.get<{ Querystring: Record<string, string> }>(`${DEV_ISSUER_PATH}${DEV_AUTHORIZE_PATH}`, { config: { rateLimit: app.loginRateLimit } }, async (request, reply) =>
    send(reply, provider.authorize(new URLSearchParams(request.query))),
  );

  // The token endpoint takes a form (RFC 6749 4.1.3); parsed here only, for this route's scope.
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8 * 1024 }, (_request, body, done) => done(null, body));
  }
  app.post<{ Body: unknown }>(`${DEV_ISSUER_PATH}${DEV_TOKEN_PATH}`, async (request, reply) => {
    const body = request.body;
    const form = typeof body === 'string' ? new URLSearchParams(body) : new URLSearchParams(body && typeof body === 'object' ? (body as Record<string, string>) : {});
    return send(reply, await provider.token(form));
  });
}
