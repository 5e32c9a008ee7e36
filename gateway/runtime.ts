// Starting and stopping a whole Ketenpoort: database, migrations, demo data, the gateway app.
// Used by `ketenpoort serve` and by tests that need a real listening server.
import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { applyMigrations } from './db/migrations.js';
import { seedDemoData } from './demo/seed.js';

export interface Runtime {
  app: FastifyInstance;
  db: Database;
  url: string;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  demo?: boolean;
  /** An already open database (tests share one between two instances). */
  db?: Database;
}

export function openConfiguredDatabase(config: Config): Promise<Database> {
  return openDatabase({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, dataDir: join(config.dataDir, 'pglite') });
}

export async function startRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const ownsDb = !options.db;
  const db = options.db ?? (await openConfiguredDatabase(config));
  try {
    const applied = await applyMigrations(db);
    if (options.demo) await seedDemoData(db.prisma);
    const app = await buildApp({ config, db });
    if (applied.length) app.log.info({ applied }, 'migrations applied');
    const url = await app.listen({ port: config.PORT, host: config.HOST });
    let closing: Promise<void> | undefined;
    return {
      app,
      db,
      url,
      close() {
        closing ??= (async () => {
          await app.close();
          if (ownsDb) await db.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    if (ownsDb) await db.close();
    throw err;
  }
}
