// The built-in development issuer: signs bearer tokens for the demo people so the product can be
// tried without DigiD or eHerkenning. Off unless DEV_ISSUER=on; config refuses it in production.
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { KeyStore } from '../keys/key-store.js';
import { findDemoPerson, type DemoPerson } from '../demo/people.js';

export const DEV_ISSUER_PATH = '/dev-issuer';
export const ACCESS_TOKEN_AUDIENCE = 'ketenpoort';

export function devIssuerUrl(publicUrl: string): string {
  return `${publicUrl}${DEV_ISSUER_PATH}`;
}

export interface DevTokenOptions {
  publicUrl: string;
  audience?: string;
  /** Lifetime in seconds; default 8 hours (a working day, no forced re-logins). */
  ttlSeconds?: number;
}

export async function signDevToken(keys: KeyStore, person: DemoPerson, opts: DevTokenOptions): Promise<string> {
  const { kid, alg, key } = await keys.signer('dev-issuer');
  const claims: Record<string, unknown> = { role: person.role, name: person.name };
  if (person.bsn) claims.bsn = person.bsn;
  if (person.oin) claims.oin = person.oin;
  return new SignJWT(claims)
    .setProtectedHeader({ alg, kid, typ: 'JWT' })
    .setIssuer(devIssuerUrl(opts.publicUrl))
    .setAudience(opts.audience ?? ACCESS_TOKEN_AUDIENCE)
    .setSubject(person.id)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(`${opts.ttlSeconds ?? 8 * 3600}s`)
    .sign(key);
}

export async function signDevTokenFor(keys: KeyStore, personId: string, opts: DevTokenOptions): Promise<string | undefined> {
  const person = findDemoPerson(personId);
  return person ? signDevToken(keys, person, opts) : undefined;
}
