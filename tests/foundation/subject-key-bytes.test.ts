// The processing log's subject key stored as its 32 bytes (migration
// 20261206060000_subject_key_bytes): rows written before the migration keep their key (the same
// bytes the hexadecimal spelled), so a client still finds their own log and the auditor still
// finds a client by klantKenmerk; a key that is not 32 bytes is refused by the table itself.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { applyMigrations } from '../../gateway/db/migrations.js';
import { createProcessingLog } from '../../gateway/logs/processing-log.js';
import { createSubjectCrypto, subjectKeyBytes, subjectKeyHex } from '../../gateway/logs/subject-id.js';
import { newSpanId, newTraceId } from '../../gateway/logs/trace.js';
import { createTestDatabase, migrateUpTo } from '../support/database.js';

const MIGRATION = '20261206060000_subject_key_bytes';
const crypto = createSubjectCrypto(randomBytes(32));
const BSN = '123456782';
const OIN = '00000001234567890000';

const insertSql = (key: string) => `INSERT INTO verwerking (trace_id, span_id, name, start_time, end_time, status_code, processing_activity_id,
    subject_encrypted, subject_key, actor_oin, actor_subject, actor_role, operation, partners, fields)
  VALUES ($1, $2, 'klantbeeld bekeken', now(), now(), 'OK', 'klantbeeld', $3, ${key}, $4, 'km-test', 'klantmanager', 'read', '{uwv}', '{naam}')`;

describe('the subject key as bytes', () => {
  it('keeps the key of the rows written before it, so the client and the auditor still find them', { timeout: 240_000 }, async () => {
    const database = await createTestDatabase({ migrate: false });
    const db = database.db;
    try {
      await migrateUpTo(db, MIGRATION);
      // As the gateway wrote it before: the key in hexadecimal in a char(64).
      const spanId = newSpanId();
      await db.query(insertSql('$5'), [newTraceId(), spanId, crypto.encrypt(BSN), OIN, crypto.key(BSN)]);

      expect(await applyMigrations(db)).toContain(MIGRATION);

      const [row] = await db.prisma.$queryRawUnsafe<{ type: string; bytes: number }[]>(
        `SELECT pg_typeof(subject_key)::text AS type, octet_length(subject_key) AS bytes FROM verwerking WHERE span_id = $1`, spanId);
      expect(row).toEqual({ type: 'bytea', bytes: 32 });
      // The client's own log (mijnVerwerkingen) finds the old row by the same BSN.
      const mine = await createProcessingLog(db, crypto).forSubject(BSN);
      expect(mine.map((r) => r.spanId)).toEqual([spanId]);
      // The auditor's klantKenmerk is still the hexadecimal the old rows showed.
      const found = await db.prisma.verwerking.findFirstOrThrow({ where: { subjectKey: subjectKeyBytes(crypto.key(BSN)) } });
      expect(subjectKeyHex(found.subjectKey)).toBe(crypto.key(BSN));
      // A new row lands beside it under the same key.
      await createProcessingLog(db, crypto).record({ traceId: newTraceId(), spanId: newSpanId() }, [
        { name: 'klantbeeld bekeken', activity: 'klantbeeld', operation: 'read', subjectBsn: BSN, caller: { role: 'klantmanager', subject: 'km-test', name: 'km-test', oin: OIN } as never, partners: ['uwv'], fields: ['naam'], startTime: new Date() },
      ]);
      expect(await createProcessingLog(db, crypto).forSubject(BSN)).toHaveLength(2);
    } finally {
      await database.drop();
    }
  });

  it('refuses a key that is not 32 bytes, and writes nothing', async () => {
    const database = await createTestDatabase();
    const db = database.db;
    try {
      const count = async () => (await db.prisma.$queryRawUnsafe<{ n: number }[]>('SELECT count(*)::int AS n FROM verwerking'))[0]!.n;
      const n = await count();
      await expect(db.query(insertSql("decode(repeat('ab', 31), 'hex')"), [newTraceId(), newSpanId(), crypto.encrypt(BSN), OIN])).rejects.toThrow(/verwerking_subject_key_32_bytes/);
      // The hexadecimal text itself, as a caller that forgot to decode would send it.
      await expect(db.query(insertSql("convert_to($5::text, 'UTF8')"), [newTraceId(), newSpanId(), crypto.encrypt(BSN), OIN, crypto.key(BSN)])).rejects.toThrow(/verwerking_subject_key_32_bytes/);
      expect(await count()).toBe(n);
    } finally {
      await database.drop();
    }
  });

  it('converts only a well-formed key', () => {
    const key = crypto.key(BSN);
    expect(subjectKeyHex(subjectKeyBytes(key))).toBe(key);
    // Buffer.from(…, 'hex') alone would stop at the first bad character and give a short key.
    expect(() => subjectKeyBytes(`${key.slice(0, 63)}g`)).toThrow(/64 lowercase hexadecimal/);
    expect(() => subjectKeyBytes(key.toUpperCase())).toThrow(/64 lowercase hexadecimal/);
    expect(() => subjectKeyBytes(key.slice(2))).toThrow(/64 lowercase hexadecimal/);
  });
});
