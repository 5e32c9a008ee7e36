// Consent requests, as in open-banking consent flows: a RIB asks for a trajectory assigned to it
// (an open rapportage block), the client approves or rejects, the RIB may withdraw while pending.
import type { Caller, OrganisationCaller } from '../auth/caller.js';
import { Prisma, type ConsentRequest } from '../db/generated/client.js';
import { badInput, forbidden, KetenError, notFound } from '../errors.js';
import type { TraceContext } from '../logs/trace.js';
import type { ConsentCore } from './core.js';
import { actorOf, logConsentProcessing, recordEvent } from './events.js';
import { CONSENT_PURPOSE, grantedScopes, toAuthorizationDetails } from './scopes.js';
import { checkValidity, parseId, parseLastDay, parseScopes } from './validation.js';
import { fromDateColumn, toDateColumn } from '../../lib/dutch-day.js';

type ClientCaller = Extract<Caller, { role: 'client' }>;

/** What the request views show, read inside the change's transaction (nothing left to fail after it). */
const REQUEST_VIEW = {
  grantee: true,
  traject: true,
  events: { orderBy: { id: 'asc' as const } },
  consent: { select: { id: true } },
};

export interface RequestInput {
  trajectId: unknown;
  scopes: unknown;
  validUntil: unknown;
}

export function requireRib(caller: Caller): OrganisationCaller {
  if (caller.role !== 'rib') throw forbidden('only a re-integratiebureau may do this');
  return caller;
}

export function requireClient(caller: Caller): ClientCaller {
  if (caller.role !== 'client') throw forbidden('only the client may do this');
  return caller;
}

export function createRequestFlows(core: ConsentCore) {
  const { prisma } = core;

  /** A RIB asks the client for consent. Refused unless the trajectory is assigned to this RIB. */
  async function request(trace: TraceContext, who: Caller, input: RequestInput) {
    const rib = requireRib(who);
    const trajectId = parseId('trajectId', input.trajectId);
    const scopes = parseScopes('bevoegdheden', input.scopes);
    const lastDay = parseLastDay('geldigTot', input.validUntil);
    const traject = await prisma.traject.findUnique({
      where: { id: trajectId },
      include: { blokken: { where: { ribOin: rib.oin, status: 'open' } } },
    });
    // Same answer for "no such trajectory" and "not yours": a RIB learns nothing about others' work.
    if (!traject || traject.blokken.length === 0 || traject.status !== 'active') {
      throw badInput('trajectId', 'this trajectory is not assigned to your organisation');
    }
    checkValidity('geldigTot', lastDay, traject);
    const alreadyWaiting = () => new KetenError('CONFLICT', 'a request for this trajectory is already waiting for the client');
    const created = await prisma.$transaction(async (tx) => {
      // The usual answer; two requests at the same moment both pass this count, and then the
      // database's partial unique index (consent_request_one_pending) lets only one insert through.
      const open = await tx.consentRequest.count({ where: { trajectId, granteeOin: rib.oin, status: 'pending' } });
      if (open > 0) throw alreadyWaiting();
      const r = await tx.consentRequest.create({
        data: {
          trajectId,
          granteeOin: rib.oin,
          subjectBsn: traject.subjectBsn,
          purpose: CONSENT_PURPOSE,
          authorizationDetails: toAuthorizationDetails(scopes, trajectId) as object[],
          requestedThrough: toDateColumn(lastDay),
          createdBy: rib.subject,
        },
      });
      await recordEvent(tx, 'requested', actorOf(rib), { requestId: r.id }, { scopes, requestedThrough: lastDay });
      await logConsentProcessing(tx, core.processingLog, trace, rib, traject.subjectBsn, 'toestemming vragen');
      return tx.consentRequest.findUniqueOrThrow({ where: { id: r.id }, include: REQUEST_VIEW });
    }).catch((err: unknown) => {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw alreadyWaiting();
      throw err;
    });
    return created;
  }

  /** Moves a pending request on; only its owner (client or RIB, by `owns`) and only while pending. */
  async function decide(
    trace: TraceContext,
    caller: Caller,
    requestId: unknown,
    owns: (r: ConsentRequest) => boolean,
    status: 'rejected' | 'withdrawn',
    details?: Record<string, unknown>,
  ) {
    const id = parseId('verzoekId', requestId);
    const r = await prisma.consentRequest.findUnique({ where: { id } });
    if (!r || !owns(r)) throw notFound('consent request');
    const updated = await prisma.$transaction(async (tx) => {
      const n = await tx.consentRequest.updateMany({
        where: { id, status: 'pending' },
        data: { status, decidedAt: new Date(), decidedBy: caller.subject },
      });
      if (n.count !== 1) throw new KetenError('CONFLICT', `the request is no longer pending (it is ${r.status})`);
      await recordEvent(tx, status, actorOf(caller), { requestId: id }, details);
      await logConsentProcessing(tx, core.processingLog, trace, caller, r.subjectBsn, status === 'rejected' ? 'toestemming weigeren' : 'verzoek intrekken');
      return tx.consentRequest.findUniqueOrThrow({ where: { id }, include: REQUEST_VIEW });
    });
    return updated;
  }

  return {
    request,
    withdraw(trace: TraceContext, who: Caller, requestId: unknown) {
      const rib = requireRib(who);
      return decide(trace, rib, requestId, (r) => r.granteeOin === rib.oin, 'withdrawn');
    },
    reject(trace: TraceContext, who: Caller, requestId: unknown, reason?: string) {
      const client = requireClient(who);
      return decide(trace, client, requestId, (r) => r.subjectBsn === client.bsn, 'rejected', reason ? { reason } : undefined);
    },
    /** The client approves: the request becomes an active consent, at most until the date asked. */
    async approve(trace: TraceContext, who: Caller, requestId: unknown, validUntil?: unknown) {
      const client = requireClient(who);
      const id = parseId('verzoekId', requestId);
      const r = await prisma.consentRequest.findUnique({ where: { id }, include: { traject: true } });
      if (!r || r.subjectBsn !== client.bsn) throw notFound('consent request');
      if (r.status !== 'pending') throw new KetenError('CONFLICT', `the request is no longer pending (it is ${r.status})`);
      const asked = fromDateColumn(r.requestedThrough);
      let lastDay = asked;
      if (validUntil !== undefined && validUntil !== null) {
        lastDay = parseLastDay('geldigTot', validUntil);
        // The client may give less time than asked, never more.
        if (lastDay > asked) throw badInput('geldigTot', 'may not be later than the date the bureau asked for');
      }
      checkValidity('geldigTot', lastDay, r.traject);
      const scopes = grantedScopes(r.authorizationDetails, r.trajectId);
      return core.createConsent(trace, client, {
        trajectId: r.trajectId,
        granteeOin: r.granteeOin,
        scopes,
        lastDay,
        requestId: r.id,
      });
    },
  };
}

export type RequestFlows = ReturnType<typeof createRequestFlows>;
