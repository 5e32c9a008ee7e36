// A whole gateway on a free loopback port with its own fresh database, for tests that go through
// the HTTP API as a user would. `token(id)` signs a development-issuer token for a demo person.
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { signDevTokenFor } from '../../gateway/auth/dev-issuer.js';
import { loadConfig, type Config } from '../../gateway/config.js';
import type { Database } from '../../gateway/db/database.js';
import { startRuntime, type Runtime } from '../../gateway/runtime.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface TestApp {
  app: FastifyInstance;
  runtime: Runtime;
  config: Config;
  db: Database;
  url: string;
  token(personId: string): Promise<string>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  demo?: boolean;
  /** Share a database with another test app (two instances on one database). */
  database?: TestDatabase;
  /** Receives the gateway's log lines (set LOG_LEVEL in env to see them). */
  logDestination?: DestinationStream;
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DEV_ISSUER: 'on',
    // The benefit-change scan writes signals and log rows on its own clock; tests run it by hand.
    SIGNAL_SCAN_INTERVAL_MS: '0',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: '/nonexistent-use-memory',
    // The issuer is a name, not an address we fetch from: a fixed one works with any port.
    PUBLIC_URL: 'http://ketenpoort.test',
    // Tests send many requests from one address and one person: limits far above any test, except
    // where tests/hardening/rate-limits.test.ts sets its own. Load shedding off: in-process PGlite
    // and the test itself block the event loop on their own schedule.
    RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000',
    RATE_LIMIT_LOGIN_PER_MINUTE: '1000000',
    RATE_LIMIT_CONSENT_GRANTS_PER_HOUR: '1000000',
    PRESSURE_EVENT_LOOP_DELAY_MS: '0',
    ...env,
  });
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const db = options.database ? await database.reopen() : database.db;
  const config = testConfig({ ...database.env, ...options.env });
  const runtime = await startRuntime(config, { demo: options.demo ?? true, db, logDestination: options.logDestination });
  return {
    app: runtime.app,
    runtime,
    config,
    db,
    url: runtime.url,
    async token(personId) {
      const t = await signDevTokenFor(runtime.app.keys, personId, { publicUrl: config.publicUrl });
      if (!t) throw new Error(`no demo person ${personId}`);
      return t;
    },
    async close() {
      await runtime.close();
      if (options.database) {
        if (db !== database.db) await db.close();
      } else {
        await database.drop();
      }
    },
  };
}
