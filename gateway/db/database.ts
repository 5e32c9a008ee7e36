// One factory for the chain's database: a PostgreSQL server when a URL is given, otherwise PGlite
// (PostgreSQL in WASM, in-process) in a local folder. Both speak to the same Prisma client and the
// same migrations, and both offer LISTEN/NOTIFY for cross-instance signals such as revocation.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaClient } from './generated/client.js';
import { createSupervisedListener, type ListenerHealth, type Notification } from './listener.js';
import { durableStartParams, flushTree, pgliteFsync } from './pglite-fsync.js';
import { preparedQueries } from './pglite-prepared.js';
import { startPgliteCheckpoints, type PgliteCheckpointOptions } from './pglite-checkpoints.js';
import { lockDataDir } from './pglite-lock.js';
import { addPoolSource } from '../../lib/metrics.js';

export type Db = PrismaClient;

/** Queries inside a driver-level transaction (Database.transaction). */
export interface SqlClient {
  query<R = Record<string, unknown>>(text: string, params?: unknown[], name?: string): Promise<R[]>;
}
export type { Notification } from './listener.js';

export interface Database {
  readonly kind: 'postgres' | 'pglite';
  readonly prisma: PrismaClient;
  readonly adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** Runs `fn` while holding a database-wide advisory lock (serialises migrations across instances). */
  withLock<T>(key: number, fn: () => Promise<T>): Promise<T>;
  /**
   * One SQL statement straight through the driver, returning its rows. Only for the hot paths:
   * - the append-only logs' batched inserts (gateway/logs): Prisma's raw-query path serialises
   *   every parameter array through its query interpreter, which for a 300-client caseload page
   *   cost ~4 ms of CPU and, with 20 such pages at once, ~300 MB of peak memory, against ~0.8 ms
   *   here (bench/compare.ts, caseload300);
   * - the rate-limit counters' sync, four times a second (gateway/limits/counters.ts);
   * - the reads on the report upload's path (the consent ledger, gateway/consent/ledger.ts):
   *   through Prisma's raw query that one small read cost 11 % of the gateway's CPU at 430
   *   uploads/s.
   * Everything else goes through Prisma.
   *
   * `name` (one per SQL text) makes the statement a prepared one on PostgreSQL: parsed and planned
   * once per connection instead of on every call. An insert of one processing row took 0.41–0.50 ms
   * unnamed against 0.29–0.34 ms named (p50 of 2,000 in a row on one connection), the difference
   * being PostgreSQL's parse and plan of the partitioned insert. On PGlite the statement is
   * prepared once with PREPARE and run with EXECUTE (pglite-prepared.ts).
   */
  query<R = Record<string, unknown>>(sql: string, params: unknown[], name?: string): Promise<R[]>;
  /**
   * A transaction straight through the driver, for the report upload's two statements (lock and
   * read, then write): through Prisma's interactive transaction the same work took eight
   * statements and a third of the gateway's CPU at 300 uploads/s (bench/compare.ts --query upload).
   * Rolled back when `fn` throws. Inside, never wait for another query of this database: PGlite
   * has one connection, held by the transaction until it ends.
   */
  transaction<T>(fn: (sql: SqlClient) => Promise<T>): Promise<T>;
  /** Never throws: on PostgreSQL a listener that cannot connect now keeps trying (db/listener.ts). */
  listen(channel: string, onMessage: Notification): Promise<() => Promise<void>>;
  /** The LISTEN connection's state, drops and returns (PGlite: in-process, always up). */
  readonly listener: ListenerHealth;
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres:// URL; when absent, PGlite is used. */
  url?: string;
  /** PostgreSQL schema to use (tests give each app its own); default `public`. */
  schema?: string;
  /** PGlite data folder; `memory://` keeps nothing. */
  dataDir: string;
  /** PGlite's shared_buffers in MB (PGLITE_SHARED_BUFFERS_MB); PGlite's own default (160 MB) when absent. */
  pgliteSharedBuffersMb?: number;
  /** When PGlite is checkpointed (pglite-checkpoints.ts); tests make it eager. */
  pgliteCheckpoints?: PgliteCheckpointOptions;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options.schema) : openPglite(options.dataDir, options.pgliteSharedBuffersMb, options.pgliteCheckpoints);
}

function withSearchPath(url: string, schema: string | undefined): string {
  if (!schema) return url;
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

async function openPostgres(url: string, schema: string | undefined): Promise<Database> {
  const connectionString = withSearchPath(url, schema);
  const pool = new pg.Pool({ connectionString, max: 10 });
  // A lost connection must not crash the process; the query using it reports it. The pool only
  // listens for errors on idle clients: a client checked out (inside a transaction, between two
  // statements) whose connection drops emits 'error' with nobody listening, which Node turns into
  // an exit. Found by bench/soak.ts: the gateway died in a database outage. Every client gets a
  // listener of its own from the moment it connects.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const unobserve = addPoolSource(() => ({ name: 'postgres', total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }));
  const adapterFactory = new PrismaPg(pool, schema ? { schema } : undefined);
  const prisma = new PrismaClient({ adapter: adapterFactory });
  const listener = createSupervisedListener(connectionString);

  return {
    kind: 'postgres',
    prisma,
    adapterFactory,
    async withLock(key, fn) {
      const client = new pg.Client({ connectionString });
      client.on('error', () => {});
      await client.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [key]);
        return await fn();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => {});
        await client.end().catch(() => {});
      }
    },
    async query(sql, params, name) {
      return (await pool.query(statement(sql, params, name))).rows;
    },
    async transaction(fn) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn({ query: async (text, params, name) => (await client.query(statement(text, params, name))).rows });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => (broken = true));
        throw err;
      } finally {
        // A connection whose rollback failed is in an unknown state: not given back to the pool.
        client.release(broken);
      }
    },
    listen: (channel, onMessage) => listener.listen(channel, onMessage),
    listener,
    async notify(channel, payload) {
      await pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      await prisma.$disconnect().catch(() => {});
      await listener.close();
      unobserve();
      await pool.end().catch(() => {});
    },
  };
}

/** pg's query config: with a name, prepared once per connection. */
function statement(text: string, values: unknown[] | undefined, name: string | undefined): pg.QueryConfig {
  return name ? { name, text, values } : { text, values };
}

async function openPglite(dataDir: string, sharedBuffersMb: number | undefined, checkpoints: PgliteCheckpointOptions | undefined): Promise<Database> {
  let unlock = async () => {};
  if (!dataDir.startsWith('memory://')) {
    await mkdir(dataDir, { recursive: true });
    unlock = await lockDataDir(dataDir);
  }
  // Loaded only when used: PGlite's module alone costs ~45 MB, wasted on a PostgreSQL server.
  const [{ PGlite }, { PrismaPGlite }] = await Promise.all([import('@electric-sql/pglite'), import('pglite-prisma-adapter')]);
  // PostgreSQL clears its whole buffer pool at start-up, and in WASM every page it writes stays
  // resident: PGlite's default 160 MB pool was ~135 MB of the gateway's idle RSS, whatever the
  // size of the data. Beyond the pool the files are still read through the OS page cache.
  const startParams = durableStartParams(PGlite.defaultStartParams);
  if (sharedBuffersMb) startParams.push('-c', `shared_buffers=${sharedBuffersMb}MB`);
  const onDisk = !dataDir.startsWith('memory://');
  const fresh = onDisk && !existsSync(join(dataDir, 'PG_VERSION'));
  const client = await PGlite.create(dataDir, { startParams, extensions: { kpFsync: pgliteFsync } }).catch(async (err) => {
    await unlock();
    throw err;
  });
  // A new folder's catalog, written by PGlite's initdb without a flush, goes to the disk now.
  if (fresh) {
    await flushTree(dataDir).catch(async (err) => {
      await client.close().catch(() => {});
      await unlock();
      throw err;
    });
  }
  // Named statements prepared once (pglite-prepared.ts); their values go in as quoted literals,
  // which is safe only with standard_conforming_strings on (PostgreSQL's default).
  const conforming = (await client.query<{ standard_conforming_strings: string }>('SHOW standard_conforming_strings')).rows[0]?.standard_conforming_strings === 'on';
  const query = conforming ? preparedQueries(client) : async (sql: string, params: unknown[]) => (await client.query(sql, params)).rows;
  const adapterFactory = new PrismaPGlite(client);
  const unobserve = addPoolSource(() => ({ name: 'pglite', total: 1 }));
  const stopCheckpoints = startPgliteCheckpoints(client, checkpoints);
  const prisma = new PrismaClient({ adapter: adapterFactory });
  return {
    kind: 'pglite',
    prisma,
    adapterFactory,
    // PGlite is one process with one connection: nothing to race against.
    withLock: (_key, fn) => fn(),
    query: (sql, params, name) => query(sql, params, name) as never,
    transaction: (fn) => client.transaction((tx) => fn({ query: async (text, params) => (await tx.query(text, params)).rows as never })),
    listen: (channel, onMessage) => client.listen(channel, onMessage),
    listener: inProcessListener(),
    async notify(channel, payload) {
      await client.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      stopCheckpoints();
      await prisma.$disconnect().catch(() => {});
      unobserve();
      await client.close().catch(() => {});
      await unlock();
    },
  };
}

/** PGlite's notifications never leave the process: its listener cannot drop. */
function inProcessListener(): ListenerHealth {
  const since = Date.now();
  return { status: () => ({ state: 'up', since, restored: 0, applicationName: 'pglite' }), watch: () => () => {} };
}
