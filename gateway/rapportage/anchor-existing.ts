// Blocks written before chain heads existed (migration 20261204050957_keten_hoofd) have reports but
// no keten_hoofd row, and the write path refuses to append onto rows that do not end at a head. At
// start, each such block is anchored once at its newest report, as the rows stand then: trust in
// that one moment, named in the log, instead of a block that can never be written again. Only
// blocks whose newest report is older than that migration qualify: a later report always wrote its
// head, so a later block without one had its head removed, which is evidence for verify-chain
// (head-missing), never something to paper over. Two instances starting together insert one head
// each at most (ON CONFLICT DO NOTHING).
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/database.js';
import { headOfReport, type ChainHeadSigner } from './chain-head.js';

const CHAIN_HEAD_MIGRATION = '20261204050957_keten_hoofd';

export async function anchorUnanchoredBlocks(prisma: Db, heads: ChainHeadSigner, log: FastifyBaseLogger): Promise<number> {
  // Walks blocks, not reports: one index probe per headless block for its newest row, so a start
  // stays quick however many reports there are (blocks are one per trajectory and bureau).
  const newest = await prisma.$queryRaw<{ id: string; blokId: string; sequence: number; hash: string; createdAt: Date }[]>`
    SELECT r.id::text AS "id", r.blok_id::text AS "blokId", r.sequence, r.hash, r.created_at AS "createdAt"
    FROM rapportage_blok b
    CROSS JOIN LATERAL (
      SELECT * FROM rapportage r WHERE r.blok_id = b.id ORDER BY r.sequence DESC LIMIT 1
    ) r
    WHERE NOT EXISTS (SELECT 1 FROM keten_hoofd h WHERE h.blok_id = b.id)`;
  if (!newest.length) return 0;
  const [migration] = await prisma.$queryRaw<{ finishedAt: Date }[]>`
    SELECT finished_at AS "finishedAt" FROM _prisma_migrations
    WHERE migration_name = ${CHAIN_HEAD_MIGRATION} AND finished_at IS NOT NULL AND rolled_back_at IS NULL`;
  const before = newest.filter((r) => migration && r.createdAt < migration.finishedAt);
  for (const row of before) {
    const signed = await heads.sign(headOfReport(row));
    await prisma.$executeRaw`
      INSERT INTO keten_hoofd (blok_id, sequence, rapportage_id, head_hash, signed_at, signature)
      VALUES (${row.blokId}::uuid, ${row.sequence}, ${row.id}::uuid, ${signed.hash}, ${new Date(signed.vastgelegdOp)}, ${signed.handtekening})
      ON CONFLICT (blok_id) DO NOTHING`;
  }
  if (before.length) log.warn({ blocks: before.length }, 'rapportage blocks from before chain heads anchored at their newest report');
  if (newest.length > before.length) {
    log.error({ blocks: newest.length - before.length }, 'rapportage blocks written since chain heads have no head: run ketenpoort verify-chain');
  }
  return before.length;
}
