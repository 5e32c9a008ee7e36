// The consent ledger's state changes: create a consent (from an approved request or a direct grant),
// end one (revoked by the client, given up by the RIB, trajectory ended, lapsed), and read the live
// state for enforcement. Each change bumps `version`, appends a ConsentEvent in the same transaction,
// and, for an end, reaches every instance's cache before the call returns (see cache.ts).
import DataLoader from 'dataloader';
import type { Caller } from '../auth/caller.js';
import type { Config } from '../config.js';
import type { Database, Db } from '../db/database.js';
import type { Consent, Prisma } from '../db/generated/client.js';
import { badInput, KetenError, notFound } from '../errors.js';
import type { ConsentGrantLimit } from '../limits/consent-grants.js';
import type { ProcessingLog } from '../logs/processing-log.js';
import type { TraceContext } from '../logs/trace.js';
import { dutchDay, toDateColumn, type DutchDay } from '../../lib/dutch-day.js';
import { createVerifiedTokens } from '../../lib/verified-tokens.js';
import { createConsentCache, type ConsentCache } from './cache.js';
import type { VerifiedConsentToken } from './consent-token.js';
import { actorOf, logConsentProcessing, recordEvent, SYSTEM_ACTOR, type Actor, type EventType } from './events.js';
import { readLedgers, type LedgerState } from './ledger.js';
import { CONSENT_PURPOSE, toAuthorizationDetails, type ConsentScope } from './scopes.js';

export interface ConsentDeps {
  config: Readonly<Config>;
  db: Database;
  processingLog: ProcessingLog;
  /** How many consents a client may grant per hour (gateway/limits/consent-grants.ts). */
  grantLimit: ConsentGrantLimit;
}

export interface NewConsent {
  trajectId: string;
  granteeOin: string;
  scopes: ConsentScope[];
  /** The last day it holds (Dutch calendar day, yyyy-mm-dd). */
  lastDay: DutchDay;
  requestId?: string;
}

type EndStatus = 'revoked' | 'expired' | 'ended';

/** A consent with what its views show: the grantee, the trajectory and the history. */
export const WITH_HISTORY = { grantee: true, traject: true, events: { orderBy: { id: 'asc' as const } } };
export type ConsentWithHistory = Consent & Prisma.ConsentGetPayload<{ include: typeof WITH_HISTORY }>;

/** Who changed the consent, for the processing log row written in the change's own transaction. */
export interface ProcessingBy {
  trace: TraceContext;
  caller: Caller;
  name: string;
}

export function createConsentCore({ config, db, processingLog, grantLimit }: ConsentDeps) {
  const prisma: Db = db.prisma;
  const cache: ConsentCache = createConsentCache(db, config.CONSENT_CACHE_TTL_MS);
  // Every write reads its consent's ledger row (enforce.ts); concurrent checks share one query.
  // No cache here: each load is a fresh read, made after the request it answers arrived.
  const ledger = new DataLoader<string, LedgerState | undefined>(
    async (ids) => {
      const found = await readLedgers(db, ids);
      return ids.map((id) => found.get(id));
    },
    { cache: false, maxBatchSize: 500, batchScheduleFn: (run) => setImmediate(run) },
  );

  async function createConsent(trace: TraceContext, client: Extract<Caller, { role: 'client' }>, c: NewConsent): Promise<ConsentWithHistory> {
    await grantLimit.take(client); // before anything is read or written
    const now = new Date();
    return prisma.$transaction(async (tx) => {
      const traject = await tx.traject.findUnique({
        where: { id: c.trajectId },
        include: { blokken: { where: { ribOin: c.granteeOin, status: 'open' } } },
      });
      if (!traject || traject.subjectBsn !== client.bsn) throw notFound('trajectory');
      if (traject.status !== 'active') throw badInput('trajectId', 'this trajectory has ended');
      if (traject.blokken.length === 0) throw badInput('bureau', 'this trajectory is not assigned to that organisation');
      const active = await tx.consent.count({
        where: { trajectId: c.trajectId, granteeOin: c.granteeOin, status: 'active', validThrough: { gte: toDateColumn(dutchDay(now)) } },
      });
      if (active > 0) throw new KetenError('CONFLICT', 'this organisation already has an active consent for this trajectory');
      if (c.requestId) {
        const n = await tx.consentRequest.updateMany({
          where: { id: c.requestId, status: 'pending' },
          data: { status: 'approved', decidedAt: now, decidedBy: client.subject },
        });
        if (n.count !== 1) throw new KetenError('CONFLICT', 'the request is no longer pending');
        await recordEvent(tx, 'approved', actorOf(client), { requestId: c.requestId });
      }
      const created = await tx.consent.create({
        data: {
          requestId: c.requestId ?? null,
          trajectId: c.trajectId,
          granteeOin: c.granteeOin,
          subjectBsn: client.bsn,
          purpose: CONSENT_PURPOSE,
          authorizationDetails: toAuthorizationDetails(c.scopes, c.trajectId) as object[],
          validFrom: now,
          validThrough: toDateColumn(c.lastDay),
          createdBy: client.subject,
        },
      });
      await recordEvent(tx, 'granted', actorOf(client), { consentId: created.id, requestId: c.requestId }, {
        scopes: c.scopes,
        validThrough: c.lastDay,
        version: created.version,
      });
      await logConsentProcessing(tx, processingLog, trace, client, client.bsn, 'toestemming geven');
      // Read inside the transaction: after the commit nothing is left that could fail.
      return tx.consent.findUniqueOrThrow({ where: { id: created.id }, include: WITH_HISTORY });
    });
  }

  /**
   * Ends an active consent. Returns the row as it is afterwards; ending one that is no longer
   * active changes nothing (a retried revoke is harmless). Resolves only when no instance can
   * still accept it, within the cache's lifetime (its budget; see cache.ts), and never fails once
   * the change has committed: the eviction's own failures are waited out, not reported.
   */
  async function endConsent(id: string, to: EndStatus, event: EventType, actor: Actor, reason?: string, by?: ProcessingBy): Promise<ConsentWithHistory> {
    const { row, changed } = await commitEnd(id, to, event, actor, reason, by);
    // After the commit, never before: an instance woken early would re-read the old row.
    if (changed && to !== 'expired') await cache.invalidate(id);
    return row;
  }

  async function commitEnd(id: string, to: EndStatus, event: EventType, actor: Actor, reason?: string, by?: ProcessingBy) {
    const changed = await prisma.$transaction(async (tx) => {
      const n = await tx.consent.updateMany({
        where: { id, status: 'active' },
        data: {
          status: to,
          version: { increment: 1 },
          ...(to === 'expired' ? {} : { revokedAt: new Date(), revokedBy: actor.actor, revokedReason: reason ?? event }),
        },
      });
      if (n.count === 0) return undefined;
      const after = await tx.consent.findUniqueOrThrow({ where: { id } });
      await recordEvent(tx, event, actor, { consentId: id }, { version: after.version, ...(reason ? { reason } : {}) });
      if (by) await logConsentProcessing(tx, processingLog, by.trace, by.caller, after.subjectBsn, by.name);
      // Read inside the transaction: after the commit nothing is left that could fail.
      return tx.consent.findUniqueOrThrow({ where: { id }, include: WITH_HISTORY });
    });
    if (changed) return { row: changed, changed: true };
    return { row: await prisma.consent.findUniqueOrThrow({ where: { id }, include: WITH_HISTORY }), changed: false };
  }

  /** Records what time and trajectories already decided: lapsed consents and requests. */
  async function settleLapsed(where: { subjectBsn?: string; granteeOin?: string; trajectId?: string }) {
    const now = new Date();
    // A last day before today (Dutch time) is over; today's is not, until midnight.
    const today = toDateColumn(dutchDay(now));
    const lapsed = await prisma.consent.findMany({
      where: {
        ...where,
        status: 'active',
        OR: [{ validThrough: { lt: today } }, { traject: { status: 'ended' } }],
      },
      select: { id: true, validThrough: true },
    });
    for (const c of lapsed) {
      if (c.validThrough < today) await endConsent(c.id, 'expired', 'expired', SYSTEM_ACTOR);
      else await endConsent(c.id, 'ended', 'ended', SYSTEM_ACTOR, 'traject beëindigd');
    }
    const stale = await prisma.consentRequest.findMany({
      where: { ...where, status: 'pending', OR: [{ requestedThrough: { lt: today } }, { traject: { status: 'ended' } }] },
      select: { id: true },
    });
    for (const r of stale) {
      await prisma.$transaction(async (tx) => {
        const n = await tx.consentRequest.updateMany({ where: { id: r.id, status: 'pending' }, data: { status: 'expired', decidedAt: now, decidedBy: SYSTEM_ACTOR.actor } });
        if (n.count === 1) await recordEvent(tx, 'expired', SYSTEM_ACTOR, { requestId: r.id });
      });
    }
  }

  return {
    prisma,
    processingLog,
    cache,
    /** Consent tokens whose signature was checked: a RIB sends the same one with every report. */
    verifiedTokens: createVerifiedTokens<VerifiedConsentToken>({ maxAgeMs: 60_000 }),
    createConsent,
    endConsent,
    settleLapsed,
    /** Live state for a decision; from the cache only when `cached` (reads), else the ledger row. */
    async state(consentId: string, cached: boolean): Promise<{ state: LedgerState | undefined; source: 'cache' | 'ledger' }> {
      if (cached) {
        const hit = cache.get(consentId);
        if (hit) return { state: hit, source: 'cache' };
      }
      const ticket = cache.ticket();
      const state = await ledger.load(consentId);
      if (state) cache.put(state, ticket);
      return { state, source: 'ledger' };
    },
    /** For whoever ends a trajectory: its consents end and its open requests lapse, at once. */
    async endForTraject(trajectId: string, caller: Caller) {
      const active = await prisma.consent.findMany({ where: { trajectId, status: 'active' }, select: { id: true } });
      const ended: string[] = [];
      for (const c of active) if ((await commitEnd(c.id, 'ended', 'ended', actorOf(caller), 'traject beëindigd')).changed) ended.push(c.id);
      // Side by side, so ending several waits for the evictions once (at most the cache lifetime).
      await Promise.all(ended.map((id) => cache.invalidate(id)));
      await settleLapsed({ trajectId });
    },
  };
}

export type ConsentCore = ReturnType<typeof createConsentCore>;
