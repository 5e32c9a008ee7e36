// Blocks written before chain heads existed are anchored once at start, at their newest report, so
// they can be written on; a block written since whose head was removed is not (that is evidence).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { anchorUnanchoredBlocks } from '../../gateway/rapportage/anchor-existing.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { consentFor, freshTraject, postRapportage, rapportage, WERKFIT } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const FATIMA = findDemoPerson('client-fatima')!;
const silent = { warn() {}, error() {} } as never;

async function blockWithTwoReports() {
  const traject = await freshTraject(t, FATIMA.bsn!, WERKFIT);
  const { token } = await consentFor(t, 'client-fatima', 'rib-werkfit', traject);
  const receipts = [];
  for (let i = 0; i < 2; i++) {
    const res = await postRapportage(t, 'rib-werkfit', traject.id, rapportage(traject, { advies: `Advies ${i}` }), { 'consent-token': token });
    expect(res.status).toBe(201);
    receipts.push(res.body);
  }
  return { traject, token, blokId: receipts[0].blokId as string, receipts };
}

/** Removes the block's head past the trigger, as a database from before the chain heads has none. */
async function withoutHead(blokId: string, reportsCreatedAt?: Date) {
  await t.db.prisma.$transaction(async (tx) => {
    for (const table of ['rapportage', 'keten_hoofd']) await tx.$executeRawUnsafe(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    await tx.$executeRawUnsafe(`DELETE FROM keten_hoofd WHERE blok_id = '${blokId}'`);
    if (reportsCreatedAt) await tx.$executeRawUnsafe(`UPDATE rapportage SET created_at = '${reportsCreatedAt.toISOString()}' WHERE blok_id = '${blokId}'`);
    for (const table of ['rapportage', 'keten_hoofd']) await tx.$executeRawUnsafe(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
  });
}

describe('blocks from before chain heads', () => {
  it('are anchored at their newest report and can be written on', async () => {
    const b = await blockWithTwoReports();
    await withoutHead(b.blokId, new Date('2026-11-01T10:00:00Z'));
    expect(await anchorUnanchoredBlocks(t.db.prisma, t.app.services.chainHeads, silent)).toBe(1);
    const head = await t.db.prisma.ketenHoofd.findUniqueOrThrow({ where: { blokId: b.blokId } });
    expect(head).toMatchObject({ sequence: 2, rapportageId: b.receipts[1].rapportageId });
    expect(await t.app.services.chainHeads.verify(head.signature)).toMatchObject({ blokId: b.blokId, volgnummer: 2 });

    const next = await postRapportage(t, 'rib-werkfit', b.traject.id, rapportage(b.traject), { 'consent-token': b.token });
    expect(next.status, JSON.stringify(next.body)).toBe(201);
    expect(next.body.volgnummer).toBe(3);
    // Once anchored, never again.
    expect(await anchorUnanchoredBlocks(t.db.prisma, t.app.services.chainHeads, silent)).toBe(0);
  });

  it('are not a way to hide a removed head: a block written since keeps its missing head', async () => {
    const b = await blockWithTwoReports();
    await withoutHead(b.blokId);
    expect(await anchorUnanchoredBlocks(t.db.prisma, t.app.services.chainHeads, silent)).toBe(0);
    expect(await t.db.prisma.ketenHoofd.findUnique({ where: { blokId: b.blokId } })).toBeNull();
  });
});
