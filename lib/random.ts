// Random bytes for ids (trace and span ids, initialisation vectors), drawn from a pool refilled
// 4 KiB at a time: randomBytes(8) per span id made the kernel call for every processing-log row
// (300 on a big caseload page), a measurable share of the gateway's time. Same CSPRNG.
import { randomFillSync } from 'node:crypto';

const pool = Buffer.allocUnsafe(4096);
let offset = pool.length;

/** `n` fresh random bytes (at most 256), as a new Buffer. */
export function randomBytesPooled(n: number): Buffer {
  if (offset + n > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + n));
  // Never hand out the same bytes twice.
  pool.fill(0, offset, offset + n);
  offset += n;
  return out;
}

export const randomHex = (bytes: number) => randomBytesPooled(bytes).toString('hex');
