// What clients and RIBs see of consents and requests, in the schema's Dutch words. A RIB's view has
// the trajectory id, status and dates: never the client's BSN.
import type { Consent, ConsentEvent, ConsentRequest, Organisation, Traject } from '../db/generated/client.js';
import { fromDateColumn } from '../../lib/dutch-day.js';
import { grantedScopes, type AuthorizationDetail } from './scopes.js';

export const CONSENT_STATUS = { active: 'actief', revoked: 'ingetrokken', expired: 'verlopen', ended: 'beeindigd' } as const;
export const REQUEST_STATUS = {
  pending: 'openstaand',
  approved: 'goedgekeurd',
  rejected: 'afgewezen',
  withdrawn: 'ingetrokken',
  expired: 'verlopen',
} as const;
export const EVENT_NAMES: Record<string, string> = {
  requested: 'aangevraagd',
  withdrawn: 'verzoek ingetrokken',
  approved: 'goedgekeurd',
  rejected: 'afgewezen',
  granted: 'verleend',
  revoked: 'ingetrokken',
  relinquished: 'teruggegeven',
  expired: 'verlopen',
  ended: 'beeindigd',
};

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const org = (o: Organisation) => ({ oin: o.oin, naam: o.name, soort: o.kind });

/** Who did it, as the client reads it: "u", the bureau's name, or Ketenpoort itself. */
export function eventView(e: ConsentEvent, grantee: Organisation) {
  const door = e.actorRole === 'client' ? 'u' : e.actorRole === 'system' ? 'Ketenpoort' : e.actorOin === grantee.oin ? grantee.name : 'een andere organisatie';
  return { soort: EVENT_NAMES[e.type] ?? e.type, op: e.at.toISOString(), door, rol: e.actorRole };
}

function details(json: unknown): { type: string; acties: string[]; identificatie: string }[] {
  if (!Array.isArray(json)) return [];
  return (json as AuthorizationDetail[]).map((d) => ({ type: d.type, acties: d.actions, identificatie: d.identifier }));
}

type ClientConsent = Consent & { grantee: Organisation; traject: Traject; events: ConsentEvent[] };
type ClientRequest = ConsentRequest & { grantee: Organisation; traject: Traject; events: ConsentEvent[]; consent: { id: string } | null };

export function clientConsentView(c: ClientConsent) {
  return {
    id: c.id,
    bureau: org(c.grantee),
    trajectId: c.trajectId,
    trajectTitel: c.traject.title,
    doel: c.purpose,
    bevoegdheden: grantedScopes(c.authorizationDetails, c.trajectId),
    autorisatiedetails: details(c.authorizationDetails),
    geldigVanaf: c.validFrom.toISOString(),
    geldigTot: fromDateColumn(c.validThrough),
    status: CONSENT_STATUS[c.status],
    versie: c.version,
    ingetrokkenOp: iso(c.revokedAt),
    redenIntrekking: c.revokedReason,
    verzoekId: c.requestId,
    geschiedenis: c.events.map((e) => eventView(e, c.grantee)),
  };
}

export function clientRequestView(r: ClientRequest) {
  return {
    id: r.id,
    bureau: org(r.grantee),
    trajectId: r.trajectId,
    trajectTitel: r.traject.title,
    doel: r.purpose,
    bevoegdheden: grantedScopes(r.authorizationDetails, r.trajectId),
    gevraagdTot: fromDateColumn(r.requestedThrough),
    status: REQUEST_STATUS[r.status],
    ingediendOp: r.createdAt.toISOString(),
    besluitOp: iso(r.decidedAt),
    toestemmingId: r.consent?.id ?? null,
    geschiedenis: r.events.map((e) => eventView(e, r.grantee)),
  };
}

export function ribConsentView(c: Consent & { traject: Traject }) {
  return {
    id: c.id,
    trajectId: c.trajectId,
    trajectTitel: c.traject.title,
    bevoegdheden: grantedScopes(c.authorizationDetails, c.trajectId),
    geldigVanaf: c.validFrom.toISOString(),
    geldigTot: fromDateColumn(c.validThrough),
    status: CONSENT_STATUS[c.status],
    versie: c.version,
    ingetrokkenOp: iso(c.revokedAt),
  };
}

export function ribRequestView(r: ConsentRequest & { traject: Traject; consent?: { id: string } | null }) {
  return {
    id: r.id,
    trajectId: r.trajectId,
    trajectTitel: r.traject.title,
    bevoegdheden: grantedScopes(r.authorizationDetails, r.trajectId),
    gevraagdTot: fromDateColumn(r.requestedThrough),
    status: REQUEST_STATUS[r.status],
    ingediendOp: r.createdAt.toISOString(),
    besluitOp: iso(r.decidedAt),
    toestemmingId: r.consent?.id ?? null,
  };
}
