// The consent token: a JWT the gateway signs (ES256, `kid`, keys at /.well-known/jwks.json) that
// names one consent record. It carries no BSN: a RIB never receives one. It is a pointer, not the
// permission itself: enforcement still asks the ledger whether the consent is active now.
import { randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { z } from 'zod';
import { dutchDayEndsAt, type DutchDay } from '../../lib/dutch-day.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import type { KeyStore } from '../keys/key-store.js';
import type { AuthorizationDetail } from './scopes.js';

export const CONSENT_TOKEN_AUDIENCE = 'urn:ketenpoort:consent';
/** Explicit type, so no other JWT the gateway signs (internal, receipts) can pass as a consent token. */
export const CONSENT_TOKEN_TYPE = 'kp-consent+jwt';
export const CONSENT_TOKEN_ALG = 'ES256';

export interface ConsentTokenInput {
  consentId: string;
  version: number;
  granteeOin: string;
  trajectId: string;
  authorizationDetails: AuthorizationDetail[];
  /** The consent's last day (Dutch calendar day): claim `geldig_tot`; `exp` is the moment it is over. */
  lastDay: DutchDay;
}

export interface SignedConsentToken {
  token: string;
  kid: string;
  expiresAt: Date;
}

export async function signConsentToken(keys: KeyStore, issuer: string, c: ConsentTokenInput): Promise<SignedConsentToken> {
  const { kid, alg, key } = await keys.signer('consent');
  // `exp` is the first moment the token may not be used (RFC 7519): 00:00 after the last day, Dutch time.
  const expiresAt = dutchDayEndsAt(c.lastDay);
  const token = await new SignJWT({
    azp: c.granteeOin,
    traject_id: c.trajectId,
    authorization_details: c.authorizationDetails,
    consent_version: c.version,
    geldig_tot: c.lastDay,
  })
    .setProtectedHeader({ alg, kid, typ: CONSENT_TOKEN_TYPE })
    .setIssuer(issuer)
    .setAudience(CONSENT_TOKEN_AUDIENCE)
    .setSubject(c.consentId)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(key);
  return { token, kid, expiresAt };
}

const claims = z.object({
  sub: z.uuid(),
  azp: z.string().regex(/^\d{20}$/),
  traject_id: z.uuid(),
});

export interface VerifiedConsentToken {
  consentId: string;
  granteeOin: string;
  trajectId: string;
  kid: string;
  jti?: string;
  /** Expiry, seconds since the epoch. */
  exp?: number;
}

/** Why a token failed, as far as the caller may know: expired, or simply not valid. */
export class ConsentTokenError extends Error {
  constructor(readonly reason: 'token-expired' | 'token-invalid') {
    super(reason);
  }
}

export async function verifyConsentToken(keys: KeyStore, issuer: string, token: string): Promise<VerifiedConsentToken> {
  let payload: JWTPayload;
  let kid: string | undefined;
  try {
    const result = await jwtVerify(
      token,
      async (header) => {
        // Only our ES256 consent keys; `algorithms` below refuses `none` and HS256 before this runs.
        const key = header.kid ? await keys.publicKey('consent', header.kid) : undefined;
        if (!key) throw new Error('unknown consent key');
        return key;
      },
      {
        algorithms: [CONSENT_TOKEN_ALG],
        issuer,
        audience: CONSENT_TOKEN_AUDIENCE,
        typ: CONSENT_TOKEN_TYPE,
        requiredClaims: ['sub', 'exp', 'iat', 'azp'],
      },
    );
    payload = result.payload;
    kid = result.protectedHeader.kid;
  } catch (err) {
    // Our keys could not be read (the database is away): that says nothing about the token.
    if (isDatabaseUnavailable(err)) throw err;
    throw new ConsentTokenError(err instanceof joseErrors.JWTExpired ? 'token-expired' : 'token-invalid');
  }
  const parsed = claims.safeParse(payload);
  if (!parsed.success || !kid) throw new ConsentTokenError('token-invalid');
  return {
    consentId: parsed.data.sub.toLowerCase(),
    granteeOin: parsed.data.azp,
    trajectId: parsed.data.traject_id.toLowerCase(),
    kid,
    jti: typeof payload.jti === 'string' ? payload.jti : undefined,
    exp: payload.exp,
  };
}
