// The REST API's contract, generated from the route schemas by @fastify/swagger so code and
// document cannot drift: served at /openapi.json (NL API Design Rules API-51) and as a readable
// page at /openapi. Only routes with a tag are in it: the pages and /graphql are not REST
// resources (the graph documents itself), and the development issuer is a demo tool.
// Every answer carries the API-Version header (API-57). Registered before any route.
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { API_VERSION, problemSchema } from './problem.js';

export const OPENAPI_PATH = '/openapi.json';
export const OPENAPI_PAGE = '/openapi';

const TAGS = [
  { name: 'rapportages', description: "A re-integratiebureau's reports and attachments, within the client's consent" },
  { name: 'toestemmingen', description: 'Consent tokens for RIBs and receipts for clients' },
  { name: 'sleutels', description: 'Public keys to verify what the gateway signs' },
  { name: 'beheer', description: 'Health and readiness for the platform' },
];

async function openapi(app: FastifyInstance) {
  app.addSchema(problemSchema);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Ketenpoort REST API',
        version: API_VERSION,
        description:
          'REST face of Ketenpoort, the gateway of the keten Werk & Inkomen. Most data is in the GraphQL API at /graphql; ' +
          'this API serves what RIB systems upload, consent tokens and receipts, public keys and health. ' +
          'Errors are problem+json (RFC 9457) with a `code` from the catalogue shared with GraphQL.',
        license: { name: 'EUPL-1.2', identifier: 'EUPL-1.2' },
      },
      tags: TAGS,
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from a trusted issuer (OIDC_ISSUER or the development issuer)' },
        },
      },
    },
    hideUntagged: true,
    // Shared schemas keep their $id as their name in #/components/schemas.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(fastifySwaggerUi, { routePrefix: OPENAPI_PAGE, staticCSP: true, uiConfig: { docExpansion: 'list', deepLinking: false } });

  let document: string | undefined;
  app.get(OPENAPI_PATH, { schema: { hide: true } }, async (_request, reply) => {
    document ??= JSON.stringify(app.swagger());
    return reply.type('application/json; charset=utf-8').header('cache-control', 'public, max-age=300').send(document);
  });

  app.addHook('onRequest', async (_request, reply) => {
    reply.header('api-version', API_VERSION);
  });
}

export const openapiPlugin = fp(openapi, { name: 'openapi' });
