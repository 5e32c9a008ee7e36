// PGlite's buffer pool is resident from the start (gateway/db/database.ts), so its size is a
// setting: this checks the setting reaches the embedded PostgreSQL, and that without it PGlite
// keeps PostgreSQL's own default.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../gateway/db/database.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function sharedBuffers(sizeMb: number | undefined): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kp-pglite-settings-'));
  dirs.push(dir);
  const db = await openDatabase({ dataDir: join(dir, 'pglite'), pgliteSharedBuffersMb: sizeMb });
  try {
    const [row] = await db.query<{ shared_buffers: string }>('SHOW shared_buffers', []);
    return row!.shared_buffers;
  } finally {
    await db.close();
  }
}

describe('PGlite settings', () => {
  it('runs with the configured shared buffers', async () => {
    expect(await sharedBuffers(24)).toBe('24MB');
  });

  it('keeps PGlite’s own pool (at least PostgreSQL’s 128 MB) without the setting', async () => {
    const shown = await sharedBuffers(undefined);
    expect(shown).toMatch(/^\d+MB$/);
    expect(Number.parseInt(shown, 10)).toBeGreaterThanOrEqual(128);
  });
});
