// Request counts shared by every gateway instance, for the rate limits (store.ts) and the consent-
// grant limit (consent-grants.ts). Windows are fixed and aligned to the clock (a one-minute window
// starts on the minute), so every instance agrees which window a request falls in.
//
// Asking PostgreSQL on every request would put a round trip in front of each answer. Instead each
// instance counts in memory and, every SYNC_MS, adds what it counted since to the shared row in one
// statement; the answer carries the total over all instances, which becomes the new base. So a
// count is exact for this instance and at most SYNC_MS behind for the others: with n instances a
// caller can get up to (n - 1) × SYNC_MS worth of extra requests through before every instance
// knows. A key this instance has not seen before starts from zero until its first sync. When the
// database cannot be reached the instance keeps counting alone (and retries the sync).
// Rare actions where a few extra matter (consent grants) count with `incrNow` instead: one round
// trip, exact over all instances.
// The statements go straight through the driver (Database.query), not through Prisma's raw query:
// the sync runs four times a second while requests are counted, and through Prisma's query
// interpreter it showed in the profile of a single request (Prisma and its WebAssembly 1.6 % of
// the gateway's CPU on a path that otherwise only writes the logs through the driver).
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/database.js';

export const SYNC_MS = 250;
/** How often ended windows are deleted (by whichever instance gets there). */
const SWEEP_MS = 60_000;
/** Keys kept in memory; beyond this, the oldest fully synced ones make room. */
const MAX_KEYS = 100_000;

export interface Count {
  /** Requests in the current window, over all instances as far as this one knows, this one included. */
  current: number;
  /** Milliseconds until the window ends. */
  ttl: number;
}

export interface SharedCounters {
  /** Counts one request for `key` in the running window of `windowMs`. */
  incr(key: string, windowMs: number): Count;
  /**
   * Counts one for `key` in the database at once and answers the exact total over all instances:
   * a round trip, for limits on rare actions (consent grants) where a few extra would matter.
   */
  incrNow(key: string, windowMs: number): Promise<Count>;
  /** The count so far, without adding to it. */
  peek(key: string, windowMs: number): Count;
  /** Starts sharing: a sync every SYNC_MS. Until then (and after close) counts stay on this instance. */
  start(log: FastifyBaseLogger): void;
  /** Sends what was counted since the last sync. */
  sync(): Promise<void>;
  /** Stops the syncs after a last one. */
  close(): Promise<void>;
}

interface Entry {
  key: string;
  windowStart: number;
  windowMs: number;
  /** The total over all instances at the last sync, this instance's synced counts included. */
  shared: number;
  /** Counted here, not yet sent. */
  pending: number;
  /** Sent, answer not yet back. */
  sending: number;
}

// All rows in one JSON parameter: one statement however many keys changed.
const UPSERT = `INSERT INTO rate_limit_counter (key, window_start, expires_at, count)
  SELECT k, to_timestamp(w / 1000.0), to_timestamp(e / 1000.0), n
  FROM json_to_recordset($1::json) AS x(k text, w bigint, e bigint, n int)
  ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limit_counter.count + EXCLUDED.count
  RETURNING key AS k, (extract(epoch FROM window_start) * 1000)::float8 AS w, count AS n`;
const SWEEP = 'DELETE FROM rate_limit_counter WHERE expires_at < now()';

export function createSharedCounters(db: Database): SharedCounters {
  let log: FastifyBaseLogger | undefined;
  let timer: NodeJS.Timeout | undefined;
  const entries = new Map<string, Entry>();
  let running: Promise<void> | undefined;
  let lastSweep = Date.now();
  let failing = false;

  const id = (key: string, windowStart: number) => `${windowStart}\u0000${key}`;
  const windowOf = (windowMs: number, now: number) => now - (now % windowMs);

  function entry(key: string, windowMs: number, now: number, create: boolean): Entry | undefined {
    const windowStart = windowOf(windowMs, now);
    const name = id(key, windowStart);
    let e = entries.get(name);
    if (!e && create) {
      if (entries.size >= MAX_KEYS) evict();
      e = { key, windowStart, windowMs, shared: 0, pending: 0, sending: 0 };
      entries.set(name, e);
    }
    return e;
  }

  /** Oldest first; a key that comes back later starts from what its next sync answers. */
  function evict() {
    for (const [name, e] of entries) {
      if (entries.size < MAX_KEYS * 0.9) return;
      if (e.pending === 0 && e.sending === 0) entries.delete(name);
    }
  }

  const count = (e: Entry | undefined, windowMs: number, now: number): Count => ({
    current: e ? e.shared + e.pending + e.sending : 0,
    ttl: (e?.windowStart ?? windowOf(windowMs, now)) + windowMs - now,
  });

  async function send() {
    const now = Date.now();
    const batch: Entry[] = [];
    for (const [name, e] of entries) {
      if (e.pending > 0) {
        e.sending = e.pending;
        e.pending = 0;
        batch.push(e);
      } else if (e.sending === 0 && e.windowStart + e.windowMs <= now) {
        entries.delete(name);
      }
    }
    if (batch.length > 0) {
      const rows = batch.map((e) => ({ k: e.key, w: e.windowStart, e: e.windowStart + e.windowMs, n: e.sending }));
      try {
        const totals = await db.query<{ k: string; w: number; n: number }>(UPSERT, [JSON.stringify(rows)], 'kp_rate_limit_upsert');
        for (const t of totals) {
          const e = entries.get(id(t.k, Number(t.w)));
          if (e) e.shared = Number(t.n);
        }
        for (const e of batch) e.sending = 0;
        if (failing) log?.info('rate-limit counts are shared again');
        failing = false;
      } catch (err) {
        // Still counted here; sent again with the next sync.
        for (const e of batch) {
          e.pending += e.sending;
          e.sending = 0;
        }
        if (!failing) log?.warn({ err }, 'rate-limit counts could not be shared; counting on this instance alone');
        failing = true;
      }
    }
    if (now - lastSweep >= SWEEP_MS) {
      lastSweep = now;
      await db.query(SWEEP, []).catch(() => {});
    }
  }

  function sync(): Promise<void> {
    running ??= send().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    incr(key, windowMs) {
      const now = Date.now();
      const e = entry(key, windowMs, now, true)!;
      e.pending++;
      return count(e, windowMs, now);
    },
    async incrNow(key, windowMs) {
      const now = Date.now();
      const windowStart = windowOf(windowMs, now);
      const row = { k: key, w: windowStart, e: windowStart + windowMs, n: 1 };
      const [total] = await db.query<{ n: number }>(UPSERT, [JSON.stringify([row])], 'kp_rate_limit_upsert');
      return { current: Number(total!.n), ttl: windowStart + windowMs - now };
    },
    peek(key, windowMs) {
      const now = Date.now();
      return count(entry(key, windowMs, now, false), windowMs, now);
    },
    start(logger) {
      log = logger;
      timer ??= setInterval(() => void sync(), SYNC_MS);
      timer.unref();
    },
    sync,
    async close() {
      if (!timer) return;
      clearInterval(timer);
      timer = undefined;
      await running;
      await sync();
    },
  };
}
