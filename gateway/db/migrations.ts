// Applying and checking the committed migrations (prisma/migrations) with the WASM schema engine.
// The result is the same as `prisma migrate deploy`, including Prisma's `_prisma_migrations` table.
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Database } from './database.js';
import type { MigrationList } from './schema-engine.js';

// The schema engine (WASM) and PGlite are loaded only when a migration is applied or checked: a
// start on a migrated database needs neither, and both cost memory and start time.
const schemaEngine = () => import('./schema-engine.js');

export const prismaDir = fileURLToPath(new URL('../../prisma/', import.meta.url));
export const schemaPath = join(prismaDir, 'schema.prisma');
export const migrationsDir = join(prismaDir, 'migrations');

/** Any constant will do, as long as every instance uses the same one. 'KPMG' is not meant. */
const MIGRATION_LOCK_KEY = 0x4b504d47;

const noFilter = { externalTables: [], externalEnums: [] };

export async function readMigrationList(dir = migrationsDir): Promise<MigrationList> {
  const entries = (await readdir(dir, { withFileTypes: true }).catch(() => []))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const migrationDirectories = await Promise.all(
    entries.map(async (name) => {
      const path = join(dir, name, 'migration.sql');
      const content = await readFile(path, 'utf8').then(
        (value) => ({ tag: 'ok' as const, value }),
        (err: Error) => ({ tag: 'error' as const, value: err.message }),
      );
      return { path: name, migrationFile: { path: 'migration.sql', content } };
    }),
  );
  const lockContent = await readFile(join(dir, 'migration_lock.toml'), 'utf8').catch(() => null);
  return {
    baseDir: dir,
    lockfile: { path: 'migration_lock.toml', content: lockContent },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}

/**
 * Applies pending migrations under an advisory lock; returns the names applied (none if current).
 * `list`: the committed migrations by default (a test passes the ones before the migration it tests).
 */
export async function applyMigrations(db: Database, log: (m: string) => void = () => {}, list?: MigrationList): Promise<string[]> {
  // The usual case (every instance start after the first): nothing to do, decided with one query,
  // without starting the schema engine or taking its server-wide lock.
  const migrationsList = list ?? (await readMigrationList());
  if ((await pendingMigrations(db, migrationsList)).length === 0) return [];
  return db.withLock(MIGRATION_LOCK_KEY, async () => {
    // Another instance may have applied them while this one waited for the lock: then there is
    // nothing to do, and no second schema engine asks for Prisma's own migration lock (which the
    // first engine's pooled connection may still hold; waiting for it timed out after 10 s on a
    // busy machine).
    if ((await pendingMigrations(db, migrationsList)).length === 0) return [];
    const { openSchemaEngine } = await schemaEngine();
    const engine = await openSchemaEngine(schemaPath, db.adapterFactory, log);
    try {
      const out = await engine.applyMigrations({ migrationsList, filters: noFilter });
      return out.appliedMigrationNames;
    } finally {
      engine.free();
    }
  });
}

/** Names of committed migrations not yet recorded as applied in this database. */
export async function pendingMigrations(db: Database, list?: MigrationList): Promise<string[]> {
  list ??= await readMigrationList();
  const names = list.migrationDirectories.map((d) => d.path);
  let applied: string[] = [];
  try {
    const rows = await db.prisma.$queryRawUnsafe<{ migration_name: string }[]>(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    applied = rows.map((r) => r.migration_name);
  } catch {
    return names;
  }
  return names.filter((n) => !applied.includes(n));
}

/**
 * SQL that would bring the committed migrations up to schema.prisma. An empty migration means they
 * agree. Replays the migrations in a throw-away in-memory PGlite, so no server is needed.
 */
export async function diffSchemaAgainstMigrations(): Promise<{ changed: boolean; sql: string }> {
  const [{ PGlite }, { PrismaPGlite }, { openSchemaEngine }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('pglite-prisma-adapter'),
    schemaEngine(),
  ]);
  const shadow = await PGlite.create('memory://');
  const engine = await openSchemaEngine(schemaPath, new PrismaPGlite(shadow));
  try {
    const schema = await readFile(schemaPath, 'utf8');
    const list = await readMigrationList();
    const from = list.migrationDirectories.length
      ? ({ tag: 'migrations', ...list } as const)
      : ({ tag: 'empty' } as const);
    const result = await engine.diff({
      from,
      to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: schema }] },
      script: true,
      exitCode: true,
      filters: noFilter,
    });
    const sql = result.stdout ?? '';
    return { changed: result.exitCode !== 0 || !sql.includes('This is an empty migration'), sql };
  } finally {
    engine.free();
    await shadow.close();
  }
}
