// A connection lost while it is checked out of the pool (a transaction between two statements)
// must fail that transaction, not the process: pg emits 'error' on such a client, and an 'error'
// event nobody listens to ends a Node process. bench/soak.ts found the gateway dead after a
// database outage this way. PostgreSQL only (PGlite runs inside the process).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../gateway/db/database.js';
import { freshDatabase, usingPostgres } from '../support/database.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

if (!usingPostgres) console.warn('\n  tests/resilience/lost-connection.test.ts: PostgreSQL only, skipped on PGlite\n');

describe.skipIf(!usingPostgres)('a connection lost inside a transaction (PostgreSQL only)', () => {
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  let proxy: TcpProxy;
  let db: Database;
  const unhandled: unknown[] = [];
  const record = (err: unknown) => unhandled.push(err);

  beforeAll(async () => {
    fresh = await freshDatabase(process.env.DATABASE_URL!);
    const target = new URL(fresh.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    db = await openDatabase({ url: proxy.via(fresh.url), dataDir: '' });
    process.on('uncaughtException', record);
  });
  afterAll(async () => {
    process.off('uncaughtException', record);
    await db?.close().catch(() => {});
    await proxy?.close();
    await fresh?.drop();
  });

  it('fails the transaction and leaves the process and the pool working', async () => {
    const cutMidway = db.transaction(async (sql) => {
      await sql.query('SELECT 1');
      await proxy.cut();
      // The connection is gone while this client is still checked out; give pg time to notice.
      await new Promise((r) => setTimeout(r, 300));
      await sql.query('SELECT 2');
    });
    await expect(cutMidway).rejects.toThrow();
    expect(unhandled).toEqual([]);

    await proxy.restore();
    await expect(db.transaction(async (sql) => sql.query('SELECT 3 AS n'))).resolves.toEqual([{ n: 3 }]);
  });
});
