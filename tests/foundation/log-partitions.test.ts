// The processing log and the decision log, partitioned by month (migration
// 20261204083000_logboeken_per_maand, gateway/logs/partitions.ts): months ahead exist after a
// start, rows land in their month, retention drops whole old months and keeps young ones, every
// partition is append-only (also those made later), decisions are still stored once, and the
// migration keeps the rows that were there before it.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../gateway/db/migrations.js';
import { createDecisionLog } from '../../gateway/logs/decision-log.js';
import {
  MONTHS_AHEAD,
  dropExpiredPartitions,
  ensureMonthPartitions,
  listMonthPartitions,
  type UpkeepLog,
} from '../../gateway/logs/partitions.js';
import { createProcessingLog } from '../../gateway/logs/processing-log.js';
import { createSubjectCrypto } from '../../gateway/logs/subject-id.js';
import { newSpanId, newTraceId } from '../../gateway/logs/trace.js';
import type { Database } from '../../gateway/db/database.js';
import { startTestApp } from '../support/app.js';
import { createTestDatabase, migrateUpTo, type TestDatabase } from '../support/database.js';

const MIGRATION = '20261204083000_logboeken_per_maand';
const label = (d: Date) => `${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
const monthStart = (d: Date, plus = 0) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + plus, 1));

function recordingLog(): UpkeepLog & { lines: { level: string; obj: any; msg: string }[] } {
  const lines: { level: string; obj: any; msg: string }[] = [];
  return { lines, info: (obj, msg) => lines.push({ level: 'info', obj, msg }), warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }) };
}

const crypto = createSubjectCrypto(randomBytes(32));
const caller = { role: 'klantmanager' as const, subject: 'km-test', name: 'km-test', oin: '00000001234567890000' };

/** One processing-log row as the gateway writes it, at `at`; returns its span id. */
async function writeProcessing(db: Database, at: Date): Promise<string> {
  const log = createProcessingLog(db, crypto);
  await log.record({ traceId: newTraceId(), spanId: newSpanId() }, [
    { name: 'klantbeeld bekeken', activity: 'klantbeeld', operation: 'read', subjectBsn: '123456782', caller: caller as never, partners: ['uwv'], fields: ['naam'], startTime: at, endTime: at },
  ]);
  const [row] = await db.prisma.$queryRawUnsafe<{ span_id: string }[]>('SELECT span_id FROM verwerking WHERE start_time = $1 ORDER BY id DESC LIMIT 1', at);
  return row!.span_id;
}

/** A processing-log row as the gateway wrote it before the migration; returns its span id. */
async function writeProcessingBefore(db: Database, at: Date): Promise<string> {
  const spanId = newSpanId();
  await db.query(
    `INSERT INTO verwerking (trace_id, span_id, name, start_time, end_time, status_code, processing_activity_id, subject_encrypted,
        subject_key, actor_oin, actor_subject, actor_role, operation, partners, fields)
     VALUES ($1, $2, 'klantbeeld bekeken', $3, $3, 'OK', 'klantbeeld', $4, $5, $6, 'km-test', 'klantmanager', 'read', '{uwv}', '{naam}')`,
    [newTraceId(), spanId, at, crypto.encrypt('123456782'), crypto.key('123456782'), caller.oin],
  );
  return spanId;
}

async function writeDecision(db: Database, at: Date, spanId = newSpanId(), traceId = newTraceId()) {
  await createDecisionLog(db).record({ traceId, spanId: newSpanId() }, {
    decision: 'deny', reason: 'test', action: 'klantbeeld:lezen', resource: 'graph', policyId: 'p', policyVersion: '1', information: {}, spanId, at,
  });
  return { traceId, spanId };
}

async function partitionOf(db: Database, table: 'verwerking' | 'besluit', spanId: string): Promise<string | undefined> {
  const [row] = await db.prisma.$queryRawUnsafe<{ p: string }[]>(`SELECT tableoid::regclass::text AS p FROM ${table} WHERE span_id = $1`, spanId);
  return row?.p;
}

const count = async (db: Database, sql: string, ...params: unknown[]) =>
  (await db.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${sql}`, ...params))[0]!.n;

describe('log partitions', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  }, 120_000);
  afterAll(async () => {
    await t?.drop();
  });

  it('a month made by the upkeep takes its rows, not the default partition', async () => {
    const log = recordingLog();
    const future = new Date('2031-05-20T12:00:00Z');
    const made = await ensureMonthPartitions(t.db, log, future);
    expect(made).toEqual(expect.arrayContaining(['verwerking_2031_05', 'verwerking_2031_08', 'besluit_2031_05', 'besluit_2031_08']));
    expect(log.lines).toEqual([]);
    // Twice is the same as once.
    expect(await ensureMonthPartitions(t.db, log, future)).toEqual(made);

    const at = new Date('2031-06-30T23:59:59.999Z');
    expect(await partitionOf(t.db, 'verwerking', await writeProcessing(t.db, at))).toBe('verwerking_2031_06');
    expect(await partitionOf(t.db, 'besluit', (await writeDecision(t.db, at)).spanId)).toBe('besluit_2031_06');
    // A time no month was made for still goes in: a log write is fail-closed and must not refuse.
    const far = new Date('2044-02-02T00:00:00Z');
    expect(await partitionOf(t.db, 'verwerking', await writeProcessing(t.db, far))).toBe('verwerking_default');
  });

  it('every partition is append-only, also one made after the migration', async () => {
    const at = new Date('2031-07-01T00:00:00Z');
    await ensureMonthPartitions(t.db, recordingLog(), at);
    const span = await writeProcessing(t.db, at);
    const decision = await writeDecision(t.db, at);
    for (const [table, col, id] of [['verwerking_2031_07', 'span_id', span], ['besluit_2031_07', 'span_id', decision.spanId], ['verwerking', 'span_id', span], ['besluit', 'span_id', decision.spanId]] as const) {
      await expect(t.db.prisma.$executeRawUnsafe(`UPDATE ${table} SET actor_role = 'x' WHERE ${col} = $1`, id)).rejects.toThrow(/append-only: UPDATE refused/);
      await expect(t.db.prisma.$executeRawUnsafe(`DELETE FROM ${table} WHERE ${col} = $1`, id)).rejects.toThrow(/append-only: DELETE refused/);
    }
    const far = await writeProcessing(t.db, new Date('2045-01-01T00:00:00Z'));
    await expect(t.db.prisma.$executeRawUnsafe('DELETE FROM verwerking_default WHERE span_id = $1', far)).rejects.toThrow(/append-only/);
    // Nothing changed.
    expect(await count(t.db, `verwerking WHERE span_id = $1 AND actor_role = 'klantmanager'`, span)).toBe(1);
    expect(await count(t.db, `besluit WHERE span_id = $1 AND actor_role IS NULL`, decision.spanId)).toBe(1);
    expect(await count(t.db, 'verwerking WHERE span_id = $1', far)).toBe(1);
  });

  it('a retried decision is stored once, also when both tries share one write', async () => {
    const at = new Date();
    const first = await writeDecision(t.db, at);
    await writeDecision(t.db, at, first.spanId, first.traceId);
    expect(await count(t.db, 'besluit WHERE trace_id = $1', first.traceId)).toBe(1);

    const traceId = newTraceId();
    const spanId = newSpanId();
    const log = createDecisionLog(t.db);
    const d = { decision: 'permit' as const, reason: 'ok', action: 'a', resource: 'r', policyId: 'p', policyVersion: '1', information: {}, spanId, at };
    await Promise.all([log.record({ traceId, spanId }, d), log.record({ traceId, spanId }, d), log.record({ traceId, spanId }, d)]);
    expect(await count(t.db, 'besluit WHERE trace_id = $1', traceId)).toBe(1);
  });

  it('retention drops whole months past the term and keeps the young ones', async () => {
    const log = recordingLog();
    await ensureMonthPartitions(t.db, log, new Date('2025-11-10T00:00:00Z'));
    const old = await writeProcessing(t.db, new Date('2025-11-30T23:00:00Z'));
    const oldDecision = await writeDecision(t.db, new Date('2025-11-02T08:00:00Z'));
    const young = await writeProcessing(t.db, new Date('2025-12-01T00:00:00Z'));
    const youngDecision = await writeDecision(t.db, new Date('2025-12-31T08:00:00Z'));
    expect(await partitionOf(t.db, 'verwerking', old)).toBe('verwerking_2025_11');

    // Twelve whole months before December 2026: November 2025 goes, December 2025 stays.
    const dropped = await dropExpiredPartitions(t.db, 12, log, new Date('2026-12-04T10:00:00Z'));
    expect(dropped.map((p) => p.name).sort()).toEqual(['besluit_2025_11', 'verwerking_2025_11']);
    expect(log.lines.filter((l) => l.msg.includes('dropped')).map((l) => l.obj.partition).sort()).toEqual(['besluit_2025_11', 'verwerking_2025_11']);
    expect(await partitionOf(t.db, 'verwerking', old)).toBeUndefined();
    expect(await partitionOf(t.db, 'besluit', oldDecision.spanId)).toBeUndefined();
    expect(await partitionOf(t.db, 'verwerking', young)).toBe('verwerking_2025_12');
    expect(await partitionOf(t.db, 'besluit', youngDecision.spanId)).toBe('besluit_2025_12');
    const names = (await listMonthPartitions(t.db)).map((p) => p.name);
    expect(names).not.toContain('verwerking_2025_11');
    expect(names).toContain('verwerking_2025_12');
    // Nothing left to drop: a second run drops nothing.
    expect(await dropExpiredPartitions(t.db, 12, log, new Date('2026-12-04T10:00:00Z'))).toEqual([]);
    // The logs' inserts are prepared once per connection (Database.query's name), before the drop:
    // they still write, to the months that are left.
    const after = await writeProcessing(t.db, new Date('2025-12-02T00:00:00Z'));
    expect(await partitionOf(t.db, 'verwerking', after)).toBe('verwerking_2025_12');
    const afterDecision = await writeDecision(t.db, new Date('2025-12-30T08:00:00Z'));
    expect(await partitionOf(t.db, 'besluit', afterDecision.spanId)).toBe('besluit_2025_12');
  });
});

describe('log partitions at gateway start', () => {
  it('a started gateway has this month and the next ones, and drops months past LOG_RETENTION_MONTHS', { timeout: 240_000 }, async () => {
    const database = await createTestDatabase();
    try {
      const now = new Date();
      const next = monthStart(now, 1);
      // A month ahead that went missing, and an old month with rows in it.
      await database.db.prisma.$executeRawUnsafe(`DROP TABLE verwerking_${label(next)}`);
      await database.db.prisma.$executeRawUnsafe(`DROP TABLE besluit_${label(next)}`);
      await ensureMonthPartitions(database.db, recordingLog(), new Date('2019-03-15T00:00:00Z'));
      const old = await writeProcessing(database.db, new Date('2019-03-16T00:00:00Z'));
      expect(await partitionOf(database.db, 'verwerking', old)).toBe('verwerking_2019_03');

      const app = await startTestApp({ database, demo: false, env: { LOG_RETENTION_MONTHS: '24' } });
      try {
        const names = (await listMonthPartitions(app.db)).map((p) => p.name);
        for (let i = 0; i <= MONTHS_AHEAD; i++) {
          expect(names).toContain(`verwerking_${label(monthStart(now, i))}`);
          expect(names).toContain(`besluit_${label(monthStart(now, i))}`);
        }
        expect(names.filter((n) => n.includes('_2019_'))).toEqual([]);
        expect(await partitionOf(app.db, 'verwerking', old)).toBeUndefined();
        // A row for next month goes into next month's partition.
        const span = await writeProcessing(app.db, new Date(next.getTime() + 3600_000));
        expect(await partitionOf(app.db, 'verwerking', span)).toBe(`verwerking_${label(next)}`);
      } finally {
        await app.close();
      }
    } finally {
      await database.drop();
    }
  });
});

describe('the migration to monthly partitions', () => {
  it('keeps the rows that were there, in their months, with their ids', { timeout: 240_000 }, async () => {
    const database = await createTestDatabase({ migrate: false });
    const db = database.db;
    try {
      await migrateUpTo(db, MIGRATION);
      const oldAt = new Date('2025-03-10T10:00:00Z');
      const recent = new Date();
      // Written as the gateway wrote them before the migration (decisions took the database's time).
      const oldSpan = await writeProcessingBefore(db, oldAt);
      const recentSpan = await writeProcessingBefore(db, recent);
      await db.query(
        `INSERT INTO besluit (trace_id, span_id, at, decision, reason, action, resource, policy_id, policy_version, information)
         VALUES ($1, $2, $3, 'deny', 'test', 'a', 'r', 'p', '1', '{}')`,
        [newTraceId(), 'aaaaaaaaaaaaaaaa', oldAt],
      );
      const ids = await db.prisma.$queryRawUnsafe<{ id: bigint; span_id: string }[]>('SELECT id, span_id FROM verwerking ORDER BY id');

      expect(await applyMigrations(db)).toContain(MIGRATION);

      expect(await partitionOf(db, 'verwerking', oldSpan)).toBe('verwerking_2025_03');
      expect(await partitionOf(db, 'verwerking', recentSpan)).toBe(`verwerking_${label(recent)}`);
      expect(await partitionOf(db, 'besluit', 'aaaaaaaaaaaaaaaa')).toBe('besluit_2025_03');
      // Every month from the oldest row on, and the months ahead.
      const names = (await listMonthPartitions(db)).map((p) => p.name);
      expect(names).toContain('verwerking_2025_04');
      expect(names).toContain(`besluit_${label(monthStart(recent, MONTHS_AHEAD))}`);
      expect(await db.prisma.$queryRawUnsafe('SELECT id, span_id FROM verwerking ORDER BY id')).toEqual(ids);
      // The id sequence goes on after the copied rows.
      const after = await writeProcessing(db, new Date());
      const [row] = await db.prisma.$queryRawUnsafe<{ id: bigint }[]>('SELECT id FROM verwerking WHERE span_id = $1', after);
      expect(row!.id).toBeGreaterThan(ids.at(-1)!.id);
      // The trigger came along.
      await expect(db.prisma.$executeRawUnsafe('DELETE FROM verwerking_2025_03')).rejects.toThrow(/append-only/);
    } finally {
      await database.drop();
    }
  });
});
