// PGlite's writes reach the disk before a commit returns (gateway/db/pglite-fsync.ts). Left as
// PGlite ships, PostgreSQL runs with fsync off and its file system's fsync does nothing, so an
// acknowledged write could be lost with the machine. This watches Node's fsync from inside the
// embedded PostgreSQL: a commit flushes the write-ahead log's file, a checkpoint the table's files.
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Database } from '../../gateway/db/database.js';

let dir: string;
let db: Database;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kp-pglite-fsync-'));
  db = await openDatabase({ dataDir: join(dir, 'pglite'), pgliteSharedBuffersMb: 16 });
  await db.query('CREATE TABLE kp_test_fsync (id serial PRIMARY KEY, body text)', []);
});
afterAll(async () => {
  await db?.close();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** The files flushed while `fn` ran, as paths relative to the data folder. */
async function flushedDuring(fn: () => Promise<unknown>): Promise<string[]> {
  const flushed: string[] = [];
  for (const name of ['fsyncSync', 'fdatasyncSync'] as const) {
    const flush = fs[name];
    vi.spyOn(fs, name).mockImplementation((fd) => {
      flushed.push(fs.readlinkSync(`/proc/self/fd/${fd}`).replace(`${join(dir, 'pglite')}/`, ''));
      flush(fd);
    });
  }
  await fn();
  return flushed;
}

describe('PGlite durability', () => {
  it('runs PostgreSQL with fsync on, flushing the log with fsync()', async () => {
    expect((await db.query<{ fsync: string }>('SHOW fsync', []))[0]!.fsync).toBe('on');
    expect((await db.query<{ wal_sync_method: string }>('SHOW wal_sync_method', []))[0]!.wal_sync_method).toBe('fsync');
  });

  it('flushes the write-ahead log to disk before a commit returns', async () => {
    const flushed = await flushedDuring(() => db.query(`INSERT INTO kp_test_fsync (body) VALUES ('receipted')`, []));
    expect(flushed.some((path) => path.startsWith('pg_wal/'))).toBe(true);
  });

  it('does not flush for a read', async () => {
    const flushed = await flushedDuring(() => db.query('SELECT count(*) FROM kp_test_fsync', []));
    expect(flushed).toEqual([]);
  });

  it('flushes the log’s folder when a new log file is made, so its name survives too', async () => {
    const flushed = await flushedDuring(async () => {
      await db.query('SELECT pg_switch_wal()', []);
      await db.query(`INSERT INTO kp_test_fsync (body) VALUES ('next segment')`, []);
    });
    expect(flushed).toContain('pg_wal');
  });

  it('flushes the table’s files at a checkpoint', async () => {
    await db.query(`INSERT INTO kp_test_fsync (body) SELECT 'row' FROM generate_series(1, 1000)`, []);
    const flushed = await flushedDuring(() => db.query('CHECKPOINT', []));
    expect(flushed.some((path) => path.startsWith('base/'))).toBe(true);
    expect(flushed).toContain('global/pg_control');
  });
});

describe('a new PGlite data folder', () => {
  /** Every file and folder under `root`, relative to its parent. */
  function everything(root: string): string[] {
    const found: string[] = [];
    const walk = (d: string) => {
      found.push(d);
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(d, e.name));
        else found.push(join(d, e.name));
      }
    };
    walk(root);
    return found.map((p) => p.replace(`${join(root, '..')}/`, ''));
  }

  it('is flushed whole before the database is handed out (PGlite writes its catalog without a flush); opened again, it is not', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'kp-pglite-new-'));
    const folder = join(parent, 'pglite');
    const flushed = new Set<string>();
    const fsync = fs.fsync;
    // flushTree's own flushes (the asynchronous fsync); PostgreSQL's go through fsyncSync.
    vi.spyOn(fs, 'fsync').mockImplementation((fd, callback) => {
      flushed.add(fs.readlinkSync(`/proc/self/fd/${fd}`).replace(`${parent}/`, ''));
      fsync(fd, callback);
    });
    try {
      const fresh = await openDatabase({ dataDir: folder, pgliteSharedBuffersMb: 16 });
      const onDisk = everything(folder).filter((p) => !p.endsWith('postmaster.pid'));
      await fresh.close();
      expect(onDisk.length).toBeGreaterThan(500);
      expect(onDisk.filter((p) => !flushed.has(p))).toEqual([]);
      expect(flushed).toContain('pglite/base/1/1259'); // pg_class
      expect(flushed).toContain(parent); // the folder's name, in its parent

      flushed.clear();
      const again = await openDatabase({ dataDir: folder, pgliteSharedBuffersMb: 16 });
      await again.close();
      expect([...flushed]).toEqual([]);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});
