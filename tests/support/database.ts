// A fresh, empty database for one test file: its own schema on the PostgreSQL named by
// DATABASE_URL (dropped afterwards), or an in-memory PGlite when DATABASE_URL is unset.
// No test depends on what another left behind.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../gateway/db/database.js';
import { applyMigrations } from '../../gateway/db/migrations.js';

export interface TestDatabase {
  db: Database;
  /** Environment that makes a gateway use this same database. */
  env: Record<string, string>;
  /** Opens another connection set to the same database (a second gateway instance). */
  reopen(): Promise<Database>;
  drop(): Promise<void>;
}

export const usingPostgres = Boolean(process.env.DATABASE_URL);

export async function freshSchema(url: string): Promise<{ schema: string; drop(): Promise<void> }> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  return {
    schema,
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const { schema, drop } = await freshSchema(url);
    const open = () => openDatabase({ url, schema, dataDir: '' });
    const db = await open();
    if (options.migrate !== false) await applyMigrations(db);
    return {
      db,
      env: { DATABASE_URL: url, DATABASE_SCHEMA: schema },
      reopen: open,
      async drop() {
        await db.close();
        await drop();
      },
    };
  }
  const db = await openDatabase({ dataDir: 'memory://' });
  if (options.migrate !== false) await applyMigrations(db);
  return {
    db,
    env: {},
    // One in-memory PGlite cannot be opened twice; tests needing two instances share `db`.
    reopen: async () => db,
    drop: () => db.close(),
  };
}
