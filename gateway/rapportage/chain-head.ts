// The signed chain head of a rapportage block: "block B ends at report R, volgnummer N, hash H",
// signed by the gateway as a compact JWS. It is kept beside the chain (table keten_hoofd, written in
// the report's own transaction), given in every receipt, and shown to the client and the gemeente,
// so a history cut short (newest report removed, block removed, database restored from an older
// backup) disagrees with a head someone outside the database holds. `ketenpoort verify-chain`
// compares them (chain-anchor.ts).
//
// The key is HMAC (HS256) from the configuration (CHAIN_HEAD_KEY, or derived from LOG_SUBJECT_KEY),
// not one of the key store's keys: those live in the database, and whoever can rewrite the database
// could then sign a shorter chain. The signature is deterministic over the head, so an idempotent
// replay of an upload answers byte-for-byte the same receipt.
import { createHmac, webcrypto } from 'node:crypto';
import { compactVerify } from 'jose';
import { canonicalJson, sha256 } from './chain.js';

export interface ChainHead {
  blokId: string;
  volgnummer: number;
  rapportageId: string;
  hash: string;
  /** When the report at the head was received (ISO 8601). */
  vastgelegdOp: string;
}

export interface SignedChainHead extends ChainHead {
  /** Compact JWS (HS256) over the fields above. */
  handtekening: string;
}

export interface ChainHeadSigner {
  /** Names the key in the JWS header, so a head signed with another key is told from a forged one. */
  readonly kid: string;
  sign(head: ChainHead): Promise<SignedChainHead>;
  /** The head a JWS states when it verifies with this gateway's key; undefined when it does not. */
  verify(jws: string): Promise<ChainHead | undefined>;
}

const ALG = 'HS256';

/** Only the signed fields, in a fixed form: the payload and what a verified one is compared with. */
export function headOf(h: ChainHead): ChainHead {
  return { blokId: h.blokId, volgnummer: h.volgnummer, rapportageId: h.rapportageId, hash: h.hash.trim(), vastgelegdOp: h.vastgelegdOp };
}

export function sameHead(a: ChainHead, b: ChainHead): boolean {
  return canonicalJson(headOf(a)) === canonicalJson(headOf(b));
}

export function createChainHeadSigner(secret: Buffer): ChainHeadSigner {
  // Imported once: jose would otherwise import the raw key on every signature.
  const keyReady = webcrypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  // A fingerprint of the key, not the key: a 256-bit secret's hash reveals nothing usable.
  const kid = `ketenhoofd-${sha256(secret).slice(0, 16)}`;
  const protectedHeader = Buffer.from(JSON.stringify({ alg: ALG, kid })).toString('base64url');
  return {
    kid,
    // Signed with node's HMAC, not jose's CompactSign: jose signs through WebCrypto, one async
    // job per signature, which was 5 % of the gateway's CPU at 220 uploads/s (bench/compare.ts
    // --query upload --profile). The JWS is the standard compact form (RFC 7515) with the header
    // jose wrote, byte for byte, so heads signed before still compare; jose verifies it.
    async sign(head) {
      const payload = headOf(head);
      const signingInput = `${protectedHeader}.${Buffer.from(canonicalJson(payload)).toString('base64url')}`;
      const handtekening = `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
      return { ...payload, handtekening };
    },
    async verify(jws) {
      try {
        const { payload, protectedHeader } = await compactVerify(jws, await keyReady, { algorithms: [ALG] });
        if (protectedHeader.kid !== kid) return undefined;
        const h = JSON.parse(new TextDecoder().decode(payload)) as ChainHead;
        if (typeof h?.blokId !== 'string' || !Number.isInteger(h.volgnummer) || typeof h.hash !== 'string' || typeof h.rapportageId !== 'string' || typeof h.vastgelegdOp !== 'string') return undefined;
        return headOf(h);
      } catch {
        return undefined;
      }
    },
  };
}

/** The head as the keten_hoofd row stores it. */
export interface ChainHeadRecord {
  blokId: string;
  sequence: number;
  rapportageId: string;
  headHash: string;
  signedAt: Date;
  signature: string;
}

export function signedHeadOfRecord(r: ChainHeadRecord): SignedChainHead {
  return { blokId: r.blokId, volgnummer: r.sequence, rapportageId: r.rapportageId, hash: r.headHash.trim(), vastgelegdOp: r.signedAt.toISOString(), handtekening: r.signature };
}

/** The head a stored report made when it was appended: its own place and hash. */
export function headOfReport(r: { id: string; blokId: string; sequence: number; hash: string; createdAt: Date }): ChainHead {
  return { blokId: r.blokId, volgnummer: r.sequence, rapportageId: r.id, hash: r.hash.trim(), vastgelegdOp: r.createdAt.toISOString() };
}
