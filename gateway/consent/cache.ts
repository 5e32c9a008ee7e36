// A short-lived cache of consent ledger state, kept correct across instances by LISTEN/NOTIFY.
//
// The promise to keep: once a revoke has answered, no instance accepts the consent. A notification
// alone cannot give that: instance B may take its next request before it has read a NOTIFY still in
// flight. So the revoke waits for every live instance to acknowledge the eviction:
//  1. Writes never use this cache: `authorizeRibAction` reads the ledger row for every write.
//  2. Every instance sends a heartbeat on CACHE_CHANNEL every HEARTBEAT ms. It may serve cached state
//     only while its own latest heartbeat came back to it less than FRESH ms after it was sent: a
//     listener that is down, lagging or blocked turns the cache off (reads go to the ledger).
//  3. The revoker commits, sends the eviction (EVICT_CHANNEL, payload = consent id) and a "sync"
//     marker, and waits for the marker to come back: PostgreSQL delivers notifications to a session
//     in commit order, so it has then heard every instance whose heartbeat was committed before.
//     It waits until each of them acknowledges the eviction, or has been silent for longer than
//     FRESH (then its cache is off, by rule 2). Just after start it first listens that long.
//  4. An instance that hears the eviction drops the entry and acknowledges. A ledger read that
//     started before an eviction is never cached (eviction tickets), so a late answer cannot bring
//     the old state back. An instance that comes up later hears the eviction before its own first
//     heartbeat, so it cannot serve anything from before either.
//  5. When anything else is uncertain (a notify fails, no ack at all), the revoker waits one TTL:
//     every entry that could hold the old state has expired by then.
//  6. When this instance's LISTEN connection drops, the cache is off at once and its heartbeats stop
//     (so revokers do not wait for acks it cannot send), and when it returns
//     (db/listener.ts) every entry is dropped and every ledger read started before is not cached:
//     the evictions sent meanwhile were lost. Peers are then learned afresh, as after a start.
// Revocation therefore reaches every instance in a few ms normally, under a second when an instance
// has just died or started, and never later than CONSENT_CACHE_TTL_MS. That is also a revoke's
// budget: it answers within CONSENT_CACHE_TTL_MS (plus delivery slack), whatever the listener does.
import { randomBytes } from 'node:crypto';
import type { Database } from '../db/database.js';
import type { LedgerState } from './ledger.js';

export const EVICT_CHANNEL = 'ketenpoort_consent';
export const CACHE_CHANNEL = 'ketenpoort_consent_cache';
const MAX_ENTRIES = 10_000;
/** Delivery slack added when waiting something out. */
const MARGIN_MS = 50;

type Message = { t: 'hb'; i: string; s: number } | { t: 'ack'; i: string; c: string } | { t: 'sync'; i: string; n: string };

interface Entry { state: LedgerState; filledAt: number }
/** Taken before a ledger read; a put with a ticket older than an eviction of that id is dropped. */
export interface Ticket { epoch: number; at: number }

export interface ConsentCache {
  readonly ttlMs: number;
  get(consentId: string): LedgerState | undefined;
  ticket(): Ticket;
  put(state: LedgerState, ticket: Ticket): void;
  /** Call after the state change committed; resolves when no instance can serve the old state. */
  invalidate(consentId: string): Promise<void>;
  /** Whether this instance may serve cached state now (its listener is demonstrably current). */
  usable(): boolean;
  start(): Promise<void>;
  close(): Promise<void>;
  readonly stats: { hits: number; misses: number };
}

const now = () => performance.now();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/** `work`, but given up on at `deadline` (a notify to an unreachable server may hang). */
async function beforeDeadline(work: Promise<void>, deadline: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('deadline')), Math.max(0, deadline - now()))))]);
  } finally {
    clearTimeout(timer);
  }
}

export function createConsentCache(db: Database, ttlMs: number): ConsentCache {
  const self = randomBytes(8).toString('hex');
  const heartbeatMs = Math.max(20, Math.min(250, Math.floor(ttlMs / 4)));
  const fresh = 2 * heartbeatMs;
  const entries = new Map<string, Entry>();
  const peers = new Map<string, number>();
  const lastEvict = new Map<string, { epoch: number; at: number }>();
  const syncWaiters = new Map<string, () => void>();
  const ackListeners = new Set<(instance: string, consentId: string) => void>();
  const unlisten: Array<() => Promise<void>> = [];
  let timer: NodeJS.Timeout | undefined;
  let epoch = 0;
  /** Tickets older than this were taken before the listener last dropped or returned. */
  let floor = 0;
  /** Counts our listener's drops and returns: a revoker whose own listener dropped while it waited
   * for acks cannot tell silent peers from unheard ones, so it waits the TTL out after all. */
  let listenerChanges = 0;
  let unwatch: (() => void) | undefined;
  let listeningSince: number | undefined;
  let lastEcho: number | undefined;
  const stats = { hits: 0, misses: 0 };

  const send = (m: Message) => db.notify(CACHE_CHANNEL, JSON.stringify(m));
  const listenerUp = () => db.listener.status().state === 'up';
  const usable = () => listeningSince !== undefined && listenerUp() && lastEcho !== undefined && now() - lastEcho < fresh;

  /** Notifications were (or are being) lost: nothing cached may be trusted, nor any read in flight. */
  function forgetAll(restored: boolean) {
    listenerChanges++;
    entries.clear();
    floor = ++epoch;
    lastEcho = undefined;
    // Peers heard before no longer prove anything; as after a start, listen a while to learn them.
    if (restored && listeningSince !== undefined) listeningSince = now();
  }

  function evictLocal(id: string) {
    lastEvict.set(id, { epoch: ++epoch, at: now() });
    entries.delete(id);
  }

  function onEvict(payload: string) {
    const id = payload.trim();
    evictLocal(id);
    send({ t: 'ack', i: self, c: id }).catch(() => {});
  }

  function onCacheMessage(payload: string) {
    let m: Message;
    try {
      m = JSON.parse(payload) as Message;
    } catch {
      return;
    }
    if (m.t === 'hb') {
      if (m.i === self) lastEcho = Math.max(lastEcho ?? 0, m.s);
      else peers.set(m.i, now());
    } else if (m.t === 'ack') {
      for (const l of [...ackListeners]) l(m.i, m.c);
    } else if (m.t === 'sync' && m.i === self) {
      syncWaiters.get(m.n)?.();
    }
  }

  function beat() {
    const old = now() - ttlMs - MARGIN_MS;
    for (const [id, e] of lastEvict) if (e.at < old) lastEvict.delete(id);
    for (const [i, seen] of peers) if (now() - seen > 10 * fresh) peers.delete(i);
    // Silent while our listener is down: our cache is off then, so no revoker need wait for our ack
    // (it waits `fresh` at most for an instance that went silent).
    if (!listenerUp()) return;
    send({ t: 'hb', i: self, s: now() }).catch(() => {});
  }

  async function syncBarrier(deadline: number): Promise<boolean> {
    const n = randomBytes(6).toString('hex');
    const echoed = new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), Math.max(0, deadline - now()));
      syncWaiters.set(n, () => {
        clearTimeout(t);
        resolve(true);
      });
    });
    try {
      await send({ t: 'sync', i: self, n });
      return await echoed;
    } finally {
      syncWaiters.delete(n);
    }
  }

  /** Waits until every live peer acked `id` (or went silent), and at least until we know them all. */
  async function waitForPeers(id: string, acked: Set<string>, deadline: number) {
    const knowAllFrom = (listeningSince ?? now()) + fresh + MARGIN_MS;
    for (;;) {
      const t = now();
      const pending = [...peers].filter(([i, seen]) => !acked.has(i) && t - seen <= fresh + MARGIN_MS);
      if ((pending.length === 0 && t >= knowAllFrom) || t >= deadline) return;
      const next = Math.min(deadline, pending.length ? Math.min(...pending.map(([, seen]) => seen + fresh + MARGIN_MS)) : knowAllFrom);
      await new Promise<void>((resolve) => {
        const timeout = setTimeout(done, Math.max(1, Math.min(next - t, heartbeatMs)));
        function done() {
          clearTimeout(timeout);
          ackListeners.delete(onAck);
          resolve();
        }
        function onAck(_i: string, c: string) {
          if (c === id) done();
        }
        ackListeners.add(onAck);
      });
    }
  }

  return {
    ttlMs,
    stats,
    usable,
    get(id) {
      const e = entries.get(id);
      if (!e || !usable() || now() - e.filledAt >= ttlMs) {
        stats.misses++;
        return undefined;
      }
      stats.hits++;
      return e.state;
    },
    ticket: () => ({ epoch, at: now() }),
    put(state, ticket) {
      if (ttlMs <= 0 || listeningSince === undefined || ticket.epoch < floor) return;
      const ev = lastEvict.get(state.consentId);
      if ((ev && ev.epoch > ticket.epoch) || now() - ticket.at > ttlMs) return;
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
      entries.set(state.consentId, { state, filledAt: ticket.at });
    },
    async invalidate(id) {
      const deadline = now() + ttlMs + MARGIN_MS;
      evictLocal(id);
      // Acks are collected from before the eviction is sent, so none is missed. A consent leaves
      // `active` once, so an ack for this id can only be for this eviction.
      const acked = new Set<string>();
      const collect = (i: string, c: string) => c === id && acked.add(i);
      ackListeners.add(collect);
      const changes = listenerChanges;
      try {
        await beforeDeadline(db.notify(EVICT_CHANNEL, id), deadline);
        if (ttlMs <= 0) return;
        // With our own listener down no ack can reach us: wait the TTL out.
        if (listeningSince !== undefined && listenerUp() && (await syncBarrier(deadline))) {
          await waitForPeers(id, acked, deadline);
          if (listenerChanges === changes && listenerUp()) return;
        }
      } catch {
        // fall through: wait the TTL out
      } finally {
        ackListeners.delete(collect);
      }
      if (ttlMs > 0) await sleep(deadline - now());
    },
    async start() {
      if (listeningSince !== undefined) return;
      unwatch = db.listener.watch((e) => forgetAll(e.type === 'restored'));
      unlisten.push(await db.listen(EVICT_CHANNEL, onEvict));
      unlisten.push(await db.listen(CACHE_CHANNEL, onCacheMessage));
      listeningSince = now();
      if (ttlMs > 0) {
        beat();
        timer = setInterval(beat, heartbeatMs);
        timer.unref();
      }
    },
    async close() {
      clearInterval(timer);
      unwatch?.();
      listeningSince = undefined;
      entries.clear();
      for (const u of unlisten.splice(0)) await u().catch(() => {});
    },
  };
}
