// Authentication: every caller sends a bearer JWT from a trusted issuer. @fastify/jwt verifies
// signature, audience, issuer and expiry; keys come from the issuer's JWKS (get-jwks, cached) or,
// for the development issuer, from our own key store. The claims become a typed `Caller`.
import { KeyObject } from 'node:crypto';
import fastifyJwt, { type TokenOrHeader } from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import buildGetJwks from 'get-jwks';
import type { Config } from '../config.js';
import { unauthenticated } from '../errors.js';
import type { KeyStore } from '../keys/key-store.js';
import { callerFromClaims, type Caller } from './caller.js';
import { createVerifiedTokens } from '../../lib/verified-tokens.js';
import { ACCESS_TOKEN_AUDIENCE, devIssuerUrl } from './dev-issuer.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Verifies the request's bearer token; resolves to the caller or throws UNAUTHENTICATED. */
    authenticate(request: FastifyRequest): Promise<Caller>;
    /** The caller of an already verified bearer token (no signature check); undefined otherwise. */
    knownCaller(request: FastifyRequest): Caller | undefined;
  }
  interface FastifyRequest {
    caller?: Caller;
    /** The bearer token was checked and refused: later steps refuse again without checking again. */
    authFailure?: Error;
  }
}

const ALGORITHMS = ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'] as const;

export interface AuthOptions {
  config: Config;
  keys: KeyStore;
}

async function authPlugin(app: FastifyInstance, { config, keys }: AuthOptions) {
  const devIssuer = config.DEV_ISSUER ? devIssuerUrl(config.publicUrl) : undefined;
  const oidc = config.OIDC_JWKS_URL ? new URL(config.OIDC_JWKS_URL) : undefined;
  const getJwks = oidc
    ? buildGetJwks({ issuersWhitelist: [oidc.origin], jwksPath: oidc.pathname, ttl: 10 * 60_000, max: 20 })
    : undefined;
  const issuers = [devIssuer, config.OIDC_ISSUER].filter((x): x is string => Boolean(x));
  const audiences = [...new Set([config.OIDC_AUDIENCE, ACCESS_TOKEN_AUDIENCE])];

  // The development issuer's public keys as PEM, made once per key instead of per request.
  const pems = new Map<string, string>();

  await app.register(fastifyJwt, {
    decode: { complete: true },
    verify: { algorithms: [...ALGORITHMS], allowedIss: issuers, allowedAud: audiences, requiredClaims: ['exp', 'sub'] },
    secret: async (_request: FastifyRequest, decoded: TokenOrHeader): Promise<string> => {
      const token = decoded as { header: { kid?: string; alg: string }; payload: { iss?: string } };
      const { kid, alg } = token.header;
      const iss = token.payload?.iss;
      if (!kid) throw unauthenticated('token has no kid');
      if (iss && iss === devIssuer) {
        const known = pems.get(kid);
        if (known) return known;
        const key = await keys.publicKey('dev-issuer', kid);
        if (!key) throw unauthenticated('unknown signing key');
        const pem = KeyObject.from(key).export({ type: 'spki', format: 'pem' }) as string;
        pems.set(kid, pem);
        return pem;
      }
      if (getJwks && iss === config.OIDC_ISSUER) {
        return getJwks.getPublicKey({ kid, alg, domain: oidc!.origin });
      }
      throw unauthenticated('token from an issuer this gateway does not trust');
    },
  });

  // A caller sends the same token with every request: its signature is checked once, then
  // remembered until it expires, for at most a minute (lib/verified-tokens.ts).
  const verified = createVerifiedTokens<Caller>({ maxAgeMs: 60_000 });
  const bearer = (request: FastifyRequest) => {
    const header = request.headers.authorization;
    return header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
  };

  app.decorate('knownCaller', (request: FastifyRequest): Caller | undefined => {
    if (request.caller) return request.caller;
    const token = bearer(request);
    const caller = token ? verified.get(token) : undefined;
    if (caller) request.caller = caller;
    return caller;
  });

  app.decorate('authenticate', async (request: FastifyRequest): Promise<Caller> => {
    if (request.caller) return request.caller;
    if (request.authFailure) throw request.authFailure;
    try {
      request.caller = await verify(request);
      return request.caller;
    } catch (err) {
      // The rate limit may have asked first (gateway/limits/plugin.ts): one check per request.
      request.authFailure = err as Error;
      throw err;
    }
  });

  async function verify(request: FastifyRequest): Promise<Caller> {
    if (issuers.length === 0) throw unauthenticated('no trusted issuer configured (set OIDC_ISSUER or DEV_ISSUER)');
    const token = bearer(request);
    if (!token) throw unauthenticated();
    let caller = verified.get(token);
    if (!caller) {
      let claims: { exp?: number };
      try {
        claims = await request.jwtVerify();
      } catch {
        // The library's message may quote the token or its claims; give one stable answer.
        throw unauthenticated('the bearer token is not valid');
      }
      caller = callerFromClaims(claims);
      if (!caller) throw unauthenticated('the bearer token lacks the role, oin or bsn claims Ketenpoort needs');
      verified.set(token, caller, claims.exp);
    }
    return caller;
  }
}

export const authentication = fp(authPlugin, { name: 'ketenpoort-auth', dependencies: [] });
