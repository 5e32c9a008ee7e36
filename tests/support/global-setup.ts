// On PostgreSQL, migrate one template database per test run; each test file then gets its own
// database copied from it (CREATE DATABASE ... TEMPLATE), which takes a fraction of a second and
// no migration. Prisma's schema engine holds a server-wide advisory lock while it migrates, so
// forty files migrating at once would queue on that lock and time out.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase } from '../../gateway/db/database.js';
import { applyMigrations } from '../../gateway/db/migrations.js';

export function databaseUrl(base: string, name: string): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function adminQuery(base: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl(base, 'postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Tests that start `ketenpoort` as a process run the compiled dist/: build it first (incremental). */
function build() {
  const result = spawnSync(process.execPath, [fileURLToPath(new URL('../../scripts/build.mjs', import.meta.url))], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm run build failed:\n${result.stdout}\n${result.stderr}`);
}

export default async function setup() {
  build();
  const base = process.env.DATABASE_URL;
  if (!base) return;
  const template = `kp_tmpl_${randomBytes(5).toString('hex')}`;
  await adminQuery(base, `CREATE DATABASE ${template}`);
  const db = await openDatabase({ url: databaseUrl(base, template), dataDir: '' });
  try {
    await applyMigrations(db);
  } finally {
    await db.close();
  }
  process.env.KP_TEMPLATE_DB = template;
  return async () => {
    await adminQuery(base, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  };
}
