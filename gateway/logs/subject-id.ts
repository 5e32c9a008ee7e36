// The data subject's BSN in the processing log is stored encrypted (AES-256-GCM) and indexed by a
// keyed hash (HMAC-SHA-256), so the client can find their own entries while a copy of the table
// reveals no BSN. Both keys are derived from LOG_SUBJECT_KEY.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

export interface SubjectCrypto {
  encrypt(bsn: string): string;
  decrypt(encrypted: string): string;
  key(bsn: string): string;
}

export function createSubjectCrypto(secret: Buffer): SubjectCrypto {
  const encKey = Buffer.from(hkdfSync('sha256', secret, 'ketenpoort', 'ldv-subject-encryption', 32));
  const macKey = Buffer.from(hkdfSync('sha256', secret, 'ketenpoort', 'ldv-subject-lookup', 32));
  return {
    encrypt(bsn) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      const data = Buffer.concat([cipher.update(bsn, 'utf8'), cipher.final()]);
      return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.');
    },
    decrypt(encrypted) {
      const [iv, tag, data] = encrypted.split('.').map((p) => Buffer.from(p, 'base64url'));
      const decipher = createDecipheriv('aes-256-gcm', encKey, iv!);
      decipher.setAuthTag(tag!);
      return Buffer.concat([decipher.update(data!), decipher.final()]).toString('utf8');
    },
    key(bsn) {
      return createHmac('sha256', macKey).update(bsn).digest('hex');
    },
  };
}
