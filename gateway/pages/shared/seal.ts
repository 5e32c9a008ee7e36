// Sealing: small values (a draft, a client reference in a URL, the OIDC flow; the session's payload
// in the database) encrypted and authenticated with AES-256-GCM, so whoever holds them can neither
// read nor change them, and every gateway instance can open them. Each use has its own purpose,
// bound in as associated data, so a sealed draft is never a session.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Config } from '../../config.js';

export type SealPurpose = 'sessie' | 'concept' | 'klant' | 'oidc' | 'ontvangst';

export interface Sealer {
  seal(purpose: SealPurpose, value: unknown): string;
  /** The value, or undefined when it was not sealed by us for this purpose (or is damaged). */
  open<T>(purpose: SealPurpose, sealed: string | undefined): T | undefined;
}

/**
 * The key: PAGES_SESSION_KEY (32 bytes, base64) when the operator set it; otherwise derived from
 * LOG_SUBJECT_KEY with HKDF under a label of its own. Both are secrets every instance shares, so a
 * session made by one instance opens on another. The setting is read guarded: config.ts may not
 * list it yet (see docs/pages.md).
 */
export function pagesKey(config: Readonly<Config>): Buffer {
  const own = (config as unknown as Record<string, unknown>).PAGES_SESSION_KEY;
  if (typeof own === 'string' && own.length > 0) {
    const key = Buffer.from(own, 'base64');
    if (key.length !== 32) throw new Error('PAGES_SESSION_KEY: 32 random bytes in base64 (openssl rand -base64 32)');
    return key;
  }
  return Buffer.from(hkdfSync('sha256', config.logSubjectKey, Buffer.alloc(0), 'ketenpoort/pages/seal/v1', 32));
}

export function createSealer(key: Buffer): Sealer {
  return {
    seal(purpose, value) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(purpose));
      const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
    },
    open<T>(purpose: SealPurpose, sealed: string | undefined): T | undefined {
      if (!sealed || sealed.length > 8192) return undefined;
      try {
        const raw = Buffer.from(sealed, 'base64url');
        if (raw.length < 29) return undefined;
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
        decipher.setAAD(Buffer.from(purpose));
        decipher.setAuthTag(raw.subarray(raw.length - 16));
        const text = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
        return JSON.parse(text) as T;
      } catch {
        return undefined;
      }
    },
  };
}
