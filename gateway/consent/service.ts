// The consent service: one per gateway instance (in ChainServices). Lifecycle operations for clients
// and RIBs, the lists behind their views, and the consent token a RIB fetches after approval.
import type { Caller } from '../auth/caller.js';
import { KetenError, notFound } from '../errors.js';
import type { KeyStore } from '../keys/key-store.js';
import type { TraceContext } from '../logs/trace.js';
import { signConsentToken, type SignedConsentToken } from './consent-token.js';
import { createConsentCore, type ConsentDeps } from './core.js';
import { ledgerRefusal } from './ledger.js';
import { actorOf } from './events.js';
import { createRequestFlows, requireClient, requireRib, type RequestInput } from './requests.js';
import { grantedScopes, toAuthorizationDetails } from './scopes.js';
import { checkValidity, parseId, parseOin, parseLastDay, parseReason, parseScopes } from './validation.js';
import { fromDateColumn } from '../../lib/dutch-day.js';

export interface GrantInput {
  trajectId: unknown;
  granteeOin: unknown;
  scopes: unknown;
  validUntil: unknown;
}

const withHistory = {
  grantee: true,
  traject: true,
  events: { orderBy: { id: 'asc' as const } },
};

export function createConsentService(deps: ConsentDeps & { keys: KeyStore }) {
  const core = createConsentCore(deps);
  const requests = createRequestFlows(core);
  const { prisma } = core;
  // Listening starts with the instance; until it is up the cache holds nothing (see cache.ts).
  const listening = core.cache.start().catch(() => {});

  async function ownConsent(consentId: unknown, owns: (c: { subjectBsn: string; granteeOin: string }) => boolean) {
    const id = parseId('toestemmingId', consentId);
    const c = await prisma.consent.findUnique({ where: { id } });
    // Someone else's consent is "not found": its existence is not the caller's business.
    if (!c || !owns(c)) throw notFound('consent');
    return c;
  }

  return {
    core,
    request: (trace: TraceContext, who: Caller, input: RequestInput) => requests.request(trace, who, input),
    withdrawRequest: requests.withdraw,
    approveRequest: requests.approve,
    rejectRequest: (trace: TraceContext, who: Caller, requestId: unknown, reason?: unknown) =>
      requests.reject(trace, who, requestId, parseReason('reden', reason)),

    /** A client grants without a request. */
    async grant(trace: TraceContext, who: Caller, input: GrantInput) {
      const client = requireClient(who);
      const trajectId = parseId('trajectId', input.trajectId);
      const granteeOin = parseOin('bureau', input.granteeOin);
      const scopes = parseScopes('bevoegdheden', input.scopes);
      const lastDay = parseLastDay('geldigTot', input.validUntil);
      const traject = await prisma.traject.findUnique({ where: { id: trajectId } });
      if (!traject || traject.subjectBsn !== client.bsn) throw notFound('trajectory');
      checkValidity('geldigTot', lastDay, traject);
      return core.createConsent(trace, client, { trajectId, granteeOin, scopes, lastDay });
    },

    /**
     * The client revokes. Answers only when no gateway instance will accept the consent again, and
     * within the consent cache's lifetime whatever the notifications do (consent/cache.ts).
     */
    async revoke(trace: TraceContext, who: Caller, consentId: unknown, reason?: unknown) {
      const client = requireClient(who);
      const c = await ownConsent(consentId, (x) => x.subjectBsn === client.bsn);
      const text = parseReason('reden', reason);
      return core.endConsent(c.id, 'revoked', 'revoked', actorOf(client), text ?? 'ingetrokken door de cliënt', { trace, caller: client, name: 'toestemming intrekken' });
    },

    /** The RIB gives a consent up (its work is done, or it should never have had it). */
    async relinquish(trace: TraceContext, who: Caller, consentId: unknown) {
      const rib = requireRib(who);
      const c = await ownConsent(consentId, (x) => x.granteeOin === rib.oin);
      return core.endConsent(c.id, 'revoked', 'relinquished', actorOf(rib), 'teruggegeven door het bureau', { trace, caller: rib, name: 'toestemming teruggeven' });
    },

    endForTraject: core.endForTraject,

    async listForClient(who: Caller) {
      const client = requireClient(who);
      await core.settleLapsed({ subjectBsn: client.bsn });
      const [consents, requestList] = await Promise.all([
        prisma.consent.findMany({ where: { subjectBsn: client.bsn }, include: withHistory, orderBy: { createdAt: 'desc' } }),
        prisma.consentRequest.findMany({
          where: { subjectBsn: client.bsn },
          include: { ...withHistory, consent: { select: { id: true } } },
          orderBy: { createdAt: 'desc' },
        }),
      ]);
      return { consents, requests: requestList };
    },

    async listForRib(who: Caller) {
      const rib = requireRib(who);
      await core.settleLapsed({ granteeOin: rib.oin });
      const [consents, requestList] = await Promise.all([
        prisma.consent.findMany({ where: { granteeOin: rib.oin }, include: { traject: true }, orderBy: { createdAt: 'desc' } }),
        prisma.consentRequest.findMany({
          where: { granteeOin: rib.oin },
          include: { traject: true, consent: { select: { id: true } } },
          orderBy: { createdAt: 'desc' },
        }),
      ]);
      return { consents, requests: requestList };
    },

    /** One consent with its history, for its client. */
    async consentForClient(who: Caller, consentId: unknown) {
      const client = requireClient(who);
      const c = await ownConsent(consentId, (x) => x.subjectBsn === client.bsn);
      return prisma.consent.findUniqueOrThrow({ where: { id: c.id }, include: withHistory });
    },

    /** The consent token for the grantee RIB, while the consent is active. */
    async issueToken(who: Caller, consentId: unknown): Promise<SignedConsentToken> {
      const rib = requireRib(who);
      const c = await ownConsent(consentId, (x) => x.granteeOin === rib.oin);
      const { state: s } = await core.state(c.id, false);
      if (!s) throw notFound('consent');
      const refused = ledgerRefusal(s, new Date());
      if (refused) throw new KetenError(refused.code, refused.message, { reason: refused.reason });
      const scopes = grantedScopes(c.authorizationDetails, c.trajectId);
      return signConsentToken(deps.keys, deps.config.publicUrl, {
        consentId: c.id,
        version: s.version,
        granteeOin: c.granteeOin,
        trajectId: c.trajectId,
        authorizationDetails: toAuthorizationDetails(scopes, c.trajectId),
        lastDay: fromDateColumn(c.validThrough),
      });
    },

    async close() {
      await listening;
      await core.cache.close();
    },
  };
}

export type ConsentService = ReturnType<typeof createConsentService>;
