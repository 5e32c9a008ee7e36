// The data subject's BSN in the processing log is stored encrypted (AES-256-GCM) and indexed by a
// keyed hash (HMAC-SHA-256), so the client can find their own entries while a copy of the table
// reveals no BSN. Both keys are derived from LOG_SUBJECT_KEY.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import { randomBytesPooled } from '../../lib/random.js';

export interface SubjectCrypto {
  encrypt(bsn: string): string;
  decrypt(encrypted: string): string;
  key(bsn: string): string;
}

/** Subjects remembered (a caseload's clients recur on every page view); the oldest makes room. */
const REMEMBERED = 20_000;

export function createSubjectCrypto(secret: Buffer): SubjectCrypto {
  const encKey = Buffer.from(hkdfSync('sha256', secret, 'ketenpoort', 'ldv-subject-encryption', 32));
  const macKey = Buffer.from(hkdfSync('sha256', secret, 'ketenpoort', 'ldv-subject-lookup', 32));
  // Encrypting and hashing the same BSN for every row it appears in cost more than writing the
  // row. One ciphertext per subject is reused: identical rows reveal nothing the lookup key
  // (which links a subject's rows by design) does not already, and a nonce is never reused for
  // a different plaintext.
  const encrypted = new Map<string, string>();
  const keys = new Map<string, string>();
  const remember = (map: Map<string, string>, bsn: string, value: string) => {
    if (map.size >= REMEMBERED) map.delete(map.keys().next().value!);
    map.set(bsn, value);
    return value;
  };
  return {
    encrypt(bsn) {
      return encrypted.get(bsn) ?? remember(encrypted, bsn, encryptOnce(bsn));
    },
    decrypt(encrypted) {
      const [iv, tag, data] = encrypted.split('.').map((p) => Buffer.from(p, 'base64url'));
      const decipher = createDecipheriv('aes-256-gcm', encKey, iv!);
      decipher.setAuthTag(tag!);
      return Buffer.concat([decipher.update(data!), decipher.final()]).toString('utf8');
    },
    key(bsn) {
      return keys.get(bsn) ?? remember(keys, bsn, createHmac('sha256', macKey).update(bsn).digest('hex'));
    },
  };

  function encryptOnce(bsn: string): string {
    const iv = randomBytesPooled(12);
    const cipher = createCipheriv('aes-256-gcm', encKey, iv);
    const data = Buffer.concat([cipher.update(bsn, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.');
  }
}

/** A subject key as the gateway speaks it: the HMAC in lowercase hexadecimal. */
export const SUBJECT_KEY = /^[0-9a-f]{64}$/;

/**
 * The processing log stores a subject key as its 32 bytes (half the width of its hexadecimal, in
 * every row and in the index that finds a client's rows); everything else, the auditor's
 * klantKenmerk and the decision log's `klant:<key>` included, speaks it in hexadecimal. These two
 * convert at that table only.
 */
export function subjectKeyBytes(hex: string): Uint8Array<ArrayBuffer> {
  // Buffer.from(…, 'hex') would silently stop at the first character that is not hexadecimal.
  if (!SUBJECT_KEY.test(hex)) throw new Error('a subject key is 64 lowercase hexadecimal characters');
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

export function subjectKeyHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
