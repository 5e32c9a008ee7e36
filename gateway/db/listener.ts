// The one LISTEN connection of a gateway instance on PostgreSQL, supervised. Revocations, the
// consent cache's heartbeats and "a report arrived" all ride on it, so a connection that dropped
// (server restart, failover, pg_terminate_backend, a network cut) must come back by itself:
//  - a dropped connection ('error' or 'end', or a ping that gets no answer) is re-opened with
//    exponential backoff and jitter, and every channel is LISTENed again;
//  - notifications sent while it was down are lost for good (PostgreSQL keeps none for a session
//    that is not there), so whoever keeps state built from them is told `restored` and must drop
//    or re-read that state (gateway/consent/cache.ts, gateway/rapportage/subscription.ts);
//  - its state is visible: /ready is not ready while it is down (gateway/health.ts).
// The connection carries an application_name with an instance id, so an operator (and the tests)
// can tell it apart from the pool's connections in pg_stat_activity.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export type Notification = (payload: string) => void;

export type ListenerEvent = { type: 'down'; reason: string } | { type: 'restored'; downForMs: number };

export interface ListenerStatus {
  /** `idle`: nothing listened to yet; `down`: re-opening with backoff. */
  state: 'idle' | 'up' | 'down';
  /** When it entered this state (epoch ms). */
  since: number;
  /** How often it has been re-opened after a drop. */
  restored: number;
  /** Its application_name in pg_stat_activity. */
  applicationName: string;
  /** Why it went down last (an error message, never a payload). */
  lastError?: string;
}

/** What the rest of the gateway sees of the listener: its state, and its drops and returns. */
export interface ListenerHealth {
  status(): ListenerStatus;
  /** `fn` hears every drop and every return; returns the function that stops it. */
  watch(fn: (event: ListenerEvent) => void): () => void;
}

export interface SupervisedListener extends ListenerHealth {
  listen(channel: string, onMessage: Notification): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export const LISTENER_APPLICATION_NAME = 'ketenpoort-listener';
const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 5_000;
/** A half-open TCP connection sends no 'end': a ping finds it. */
const PING_EVERY_MS = 10_000;
const PING_TIMEOUT_MS = 5_000;

export function createSupervisedListener(connectionString: string): SupervisedListener {
  const applicationName = `${LISTENER_APPLICATION_NAME} ${randomBytes(4).toString('hex')}`;
  const handlers = new Map<string, Set<Notification>>();
  const watchers = new Set<(event: ListenerEvent) => void>();
  let client: pg.Client | undefined;
  let starting: Promise<void> | undefined;
  let state: ListenerStatus['state'] = 'idle';
  let since = Date.now();
  let restored = 0;
  let lastError: string | undefined;
  let attempt = 0;
  let retry: NodeJS.Timeout | undefined;
  let ping: NodeJS.Timeout | undefined;
  let closed = false;

  const emit = (event: ListenerEvent) => {
    for (const w of [...watchers]) {
      try {
        w(event);
      } catch {
        // One watcher's failure must not keep the others from hearing.
      }
    }
  };

  function dispatch(channel: string, payload: string) {
    for (const h of [...(handlers.get(channel) ?? [])]) {
      try {
        h(payload);
      } catch {
        // A handler's bug must not take the connection down.
      }
    }
  }

  /** Channels LISTENed on the current connection. */
  let listened = new Set<string>();
  // One statement at a time per connection (pg deprecates overlapping queries on one client).
  const queues = new WeakMap<pg.Client, Promise<unknown>>();
  function run(c: pg.Client, sql: string): Promise<unknown> {
    const next = (queues.get(c) ?? Promise.resolve()).catch(() => {}).then(() => c.query(sql));
    queues.set(c, next);
    return next;
  }

  async function listenAll(c: pg.Client, done: Set<string>) {
    // Channels added meanwhile are picked up by the next round.
    const pending = () => [...handlers.keys()].filter((ch) => !done.has(ch));
    for (let todo = pending(); todo.length; todo = pending()) {
      for (const channel of todo) {
        await run(c, `LISTEN ${pg.escapeIdentifier(channel)}`);
        done.add(channel);
      }
    }
  }

  async function open(): Promise<{ c: pg.Client; done: Set<string> }> {
    const c = new pg.Client({ connectionString, application_name: applicationName, keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
    // Until `c` is the current client these are ignored (lost() checks), so a failed connect is
    // handled once, by whoever awaited it.
    c.on('error', (err) => lost(c, err.message));
    c.on('end', () => lost(c, 'connection ended'));
    c.on('notification', (msg) => dispatch(msg.channel, msg.payload ?? ''));
    try {
      await c.connect();
      const done = new Set<string>();
      await listenAll(c, done);
      return { c, done };
    } catch (err) {
      await c.end().catch(() => {});
      throw err;
    }
  }

  function up({ c, done }: { c: pg.Client; done: Set<string> }) {
    const wasDown = state === 'down';
    const downFor = Date.now() - since;
    client = c;
    listened = done;
    // A channel added between the last LISTEN and now; a failure here means the connection is
    // going down, and its return LISTENs everything.
    listenAll(c, done).catch(() => {});
    attempt = 0;
    state = 'up';
    since = Date.now();
    if (wasDown) {
      restored++;
      emit({ type: 'restored', downForMs: downFor });
    }
  }

  function lost(c: pg.Client, reason: string) {
    if (c !== client || closed) return;
    client = undefined;
    c.end().catch(() => {});
    state = 'down';
    since = Date.now();
    lastError = reason;
    emit({ type: 'down', reason });
    scheduleReconnect();
  }

  function scheduleReconnect() {
    if (closed || retry) return;
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt);
    attempt++;
    // Jitter, so the instances of a cluster do not all knock at once when the server returns.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    retry = setTimeout(async () => {
      try {
        const opened = await open();
        retry = undefined;
        if (closed) return void (await opened.c.end().catch(() => {}));
        up(opened);
      } catch (err) {
        retry = undefined;
        lastError = (err as Error).message;
        scheduleReconnect();
      }
    }, delay);
    retry.unref();
  }

  async function checkAlive() {
    const c = client;
    if (!c) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('ping timed out')), PING_TIMEOUT_MS);
    });
    try {
      await Promise.race([run(c, 'SELECT 1'), timeout]);
    } catch (err) {
      lost(c, (err as Error).message);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The first connection: when it cannot be made now, the listener is down and keeps trying. */
  function start(): Promise<void> {
    starting ??= (async () => {
      try {
        const opened = await open();
        if (closed) return void (await opened.c.end().catch(() => {}));
        up(opened);
      } catch (err) {
        if (closed) return;
        state = 'down';
        since = Date.now();
        lastError = (err as Error).message;
        scheduleReconnect();
      }
      ping = setInterval(() => void checkAlive(), PING_EVERY_MS);
      ping.unref();
    })();
    return starting;
  }

  return {
    async listen(channel, onMessage) {
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
      }
      set.add(onMessage);
      await start();
      const c = client;
      if (c && !listened.has(channel)) {
        // If this fails the connection is going down; its return LISTENs every channel.
        await run(c, `LISTEN ${pg.escapeIdentifier(channel)}`).then(() => listened.add(channel), () => {});
      }
      return async () => {
        set.delete(onMessage);
      };
    },
    status: () => ({ state, since, restored, applicationName, ...(lastError ? { lastError } : {}) }),
    watch(fn) {
      watchers.add(fn);
      return () => watchers.delete(fn);
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      await starting; // a first connection being made is closed too
      clearInterval(ping);
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
    },
  };
}
