// HTTP face of the development issuer: its JWKS, the demo people, and a token for one of them.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { demoPeople, findDemoPerson } from '../demo/people.js';
import { badInput } from '../errors.js';
import { DEV_ISSUER_PATH, signDevToken } from './dev-issuer.js';

const tokenRequest = z.object({ person: z.string().min(1).max(100) });

export async function devIssuerRoutes(app: FastifyInstance) {
  app.get(`${DEV_ISSUER_PATH}/jwks.json`, async () => app.keys.jwks('dev-issuer'));

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
}
