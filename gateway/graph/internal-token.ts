// Internal tokens: what the gateway signs for each call to a subgraph (the partner adapters and
// its own "keten" subgraph). Short-lived, audience-bound to one subgraph, naming the end user, their
// organisation and the purpose, with the gateway as actor (RFC 8693 `act`). A subgraph called
// without one refuses, so nobody can go around the gateway's checks.
import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Caller } from '../auth/caller.js';
import { callerFromClaims } from '../auth/caller.js';
import type { KeyStore } from '../keys/key-store.js';

export const INTERNAL_TOKEN_TTL_SECONDS = 60;
export const audienceFor = (subgraph: string) => `urn:ketenpoort:adapter:${subgraph}`;

export interface InternalTokenInput {
  issuer: string;
  subgraph: string;
  caller: Caller | undefined;
  purpose: string;
  /** For a token used once (a subscription's connection_init); reused tokens leave it out and
   * the call carries its trace context in the `traceparent` header. */
  traceparent?: string;
  /** For the gateway's own calls (no end user): the organisation it asks on behalf of. */
  systemOin?: string;
}

/** A system caller for calls the gateway makes on its own behalf (fetching subgraph schemas). */
const SYSTEM = { sub: 'ketenpoort-gateway', role: 'system' } as const;

export async function signInternalToken(keys: KeyStore, input: InternalTokenInput): Promise<string> {
  const { kid, alg, key } = await keys.signer('internal');
  const c = input.caller;
  const claims: JWTPayload = {
    role: c?.role ?? SYSTEM.role,
    name: c?.name,
    purpose: input.purpose,
    act: { sub: input.issuer },
  };
  if (input.traceparent) claims.traceparent = input.traceparent;
  if (c && c.role !== 'client') claims.oin = c.oin;
  if (!c && input.systemOin) claims.oin = input.systemOin;
  // Only the gateway's own subgraph learns a client's BSN from the token; partners get the BSN as
  // the key of the entity they are asked for, never as the caller's identity.
  if (c?.role === 'client' && input.subgraph === 'keten') claims.bsn = c.bsn;
  return new SignJWT(claims)
    .setProtectedHeader({ alg, kid, typ: 'JWT' })
    .setIssuer(input.issuer)
    .setAudience(audienceFor(input.subgraph))
    .setSubject(c?.subject ?? SYSTEM.sub)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(`${INTERNAL_TOKEN_TTL_SECONDS}s`)
    .sign(key);
}

/** Tokens are reused for this long (they live INTERNAL_TOKEN_TTL_SECONDS). */
const REUSE_MS = (INTERNAL_TOKEN_TTL_SECONDS / 2) * 1000;

export interface InternalTokens {
  /** A token for this caller, subgraph and purpose: signed anew at most every 30 s. */
  get(input: Omit<InternalTokenInput, 'issuer' | 'traceparent'>): Promise<string>;
}

/**
 * Internal tokens reused per caller, subgraph and purpose, like an access token: signing one per
 * call (and the adapter verifying each) was a large part of what a view cost. A reused token says
 * nothing about one request; the trace context goes in each call's `traceparent` header.
 */
export function createInternalTokens(keys: KeyStore, issuer: string, max = 10_000): InternalTokens {
  const tokens = new Map<string, { token: Promise<string>; until: number }>();
  return {
    get(input) {
      const c = input.caller;
      const who = c ? `${c.role}|${c.subject}|${c.role === 'client' ? c.bsn : c.oin}|${c.name}` : `system|${input.systemOin ?? ''}`;
      const key = `${input.subgraph}|${input.purpose}|${who}`;
      const now = Date.now();
      const hit = tokens.get(key);
      if (hit && hit.until > now) return hit.token;
      const token = signInternalToken(keys, { ...input, issuer });
      token.catch(() => tokens.delete(key));
      if (tokens.size >= max) tokens.delete(tokens.keys().next().value!);
      tokens.set(key, { token, until: now + REUSE_MS });
      return token;
    },
  };
}

/** A jose key resolver backed by the key store, for subgraphs running in this process. */
export function internalKeyResolver(keys: KeyStore): JWTVerifyGetKey {
  return async (header) => {
    const key = header.kid ? await keys.publicKey('internal', header.kid) : undefined;
    if (!key) throw new Error('unknown internal signing key');
    return key;
  };
}

export interface VerifiedInternalCall {
  caller: Caller | undefined;
  purpose: string;
  traceparent?: string;
  /** The token's expiry, seconds since the epoch. */
  exp?: number;
}

export async function verifyInternalToken(
  token: string,
  getKey: JWTVerifyGetKey,
  issuer: string,
  subgraph: string,
): Promise<VerifiedInternalCall> {
  const { payload } = await jwtVerify(token, getKey, {
    issuer,
    audience: audienceFor(subgraph),
    algorithms: ['ES256'],
    maxTokenAge: '5m',
    requiredClaims: ['sub', 'exp', 'iat'],
  });
  const p = payload as JWTPayload & { purpose?: string; traceparent?: string; role?: string };
  if (typeof p.purpose !== 'string') throw new Error('internal token without purpose');
  return {
    caller: p.role === SYSTEM.role ? undefined : callerFromClaims(p),
    purpose: p.purpose,
    traceparent: typeof p.traceparent === 'string' ? p.traceparent : undefined,
    exp: p.exp,
  };
}

/** Purpose of the gateway's own calls for a subgraph's schema (no personal data). */
export const SCHEMA_PURPOSE = 'https://ketenpoort.nl/verwerkingen/schema-ophalen';
