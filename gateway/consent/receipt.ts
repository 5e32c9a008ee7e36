// A receipt per consent: a record in plain Dutch the client can keep, signed by the gateway (compact
// JWS, ES256, our consent key, verifiable with /.well-known/jwks.json). Its own `typ` and no
// audience, so it can never pass as a consent token. No BSN: the receipt may be shared or printed.
import { CompactSign, compactVerify } from 'jose';
import type { Consent, ConsentEvent, Organisation, Traject } from '../db/generated/client.js';
import type { KeyStore } from '../keys/key-store.js';
import { fromDateColumn } from '../../lib/dutch-day.js';
import { formatDate, formatDateTime, formatDay } from './plain-language.js';
import { grantedScopes, SCOPES } from './scopes.js';
import { CONSENT_STATUS, EVENT_NAMES } from './views.js';

export const RECEIPT_TYPE = 'kp-consent-receipt+jws';

type ReceiptConsent = Consent & { grantee: Organisation; traject: Traject; events: ConsentEvent[] };

export interface Receipt {
  toestemmingId: string;
  tekst: string;
  /** The signed content (JSON): what the text says, in fields. */
  inhoud: string;
  handtekening: string;
  kid: string;
}

function receiptText(c: ReceiptConsent, issuedAt: Date): string {
  const scopes = grantedScopes(c.authorizationDetails, c.trajectId);
  const by = (e: ConsentEvent) => (e.actorRole === 'client' ? 'u' : e.actorRole === 'system' ? 'Ketenpoort' : c.grantee.name);
  const status =
    c.status === 'active'
      ? 'Deze toestemming is nu geldig.'
      : `Deze toestemming is ${CONSENT_STATUS[c.status]}${c.revokedAt ? ` op ${formatDate(c.revokedAt)}` : ''}.`;
  return [
    'Ontvangstbewijs van uw toestemming',
    '',
    `U heeft ${c.grantee.name} toestemming gegeven voor uw traject "${c.traject.title}".`,
    'Zij mogen:',
    ...scopes.map((s) => `- ${SCOPES[s].uitleg}`),
    `Dat mag van ${formatDate(c.validFrom)} tot en met ${formatDay(fromDateColumn(c.validThrough))}.`,
    status,
    '',
    'Wat er met deze toestemming is gebeurd:',
    ...c.events.map((e) => `- ${formatDateTime(e.at)}: ${EVENT_NAMES[e.type] ?? e.type} door ${by(e)}`),
    '',
    'U kunt uw toestemming altijd intrekken. Dan mag het bureau meteen niets meer.',
    `Kenmerk: ${c.id} (versie ${c.version}). Gemaakt door Ketenpoort op ${formatDateTime(issuedAt)}.`,
  ].join('\n');
}

export async function buildReceipt(keys: KeyStore, issuer: string, c: ReceiptConsent, now = new Date()): Promise<Receipt> {
  const tekst = receiptText(c, now);
  const inhoud = JSON.stringify({
    iss: issuer,
    iat: Math.floor(now.getTime() / 1000),
    toestemming: {
      id: c.id,
      versie: c.version,
      bureau: { oin: c.grantee.oin, naam: c.grantee.name },
      trajectId: c.trajectId,
      doel: c.purpose,
      autorisatiedetails: c.authorizationDetails,
      geldigVanaf: c.validFrom.toISOString(),
      geldigTot: fromDateColumn(c.validThrough),
      status: c.status,
      ingetrokkenOp: c.revokedAt?.toISOString() ?? null,
      geschiedenis: c.events.map((e) => ({ soort: e.type, op: e.at.toISOString(), rol: e.actorRole })),
    },
    tekst,
  });
  const { kid, alg, key } = await keys.signer('consent');
  const handtekening = await new CompactSign(new TextEncoder().encode(inhoud))
    .setProtectedHeader({ alg, kid, typ: RECEIPT_TYPE, cty: 'json' })
    .sign(key);
  return { toestemmingId: c.id, tekst, inhoud, handtekening, kid };
}

/** Checks a receipt's signature with the gateway's published consent keys; returns its content. */
export async function verifyReceipt(keys: KeyStore, jws: string): Promise<Record<string, unknown>> {
  const { payload } = await compactVerify(
    jws,
    async (header) => {
      const key = header.kid ? await keys.publicKey('consent', header.kid) : undefined;
      if (!key || header.typ !== RECEIPT_TYPE) throw new Error('not a Ketenpoort receipt');
      return key;
    },
    { algorithms: ['ES256'] },
  );
  return JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
}
