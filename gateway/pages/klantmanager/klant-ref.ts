// Klantmanager links name a client by a sealed reference, not by BSN: a BSN in a URL would end up
// in browser history, bookmarks and proxy logs. Only this server can open the reference again.
import type { Sealer } from '../shared/seal.js';
import { isValidBsn } from '../../../lib/bsn.js';

function klantRef(sealer: Sealer, bsn: string): string {
  return sealer.seal('klant', bsn);
}

export function bsnFromRef(sealer: Sealer, ref: string): string | undefined {
  const bsn = sealer.open<string>('klant', ref);
  return typeof bsn === 'string' && isValidBsn(bsn) ? bsn : undefined;
}

export const klantHref = (sealer: Sealer, bsn: string) => `/klantmanager/klanten/${klantRef(sealer, bsn)}`;
