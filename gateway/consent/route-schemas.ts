// The OpenAPI contract of the consent REST routes (routes.ts): the gateway's public keys, the
// consent token a RIB fetches and the client's receipt. Answers are serialized with these schemas,
// so the key set can carry public key members only: a private member (`d`) cannot leave.
import { ALWAYS, BEARER, documentedOnly, json, problems } from '../openapi/problem.js';

const publicJwk = {
  type: 'object',
  required: ['kty', 'kid', 'alg'],
  properties: {
    kty: { type: 'string' },
    crv: { type: 'string' },
    x: { type: 'string' },
    y: { type: 'string' },
    n: { type: 'string' },
    e: { type: 'string' },
    kid: { type: 'string' },
    alg: { type: 'string' },
    use: { type: 'string' },
  },
  additionalProperties: false,
} as const;

const consentParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', description: 'the consent (toestemming) id' } },
} as const;

const bearer = {
  type: 'object',
  required: ['authorization'],
  properties: { authorization: { type: 'string', description: '`Bearer <access token>`' } },
} as const;

const REFUSED = ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND'] as const;

export const jwksSchema = {
  schema: {
    tags: ['sleutels'],
    operationId: 'getJwks',
    summary: "The gateway's public keys: consent tokens, receipts and its signed calls to adapters",
    response: { 200: json('a JWK Set (RFC 7517)', { type: 'object', required: ['keys'], properties: { keys: { type: 'array', items: publicJwk } }, additionalProperties: false }), ...problems(...ALWAYS) },
  },
};

export const consentTokenSchema = {
  schema: {
    tags: ['toestemmingen'],
    operationId: 'getConsentToken',
    security: BEARER,
    summary: "A RIB's consent token for an active consent it was granted",
    description: 'The RIB sends it as `Consent-Token` with each upload. Refused once the client revoked the consent or it expired.',
    params: consentParams,
    headers: bearer,
    response: {
      200: json('the consent token', {
        type: 'object',
        required: ['consent_token', 'token_type', 'kid', 'expires_at'],
        properties: {
          consent_token: { type: 'string', description: 'a JWT signed by the gateway' },
          token_type: { type: 'string', const: 'consent' },
          kid: { type: 'string' },
          expires_at: { type: 'string', format: 'date-time' },
        },
        additionalProperties: false,
      }),
      ...problems(...REFUSED, 'CONSENT_REVOKED', 'CONSENT_EXPIRED', 'CONSENT_REQUIRED', ...ALWAYS),
    },
  },
  validatorCompiler: documentedOnly,
};

const receipt = {
  type: 'object',
  required: ['toestemmingId', 'tekst', 'inhoud', 'handtekening', 'kid'],
  properties: {
    toestemmingId: { type: 'string' },
    tekst: { type: 'string', description: 'the receipt in plain Dutch' },
    inhoud: { type: 'string', description: 'the signed content (JSON)' },
    handtekening: { type: 'string', description: 'compact JWS over `inhoud` (ES256, verifiable with /.well-known/jwks.json)' },
    kid: { type: 'string' },
  },
  additionalProperties: false,
} as const;

export const receiptSchema = {
  schema: {
    tags: ['toestemmingen'],
    operationId: 'getOntvangstbewijs',
    security: BEARER,
    summary: 'The client\'s signed receipt of one of their consents',
    description: 'With `Accept: text/plain` the text alone.',
    params: consentParams,
    headers: bearer,
    response: {
      200: {
        description: 'the receipt',
        headers: json('', {}).headers,
        content: { 'application/json': { schema: receipt }, 'text/plain': { schema: { type: 'string' } } },
      },
      ...problems(...REFUSED, ...ALWAYS),
    },
  },
  validatorCompiler: documentedOnly,
};
