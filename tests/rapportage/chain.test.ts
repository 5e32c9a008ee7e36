// The hash chain shows tampering: a row changed behind the append-only trigger's back, a row
// removed, or rows reordered, and names the first broken row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, hashRow, verifyBlocks, verifyRows } from '../../gateway/rapportage/chain.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { consentFor, freshTraject, postRapportage, rapportage, WERKFIT } from './helpers.js';
import { findDemoPerson } from '../../gateway/demo/people.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

async function blockWithReports(n: number) {
  const traject = await freshTraject(t, findDemoPerson('client-fatima')!.bsn!, WERKFIT);
  const { token } = await consentFor(t, 'client-fatima', 'rib-werkfit', traject);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await postRapportage(t, 'rib-werkfit', traject.id, rapportage(traject, { advies: `Advies ${i}` }), { 'consent-token': token });
    expect(res.status).toBe(201);
    ids.push(res.body.rapportageId);
  }
  const blok = await t.db.prisma.rapportageBlok.findFirstOrThrow({ where: { trajectId: traject.id } });
  return { blokId: blok.id, ids };
}

/** Runs SQL past the append-only trigger, as an attacker with database access could. */
async function tamper(sql: string) {
  await t.db.prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe('ALTER TABLE rapportage DISABLE TRIGGER rapportage_append_only');
    await tx.$executeRawUnsafe(sql);
    await tx.$executeRawUnsafe('ALTER TABLE rapportage ENABLE TRIGGER rapportage_append_only');
  });
}

describe('the hash chain', () => {
  it('canonical JSON does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: null }], e: undefined })).toBe('{"a":[{"c":null,"d":2}],"b":1}');
  });

  it('verifies an untouched block', async () => {
    const { blokId } = await blockWithReports(3);
    expect((await verifyBlocks(t.db.prisma, [blokId]))[0]).toMatchObject({ ok: true, rows: 3 });
  });

  it('the database itself refuses to change or delete a report', async () => {
    const { ids } = await blockWithReports(1);
    await expect(t.db.prisma.$executeRawUnsafe(`UPDATE rapportage SET body = '{}' WHERE id = '${ids[0]}'`)).rejects.toThrow(/append-only/);
    await expect(t.db.prisma.$executeRawUnsafe(`DELETE FROM rapportage WHERE id = '${ids[0]}'`)).rejects.toThrow(/append-only/);
  });

  it('names the changed row when a report was altered behind the trigger', async () => {
    const { blokId, ids } = await blockWithReports(3);
    await tamper(`UPDATE rapportage SET body = jsonb_set(body, '{advies}', '"Anders"') WHERE id = '${ids[1]}'`);
    const [result] = await verifyBlocks(t.db.prisma, [blokId]);
    expect(result).toMatchObject({ ok: false, broken: { rapportageId: ids[1], sequence: 2, reason: 'hash-mismatch' } });
  });

  it('names the row after a removed one, and a row whose hash was recomputed to hide a change', async () => {
    const removed = await blockWithReports(3);
    await tamper(`DELETE FROM rapportage WHERE id = '${removed.ids[1]}'`);
    expect((await verifyBlocks(t.db.prisma, [removed.blokId]))[0]).toMatchObject({ ok: false, broken: { rapportageId: removed.ids[2], reason: 'sequence-gap' } });

    // An attacker who also recomputes the changed row's hash still breaks the next row's link.
    const rehashed = await blockWithReports(3);
    const row = await t.db.prisma.rapportage.findUniqueOrThrow({ where: { id: rehashed.ids[0] } });
    const changed = { ...row, body: { ...(row.body as object), advies: 'Verzonnen' } };
    await tamper(`UPDATE rapportage SET body = '${JSON.stringify(changed.body)}'::jsonb, hash = '${hashRow(changed)}' WHERE id = '${row.id}'`);
    expect((await verifyBlocks(t.db.prisma, [rehashed.blokId]))[0]).toMatchObject({ ok: false, broken: { rapportageId: rehashed.ids[1], reason: 'prev-hash-mismatch' } });
  });

  it('verifyRows reports reordered rows', async () => {
    const { blokId } = await blockWithReports(2);
    const rows = await t.db.prisma.rapportage.findMany({ where: { blokId }, orderBy: { sequence: 'asc' } });
    expect(verifyRows(blokId, rows).ok).toBe(true);
    expect(verifyRows(blokId, [rows[1]!, rows[0]!])).toMatchObject({ ok: false, broken: { reason: 'sequence-gap' } });
  });
});
