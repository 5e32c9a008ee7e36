// /health: the process is alive. /ready: it can serve (database reachable, migrations applied).
// Neither needs a token or shows personal data.
import type { FastifyInstance } from 'fastify';
import { pendingMigrations } from './db/migrations.js';

export async function healthRoutes(app: FastifyInstance) {
  // Migrations only move forward while we run; once all are applied there is no need to look again.
  let migrated = false;
  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/ready', async (_request, reply) => {
    try {
      await app.prisma.$queryRawUnsafe('SELECT 1');
    } catch {
      return reply.code(503).type('application/problem+json').send({
        title: 'SERVICE_UNAVAILABLE', status: 503, detail: 'database unreachable', code: 'SERVICE_UNAVAILABLE',
      });
    }
    const pending = migrated ? [] : await pendingMigrations(app.db);
    migrated = pending.length === 0;
    if (!migrated) {
      return reply.code(503).type('application/problem+json').send({
        title: 'SERVICE_UNAVAILABLE', status: 503, detail: `migrations pending: ${pending.join(', ')}`, code: 'SERVICE_UNAVAILABLE',
      });
    }
    return { status: 'ready', database: app.db.kind };
  });
}
