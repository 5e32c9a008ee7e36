// REST face of consent: the gateway's public keys (consent tokens, receipts and internal calls, one
// JWK Set) and the consent token a RIB fetches after approval. Errors are problem+json.
import type { FastifyInstance } from 'fastify';
import { buildReceipt } from './receipt.js';
import { consentTokenSchema, jwksSchema, receiptSchema } from './route-schemas.js';

export async function consentRoutes(app: FastifyInstance) {
  // Adapters verify internal calls and RIBs verify consent tokens with this one set; both key uses
  // keep retired keys published until their tokens have expired, so rotation breaks nothing.
  app.get('/.well-known/jwks.json', jwksSchema, async (_request, reply) => {
    const [consent, internal] = await Promise.all([app.keys.jwks('consent'), app.keys.jwks('internal')]);
    reply.header('cache-control', 'public, max-age=300');
    return { keys: [...consent.keys, ...internal.keys] };
  });

  app.get<{ Params: { id: string } }>('/toestemmingen/:id/token', consentTokenSchema, async (request, reply) => {
    const caller = await app.authenticate(request);
    const t = await app.services.consent.issueToken(caller, request.params.id);
    reply.header('cache-control', 'no-store');
    return { consent_token: t.token, token_type: 'consent', kid: t.kid, expires_at: t.expiresAt.toISOString() };
  });

  app.get<{ Params: { id: string } }>('/toestemmingen/:id/ontvangstbewijs', receiptSchema, async (request, reply) => {
    const caller = await app.authenticate(request);
    const c = await app.services.consent.consentForClient(caller, request.params.id);
    const receipt = await buildReceipt(app.keys, app.config.publicUrl, c);
    reply.header('cache-control', 'no-store');
    if (request.headers.accept?.includes('text/plain')) return reply.type('text/plain; charset=utf-8').send(receipt.tekst);
    return receipt;
  });

  // This instance's cache listener stops with the app.
  app.addHook('onClose', async () => {
    await app.services.consent.close();
  });
}
