// Signing keys for what the gateway signs: consent tokens, internal calls to adapters, and the
// development issuer's demo tokens. Keys live in the database so every instance signs and verifies
// with the same set. Rotation adds a key; the old one stays published (JWKS) until every token it
// could have signed has expired, so rotation never breaks a valid token.
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Db } from '../db/database.js';
import { openJwk, sealJwk } from './key-encryption.js';

export type KeyUse = 'consent' | 'internal' | 'dev-issuer';
export const SIGNING_ALG = 'ES256';
/** Longer than the longest token we sign (a consent lasts at most a year). */
const PUBLISH_RETIRED_FOR_MS = 400 * 24 * 3600 * 1000;

export interface SigningKeyHandle {
  kid: string;
  alg: string;
  key: CryptoKey;
}

export interface KeyStore {
  /** The newest active key for `use`, created on first need. */
  signer(use: KeyUse): Promise<SigningKeyHandle>;
  /** Public keys for `use` that may still verify a token, as a JWK Set. */
  jwks(use: KeyUse): Promise<{ keys: JWK[] }>;
  /** Public key by kid, for `use`; re-reads the database once for a kid it does not know yet. */
  publicKey(use: KeyUse, kid: string): Promise<CryptoKey | undefined>;
  /** Adds a new key for `use` and retires the previous ones for signing. Returns the new kid. */
  rotate(use: KeyUse): Promise<string>;
}

export interface KeyStoreOptions {
  /** KEY_ENCRYPTION_KEY: seals private keys at rest (key-encryption.ts). */
  encryptionKey?: Buffer;
}

export function createKeyStore(db: Db, { encryptionKey }: KeyStoreOptions = {}): KeyStore {
  const signers = new Map<KeyUse, Promise<SigningKeyHandle>>();
  const publics = new Map<string, { use: KeyUse; key: CryptoKey }>();

  async function create(use: KeyUse): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
    const kid = `${use}-${randomUUID()}`;
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALG, use: 'sig' };
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALG };
    await db.signingKey.create({ data: { kid, use, alg: SIGNING_ALG, publicJwk, privateJwk: sealJwk(privateJwk, kid, encryptionKey) as object } });
    return kid;
  }

  async function loadSigner(use: KeyUse): Promise<SigningKeyHandle> {
    let row = await db.signingKey.findFirst({ where: { use, retiredAt: null }, orderBy: { createdAt: 'desc' } });
    if (!row) {
      await create(use);
      // Two instances may create one each at the same moment; both are published, newest signs.
      row = await db.signingKey.findFirst({ where: { use, retiredAt: null }, orderBy: { createdAt: 'desc' } });
    }
    const { kid, alg, privateJwk } = row!;
    return { kid, alg, key: (await importJWK(openJwk(privateJwk, kid, encryptionKey), alg)) as CryptoKey };
  }

  async function published(use: KeyUse) {
    const since = new Date(Date.now() - PUBLISH_RETIRED_FOR_MS);
    return db.signingKey.findMany({
      where: { use, OR: [{ retiredAt: null }, { retiredAt: { gt: since } }] },
      orderBy: { createdAt: 'desc' },
    });
  }

  return {
    signer(use) {
      let p = signers.get(use);
      if (!p) {
        p = loadSigner(use);
        p.catch(() => signers.delete(use));
        signers.set(use, p);
      }
      return p;
    },
    async jwks(use) {
      const rows = await published(use);
      return { keys: rows.map((r) => r.publicJwk as JWK) };
    },
    async publicKey(use, kid) {
      const known = publics.get(kid);
      if (known) return known.use === use ? known.key : undefined;
      for (const row of await published(use)) {
        if (!publics.has(row.kid)) {
          publics.set(row.kid, { use, key: (await importJWK(row.publicJwk as JWK, row.alg)) as CryptoKey });
        }
      }
      const found = publics.get(kid);
      return found?.use === use ? found.key : undefined;
    },
    async rotate(use) {
      const kid = await create(use);
      await db.signingKey.updateMany({ where: { use, retiredAt: null, kid: { not: kid } }, data: { retiredAt: new Date() } });
      signers.delete(use);
      return kid;
    },
  };
}
