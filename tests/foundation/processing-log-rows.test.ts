// The processing log sends entries that differ only in their subject as one group (what they share
// once, then span, subject and subject key per row: gateway/logs/processing-log.ts). Whatever the
// grouping, every entry must come back as its own row with its own values: a caseload page's
// entries each with their own span and subject, and an entry that differs in anything else never
// taking its neighbour's values.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessingLog, type Processing } from '../../gateway/logs/processing-log.js';
import { createSubjectCrypto, subjectKeyHex } from '../../gateway/logs/subject-id.js';
import { newSpanId, newTraceId } from '../../gateway/logs/trace.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const crypto = createSubjectCrypto(randomBytes(32));
const km = { role: 'klantmanager' as const, subject: 'km-rows', name: 'km-rows', oin: '00000001234567890000' };
const other = { role: 'klantmanager' as const, subject: 'km-other', name: 'km-other', oin: '00000001234567891111' };
const at = new Date('2026-12-05T10:00:00.000Z');
const later = new Date('2026-12-05T10:00:01.000Z');

/** Nine-digit numbers that pass the eleven test. */
const bsns = ['123456782', '111222333', '100000009', '100000010', '100000022', '100000034'];

describe('processing-log rows', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  }, 120_000);
  afterAll(async () => {
    await t?.drop();
  });

  it('each entry is its own row with its own values, however the entries group', async () => {
    const log = createProcessingLog(t.db, crypto);
    const base: Omit<Processing, 'subjectBsn'> = {
      name: 'caseload bekeken', activity: 'caseload', operation: 'read', caller: km as never,
      partners: ['uwv', 'gemeente'], fields: ['naam', 'bijstand'], startTime: at, endTime: at,
    };
    const entries: Processing[] = [
      { ...base, subjectBsn: bsns[0]! },
      { ...base, subjectBsn: bsns[1]! },
      // Each differs from its neighbours in one value; equal lists in other arrays still group.
      { ...base, subjectBsn: bsns[2]!, fields: ['naam'] },
      { ...base, subjectBsn: bsns[3]!, partners: ['uwv', 'gemeente'] },
      { ...base, subjectBsn: bsns[4]!, caller: other as never, status: 'ERROR', endTime: later },
      { ...base, subjectBsn: bsns[5]!, name: 'klantbeeld bekeken', activity: 'klantbeeld' },
    ];
    const trace = { traceId: newTraceId(), spanId: newSpanId() };
    await log.record(trace, entries);

    const rows = await t.db.prisma.verwerking.findMany({ where: { traceId: trace.traceId } });
    expect(rows).toHaveLength(entries.length);
    expect(new Set(rows.map((r) => r.spanId)).size).toBe(entries.length);
    for (const [i, e] of entries.entries()) {
      const row = rows.find((r) => subjectKeyHex(r.subjectKey) === crypto.key(e.subjectBsn));
      expect(row, `entry ${i}`).toBeDefined();
      expect(crypto.decrypt(row!.subjectEncrypted)).toBe(e.subjectBsn);
      expect({
        name: row!.name, operation: row!.operation, actorOin: row!.actorOin.trim(), actorSubject: row!.actorSubject,
        partners: row!.partners, fields: row!.fields, start: row!.startTime.toISOString(), end: row!.endTime.toISOString(), status: row!.statusCode,
        parent: row!.parentSpanId,
      }, `entry ${i}`).toEqual({
        name: e.name, operation: e.operation, actorOin: (e.caller as { oin: string }).oin, actorSubject: e.caller.subject,
        partners: [...e.partners].sort(), fields: [...e.fields].sort(), start: e.startTime.toISOString(), end: e.endTime!.toISOString(), status: e.status ?? 'OK',
        parent: trace.spanId,
      });
    }
  });

  it('a caseload page of 300 is 300 rows in one statement, each with its own span', async () => {
    const log = createProcessingLog(t.db, crypto);
    const trace = { traceId: newTraceId(), spanId: newSpanId() };
    const subjects = Array.from({ length: 300 }, (_, i) => String(200_000_000 + i));
    const partners = ['gemeente', 'uwv'];
    await log.record(trace, subjects.map((subjectBsn) => ({
      name: 'caseload bekeken', activity: 'caseload' as const, operation: 'read' as const, subjectBsn, caller: km as never, partners, fields: ['naam'], startTime: at,
    })));
    const rows = await t.db.prisma.verwerking.findMany({ where: { traceId: trace.traceId } });
    expect(rows).toHaveLength(300);
    expect(new Set(rows.map((r) => r.spanId)).size).toBe(300);
    expect(new Set(rows.map((r) => crypto.decrypt(r.subjectEncrypted)))).toEqual(new Set(subjects));
  });
});
