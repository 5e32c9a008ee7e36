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
