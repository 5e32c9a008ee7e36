import { describe, expect, it } from 'vitest';
import { applyMigrations, diffSchemaAgainstMigrations, pendingMigrations } from '../../gateway/db/migrations.js';
import { createTestDatabase, usingPostgres } from '../support/database.js';

describe('migrations', () => {
  it('committed migrations match schema.prisma', { timeout: 120_000 }, async () => {
    const { changed, sql } = await diffSchemaAgainstMigrations();
    expect(changed, `schema.prisma needs a migration (npm run migration:create -- <name>):\n${sql}`).toBe(false);
  });

  it('apply to an empty database, then apply nothing the second time', async () => {
    const t = await createTestDatabase({ migrate: false });
    try {
      expect(await pendingMigrations(t.db)).not.toHaveLength(0);
      expect(await applyMigrations(t.db)).not.toHaveLength(0);
      expect(await applyMigrations(t.db)).toEqual([]);
      expect(await pendingMigrations(t.db)).toEqual([]);
    } finally {
      await t.drop();
    }
  });

  it.runIf(usingPostgres)('two instances migrating at once do not race', async () => {
    const t = await createTestDatabase({ migrate: false });
    const other = await t.reopen();
    try {
      const [a, b] = await Promise.all([applyMigrations(t.db), applyMigrations(other)]);
      // Exactly one of them applied the migrations; the other found nothing left to do.
      const counts = [a.length, b.length].sort();
      expect(counts[0]).toBe(0);
      expect(counts[1]).toBeGreaterThan(0);
      expect(await pendingMigrations(other)).toEqual([]);
    } finally {
      await other.close();
      await t.drop();
    }
  });

  it('history tables are append-only in the database itself', async () => {
    const t = await createTestDatabase();
    try {
      await t.db.prisma.besluit.create({
        data: {
          traceId: '0'.repeat(32), spanId: '1'.repeat(16), decision: 'deny', reason: 'test', action: 'read',
          resource: 'x', policyId: 'p', policyVersion: '1', information: {},
        },
      });
      await expect(t.db.prisma.besluit.updateMany({ data: { reason: 'changed' } })).rejects.toThrow(/append-only/);
      await expect(t.db.prisma.besluit.deleteMany({})).rejects.toThrow(/append-only/);
      expect((await t.db.prisma.besluit.findFirstOrThrow()).reason).toBe('test');
    } finally {
      await t.drop();
    }
  });
});
