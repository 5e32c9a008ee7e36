// Private signing keys are kept in the database so every instance signs with the same set; a copy of
// the database (a backup, a replica, a leaked dump) must not be enough to sign consent tokens or
// internal calls. With KEY_ENCRYPTION_KEY set (required in production) each private JWK is sealed
// with AES-256-GCM, bound to its kid (additional data), so a row copied onto another kid fails too.
// Without it (development, tests) the JWK is stored as it is, and such rows still load.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { JWK } from 'jose';

export interface SealedJwk {
  sealed: 'A256GCM';
  iv: string;
  data: string;
  tag: string;
}

const isSealed = (value: unknown): value is SealedJwk => typeof value === 'object' && value !== null && (value as SealedJwk).sealed === 'A256GCM';

export function sealJwk(jwk: JWK, kid: string, key: Buffer | undefined): JWK | SealedJwk {
  if (!key) return jwk;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(kid));
  const data = Buffer.concat([cipher.update(JSON.stringify(jwk), 'utf8'), cipher.final()]);
  return { sealed: 'A256GCM', iv: iv.toString('base64'), data: data.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

export class KeyEncryptionError extends Error {}

export function openJwk(stored: unknown, kid: string, key: Buffer | undefined): JWK {
  if (!isSealed(stored)) return stored as JWK;
  if (!key) throw new KeyEncryptionError(`signing key ${kid} is encrypted: set KEY_ENCRYPTION_KEY to the key it was sealed with`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(stored.iv, 'base64'));
    decipher.setAAD(Buffer.from(kid));
    decipher.setAuthTag(Buffer.from(stored.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(stored.data, 'base64')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as JWK;
  } catch {
    throw new KeyEncryptionError(`signing key ${kid} cannot be opened with this KEY_ENCRYPTION_KEY (wrong key, or the row was altered)`);
  }
}
