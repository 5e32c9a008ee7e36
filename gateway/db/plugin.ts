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
  },
  { name: 'ketenpoort-db' },
);
