// What a limit counts by: the caller (a person or system with a verified identity), or the network
// address when there is none. Keys are keyed hashes (HMAC-SHA-256 with a key derived from
// LOG_SUBJECT_KEY, which every instance shares), so the shared counter table holds no subject, BSN
// or address in clear, yet every instance makes the same key for the same caller.
import { createHmac, hkdfSync } from 'node:crypto';
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';

export const GROUPS = {
  /** Every request of one authenticated caller. */
  caller: 'caller',
  /** Every request from one address without a verified identity. */
  address: 'ip',
  /** Login attempts from one address. */
  login: 'login',
  /** Consents granted by one client. */
  grant: 'grant',
} as const;

/** Hashed names remembered (a caller sends many requests); the oldest makes room. */
const REMEMBERED = 20_000;

export interface LimitKeys {
  caller(who: { role: string; subject: string }): string;
  address(request: FastifyRequest): string;
  login(request: FastifyRequest): string;
  grant(who: { subject: string }): string;
}

export function createLimitKeys(secret: Buffer): LimitKeys {
  const macKey = Buffer.from(hkdfSync('sha256', secret, 'ketenpoort', 'rate-limit-key', 32));
  const known = new Map<string, string>();
  const hashed = (group: string, name: string) => {
    const plain = `${group}:${name}`;
    let key = known.get(plain);
    if (!key) {
      key = `${group}:${createHmac('sha256', macKey).update(plain).digest('base64url').slice(0, 27)}`;
      if (known.size >= REMEMBERED) known.delete(known.keys().next().value!);
      known.set(plain, key);
    }
    return key;
  };
  // IPv6 callers are counted per /64 (one household or server usually holds a whole /64).
  const ip = (request: FastifyRequest) => normalizeIP(request.ip, 64);
  return {
    caller: (who) => hashed(GROUPS.caller, `${who.role}:${who.subject}`),
    address: (request) => hashed(GROUPS.address, ip(request)),
    login: (request) => hashed(GROUPS.login, ip(request)),
    grant: (who) => hashed(GROUPS.grant, who.subject),
  };
}
