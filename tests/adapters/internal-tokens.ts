// Test support: a stand-in for the gateway's key store. Generates an ES256 key pair and signs
// internal tokens exactly as the contract says (kid, iss, aud, ≤ 5 min, sub/role/oin/purpose/act).
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWTVerifyGetKey } from 'jose';
import type { Partner } from '../../adapters/common/partner.js';

export const ISSUER = 'http://ketenpoort.test';
export const PURPOSE = 'https://ketenpoort.nl/verwerkingen/klantbeeld';
export const AMSTERDAM = '00000001990000000001';
export const LEIDEN = '00000001990000000002';

export interface TokenClaims {
  sub?: string;
  role?: string;
  oin?: string;
  purpose?: string;
  act?: { sub: string };
  traceparent?: string;
}

export interface TestSigner {
  getKey: JWTVerifyGetKey;
  /** The public key set, as the gateway publishes it at /.well-known/jwks.json. */
  jwks: { keys: Record<string, unknown>[] };
  sign(partner: Partner | string, claims?: TokenClaims, options?: { issuer?: string; expiresIn?: string | number; issuedAt?: number }): Promise<string>;
}

export async function createTestSigner(kid = 'test-internal-1'): Promise<TestSigner> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return {
    getKey: createLocalJWKSet({ keys: [jwk] }),
    jwks: { keys: [jwk] },
    async sign(partner, claims = {}, options = {}) {
      const payload = {
        role: 'klantmanager',
        oin: AMSTERDAM,
        purpose: PURPOSE,
        act: { sub: ISSUER },
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        ...claims,
      };
      const jwt = new SignJWT(payload)
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
        .setIssuer(options.issuer ?? ISSUER)
        .setAudience(`urn:ketenpoort:adapter:${partner}`)
        .setSubject(claims.sub ?? 'km-jan')
        .setIssuedAt(options.issuedAt)
        .setExpirationTime(options.expiresIn ?? '60s');
      return jwt.sign(privateKey);
    },
  };
}
