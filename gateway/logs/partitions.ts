// Upkeep of the two logs' monthly partitions (migration 20261204083000_logboeken_per_maand).
//
// Ahead: this month's and the next MONTHS_AHEAD months' partitions exist before a row can need
// them, so the turn of a month never sends rows to the DEFAULT partition. Creating one is
// idempotent and serialised across gateways inside ketenpoort_log_partition() (an advisory lock),
// so every instance may run it at start and daily.
//
// Behind: with LOG_RETENTION_MONTHS set, a month's partition is detached and dropped once the
// whole month lies more than that many full months before the current one. The append-only
// trigger refuses DELETE on every row; dropping a whole month is the one deliberate way logs
// leave, and each drop is logged with the table, month and estimated row count.
import type { Database } from '../db/database.js';

export const PARTITIONED_LOGS = ['verwerking', 'besluit'] as const;
export type PartitionedLog = (typeof PARTITIONED_LOGS)[number];

/** Months created beyond the current one. Three: a gateway down for weeks still finds its month. */
export const MONTHS_AHEAD = 3;
const DAY_MS = 24 * 3600 * 1000;

/** The same key ketenpoort_log_partition() takes: creating and dropping never overlap. */
const PARTITION_LOCK_KEY = 1263551568;

export interface MonthPartition {
  log: PartitionedLog;
  name: string;
  /** First day of the month it holds, UTC. */
  month: Date;
}

export interface UpkeepLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

type Db = Pick<Database, 'prisma' | 'transaction'>;

const firstOfMonth = (d: Date, plusMonths = 0) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + plusMonths, 1));
const monthLabel = (d: Date) => d.toISOString().slice(0, 7);

/**
 * Makes sure both logs have a partition for the month of `now` and the MONTHS_AHEAD after it.
 * A month that cannot be created (the DEFAULT partition already holds rows of it) is reported
 * and skipped: its rows keep going to DEFAULT, which accepts them, so no write fails.
 */
export async function ensureMonthPartitions(db: Db, log: UpkeepLog, now = new Date()): Promise<string[]> {
  const ensured: string[] = [];
  for (const table of PARTITIONED_LOGS) {
    for (let i = 0; i <= MONTHS_AHEAD; i++) {
      const month = firstOfMonth(now, i);
      try {
        const [row] = await db.prisma.$queryRawUnsafe<{ name: string }[]>(
          'SELECT ketenpoort_log_partition($1, $2::date) AS name', table, month.toISOString().slice(0, 10),
        );
        ensured.push(row!.name);
      } catch (err) {
        log.warn({ table, month: monthLabel(month), reason: (err as Error).message }, 'log partition not created; its rows stay in the default partition');
      }
    }
  }
  return ensured;
}

/** The month partitions of both logs (not DEFAULT), oldest first. */
export async function listMonthPartitions(db: Db): Promise<MonthPartition[]> {
  const rows = await db.prisma.$queryRawUnsafe<{ parent: string; name: string }[]>(
    `SELECT p.relname AS parent, c.relname AS name
       FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent IN ('verwerking'::regclass, 'besluit'::regclass)`,
  );
  const out: MonthPartition[] = [];
  for (const r of rows) {
    const m = /^(verwerking|besluit)_(\d{4})_(\d{2})$/.exec(r.name);
    if (!m || m[1] !== r.parent) continue;
    out.push({ log: r.parent as PartitionedLog, name: r.name, month: new Date(Date.UTC(Number(m[2]), Number(m[3]) - 1, 1)) });
  }
  return out.sort((a, b) => a.month.getTime() - b.month.getTime() || a.name.localeCompare(b.name));
}

/** The first month that is kept: `months` full months before the month of `now`. */
export function retentionCutoff(months: number, now = new Date()): Date {
  return firstOfMonth(now, -months);
}

/**
 * Detaches and drops every month partition older than the cutoff. Returns what was dropped.
 * Each partition goes in its own transaction under the partition lock, with a short lock wait:
 * DETACH needs the parent to itself for a moment, and a gateway busy writing gets it back soon;
 * a partition not dropped now is dropped at the next upkeep.
 */
export async function dropExpiredPartitions(db: Db, months: number, log: UpkeepLog, now = new Date()): Promise<MonthPartition[]> {
  const cutoff = retentionCutoff(months, now);
  const expired = (await listMonthPartitions(db)).filter((p) => p.month < cutoff);
  const dropped: MonthPartition[] = [];
  for (const p of expired) {
    try {
      const rows = await db.transaction(async (sql) => {
        await sql.query("SET LOCAL lock_timeout = '5s'");
        await sql.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK_KEY]);
        // Another gateway may have dropped it while this one waited for the lock.
        const [still] = await sql.query<{ rows: string }>(
          `SELECT greatest(c.reltuples, 0)::bigint::text AS rows FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE c.relname = $1 AND i.inhparent = $2::regclass`,
          [p.name, p.log],
        );
        if (!still) return undefined;
        await sql.query(`ALTER TABLE "${p.log}" DETACH PARTITION "${p.name}"`);
        await sql.query(`DROP TABLE "${p.name}"`);
        return Number(still.rows);
      });
      if (rows === undefined) continue;
      dropped.push(p);
      log.info(
        { table: p.log, partition: p.name, month: monthLabel(p.month), estimatedRows: rows, retentionMonths: months },
        'log partition past its retention term dropped',
      );
    } catch (err) {
      log.warn({ partition: p.name, reason: (err as Error).message }, 'log partition past its retention term not dropped; retrying at the next upkeep');
    }
  }
  await reportOldRowsInDefault(db, cutoff, log);
  return dropped;
}

// Rows of months without a partition of their own sit in DEFAULT, which retention never drops
// (it holds rows of any age). They should not be there; an operator is told.
async function reportOldRowsInDefault(db: Db, cutoff: Date, log: UpkeepLog) {
  const [row] = await db.prisma.$queryRawUnsafe<{ verwerking: number; besluit: number }[]>(
    `SELECT (SELECT count(*) FROM verwerking_default WHERE start_time < $1)::int AS verwerking,
            (SELECT count(*) FROM besluit_default WHERE at < $1)::int AS besluit`,
    cutoff,
  );
  if (row && (row.verwerking > 0 || row.besluit > 0)) {
    log.warn({ ...row, before: cutoff.toISOString() }, 'log rows past their retention term in a default partition are not dropped automatically');
  }
}

export interface UpkeepOptions {
  /** LOG_RETENTION_MONTHS; undefined keeps every month. */
  retentionMonths?: number;
  intervalMs?: number;
}

/**
 * Runs the upkeep now (awaited: the gateway starts with its months in place) and then daily.
 * A failed run is logged and tried again at the next one; it never stops the gateway, as the
 * DEFAULT partition still takes every row.
 */
export async function startPartitionUpkeep(db: Db, log: UpkeepLog, options: UpkeepOptions = {}): Promise<() => Promise<void>> {
  let running: Promise<void> | undefined;
  const run = () =>
    (running ??= (async () => {
      try {
        await ensureMonthPartitions(db, log);
        if (options.retentionMonths !== undefined) await dropExpiredPartitions(db, options.retentionMonths, log);
      } catch (err) {
        log.warn({ reason: (err as Error).message }, 'log partition upkeep failed; retrying at the next run');
      } finally {
        running = undefined;
      }
    })());
  await run();
  const timer = setInterval(run, options.intervalMs ?? DAY_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
