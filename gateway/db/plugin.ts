// Shares the chain's database with every plugin: `app.db` (the Database: LISTEN/NOTIFY, locks)
// and `app.prisma` (the Prisma client). The app does not own the database: whoever opened it
// closes it, so tests and the server can share one between instances.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Database } from './database.js';
import type { PrismaClient } from './generated/client.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Database;
    prisma: PrismaClient;
  }
}

export const database = fp(
  async (app: FastifyInstance, { db }: { db: Database }) => {
    app.decorate('db', db);
    app.decorate('prisma', db.prisma);
    // The listener heals by itself (listener.ts); an operator still wants to see it drop and return.
    const unwatch = db.listener.watch((e) => {
      if (e.type === 'down') app.log.warn({ reason: e.reason }, 'notification listener down; reconnecting');
      else app.log.info({ downForMs: e.downForMs }, 'notification listener restored; caches built from notifications dropped');
    });
    app.addHook('onClose', async () => unwatch());
  },
  { name: 'ketenpoort-db' },
);
