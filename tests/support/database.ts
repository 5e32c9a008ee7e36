// A fresh, empty database for one test file: its own schema on the PostgreSQL named by
// DATABASE_URL (dropped afterwards), or an in-memory PGlite when DATABASE_URL is unset.
// No test depends on what another left behind.
import { randomBytes } from 'node:crypto';
import { adminQuery, databaseUrl } from './global-setup.js';
import { loadConfig } from '../../gateway/config.js';
import { openDatabase, type Database } from '../../gateway/db/database.js';
import { applyMigrations, readMigrationList } from '../../gateway/db/migrations.js';

export interface TestDatabase {
  db: Database;
  /** Environment that makes a gateway use this same database. */
  env: Record<string, string>;
  /** Opens another connection set to the same database (a second gateway instance). */
  reopen(): Promise<Database>;
  drop(): Promise<void>;
}

export const usingPostgres = Boolean(process.env.DATABASE_URL);

/**
 * A new, uniquely named database on the server of `base`: a copy of the run's migrated template
 * when there is one (see global-setup.ts), else empty. Dropped by `drop()`.
 */
export async function freshDatabase(base: string, options: { migrated?: boolean } = {}): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `kp_t_${randomBytes(6).toString('hex')}`;
  const template = options.migrated !== false ? process.env.KP_TEMPLATE_DB : undefined;
  await adminQuery(base, `CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  return {
    url: databaseUrl(base, name),
    drop: () => adminQuery(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const fresh = await freshDatabase(url, { migrated: options.migrate !== false });
    const open = () => openDatabase({ url: fresh.url, dataDir: '' });
    const db = await open();
    // Finds nothing to do when the database came from the migrated template.
    if (options.migrate !== false) await applyMigrations(db);
    const drop = fresh.drop;
    return {
      db,
      env: { DATABASE_URL: fresh.url },
      reopen: open,
      async drop() {
        await db.close();
        await drop();
      },
    };
  }
  // The product's default pool (PGLITE_SHARED_BUFFERS_MB), so tests run PGlite as it ships.
  const db = await openDatabase({ dataDir: 'memory://', pgliteSharedBuffersMb: loadConfig({}).PGLITE_SHARED_BUFFERS_MB });
  if (options.migrate !== false) await applyMigrations(db);
  return {
    db,
    env: {},
    // One in-memory PGlite cannot be opened twice; tests needing two instances share `db`.
    reopen: async () => db,
    drop: () => db.close(),
  };
}

/** Applies the committed migrations that come before `migration` (to test that one on old rows). */
export async function migrateUpTo(db: Database, migration: string): Promise<void> {
  const list = await readMigrationList();
  await applyMigrations(db, undefined, { ...list, migrationDirectories: list.migrationDirectories.filter((d) => d.path < migration) });
}
