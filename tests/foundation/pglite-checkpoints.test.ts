// PGlite has no checkpointer process (gateway/db/pglite-checkpoints.ts): without the gateway's own
// checkpoints its write-ahead log grows without end, and past ~540 MB a commit stalls the whole
// process. This checks that the gateway checkpoints an open PGlite once enough log was written,
// and that it leaves a PGlite alone that has written less.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../gateway/db/database.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function open(walMb: number): Promise<Database> {
  const dir = await mkdtemp(join(tmpdir(), 'kp-pglite-checkpoints-'));
  dirs.push(dir);
  return openDatabase({ dataDir: join(dir, 'pglite'), pgliteSharedBuffersMb: 16, pgliteCheckpoints: { everyMs: 50, walMb } });
}

const redo = async (db: Database) => (await db.query<{ redo: string }>('SELECT redo_lsn::text AS redo FROM pg_control_checkpoint()', []))[0]!.redo;
const sinceCheckpointMb = async (db: Database) =>
  Number((await db.query<{ bytes: string }>('SELECT (pg_current_wal_insert_lsn() - redo_lsn)::text AS bytes FROM pg_control_checkpoint()', []))[0]!.bytes) / 2 ** 20;

/** About 4 MB of log: 20,000 rows of ~200 bytes. */
async function writeLog(db: Database) {
  await db.query('CREATE TABLE IF NOT EXISTS kp_test_wal (id serial PRIMARY KEY, body text)', []);
  await db.query(`INSERT INTO kp_test_wal (body) SELECT repeat('x', 200) FROM generate_series(1, 20000)`, []);
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe('PGlite checkpoints', () => {
  it('checkpoints once more log than the limit was written since the last checkpoint', async () => {
    const db = await open(1);
    try {
      const before = await redo(db);
      await writeLog(db);
      expect(await waitFor(async () => (await redo(db)) !== before && (await sinceCheckpointMb(db)) < 1, 5_000)).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('does not checkpoint below the limit', async () => {
    const db = await open(512);
    try {
      const before = await redo(db);
      await writeLog(db);
      await new Promise((r) => setTimeout(r, 300));
      expect(await redo(db)).toBe(before);
      expect(await sinceCheckpointMb(db)).toBeGreaterThan(1);
    } finally {
      await db.close();
    }
  });
});
