// Idempotent writes (after the IETF Idempotency-Key draft): a RIB's system that did not get its
// receipt (timeout, crash, lost connection) sends the same request again with the same key and gets
// the same receipt, while nothing is stored twice. The same key with a different body is a client
// bug we refuse rather than guess about. Keys are scoped to one block (unique (blokId, key)), and
// the check runs under the block's row lock, so two concurrent retries cannot both insert.
import { KetenError } from '../errors.js';
import { canonicalJson, sha256 } from './chain.js';

/** The fingerprint of a request: its parsed content as canonical JSON, hashed. */
export function requestHashOf(kind: 'rapportage' | 'bijlage', content: unknown): string {
  return sha256(canonicalJson({ kind, content }));
}

/**
 * What to do with an earlier row stored under the same key: hand it back when the request is the
 * same, refuse when it differs. Returns undefined when there is no earlier row.
 */
export function replayOf<T extends { requestHash: string }>(earlier: T | null | undefined, requestHash: string): T | undefined {
  if (!earlier) return undefined;
  if (earlier.requestHash.trim() !== requestHash) {
    throw new KetenError('CONFLICT', 'Idempotency-Key: this key was already used for a different request; use a new key for a new request', {
      field: 'Idempotency-Key',
    });
  }
  return earlier;
}
