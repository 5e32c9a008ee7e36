// A history that cannot be cut short unseen: every receipt carries the block's signed chain head,
// the head is kept apart from the reports, and `ketenpoort verify-chain` names a removed newest
// report, a removed block, and a database restored from an older backup (given the receipts the
// RIB kept). Reports go in over HTTP as a RIB's system sends them; the damage is done in SQL as
// someone with database access could (past the append-only triggers); the check is the command an
// operator runs: the real `ketenpoort` process on PostgreSQL, the same command in this process on
// PGlite (an in-memory PGlite cannot be opened by a second process).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../gateway/cli/rapportage-commands.js';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { runKetenpoort } from '../support/child.js';
import { Visitor } from '../pages/support/http.js';
import { usingPostgres } from '../support/database.js';
import { consentFor, freshTraject, gql, postRapportage, rapportage, stored, WERKFIT } from './helpers.js';

let t: TestApp;
let dir: string;
beforeAll(async () => {
  t = await startTestApp();
  dir = await mkdtemp(join(tmpdir(), 'kp-receipts-'));
});
afterAll(async () => {
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const FATIMA = findDemoPerson('client-fatima')!;

/** A new block of WerkFit for Fatima with `n` reports delivered over REST; the receipts as returned. */
async function blockWithReports(n: number) {
  const traject = await freshTraject(t, FATIMA.bsn!, WERKFIT);
  const { token } = await consentFor(t, 'client-fatima', 'rib-werkfit', traject);
  const deliver = async (i: number) => {
    const res = await postRapportage(t, 'rib-werkfit', traject.id, rapportage(traject, { advies: `Advies ${i}` }), { 'consent-token': token });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const receipts: any[] = [];
  for (let i = 0; i < n; i++) receipts.push(await deliver(i));
  return { traject, token, blokId: receipts[0].blokId as string, receipts, deliver };
}

/** SQL past the triggers that keep reports append-only and chain heads moving forward. */
async function tamper(...statements: string[]) {
  await t.db.prisma.$transaction(async (tx) => {
    for (const table of ['rapportage', 'keten_hoofd', 'bijlage']) await tx.$executeRawUnsafe(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    for (const sql of statements) await tx.$executeRawUnsafe(sql);
    for (const table of ['rapportage', 'keten_hoofd', 'bijlage']) await tx.$executeRawUnsafe(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
  });
}

/** The RIB's saved receipts, as a file for `--receipts`. */
async function receiptsFile(receipts: unknown[]): Promise<string> {
  const file = join(dir, `receipts-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(receipts, null, 2));
  return file;
}

/** Runs `ketenpoort verify-chain …` on the test app's database: exit code and what it printed. */
async function verify(...args: string[]): Promise<{ code: number | null; out: string }> {
  if (usingPostgres) {
    const child = runKetenpoort(['verify-chain', ...args], { NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: t.config.DATABASE_URL });
    const code = await child.exited;
    return { code, out: child.stdout() + child.stderr() };
  }
  const lines: string[] = [];
  const io = { open: async () => ({ prisma: t.db.prisma, chainHeadKey: t.config.chainHeadKey, close: async () => {} }), out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
  const code = await verifyChain(args, io);
  return { code, out: lines.join('\n') };
}

describe('the signed chain head', () => {
  it('comes with every receipt, the same again on a retry, and the client and gemeente see the current one', async () => {
    const b = await blockWithReports(2);
    const [first, second] = b.receipts;
    expect(first.ketenhoofd).toMatchObject({ blokId: b.blokId, volgnummer: 1, rapportageId: first.rapportageId, hash: first.hash, vastgelegdOp: first.ontvangenOp });
    expect(second.ketenhoofd).toMatchObject({ volgnummer: 2, rapportageId: second.rapportageId, hash: second.hash });
    expect(second.ketenhoofd.handtekening).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

    // A retry with the same key and body answers the very same receipt, signature included.
    const again = await postRapportage(t, 'rib-werkfit', b.traject.id, rapportage(b.traject, { advies: 'Advies 1' }), { 'consent-token': b.token, 'idempotency-key': second.idempotencyKey });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(second);

    // The head record is outside the report rows and names the newest report.
    expect(await t.db.prisma.ketenHoofd.findUniqueOrThrow({ where: { blokId: b.blokId } })).toMatchObject({ sequence: 2, rapportageId: second.rapportageId, headHash: second.hash, signature: second.ketenhoofd.handtekening });

    const listing = await fetch(`${t.url}/rib/v1/trajecten/${b.traject.id}/rapportages`, { headers: { authorization: `Bearer ${await t.token('rib-werkfit')}`, 'consent-token': b.token } });
    expect((await listing.json()).ketenhoofd).toEqual(second.ketenhoofd);

    const km = await gql(t, 'km-jan', `query($id: ID!) { trajectRapportages(trajectId: $id) { blokId ketenhoofd { volgnummer hash handtekening } } }`, { id: b.traject.id });
    expect(km.errors).toEqual([]);
    expect(km.data!.trajectRapportages).toEqual([{ blokId: b.blokId, ketenhoofd: { volgnummer: 2, hash: second.hash, handtekening: second.ketenhoofd.handtekening } }]);

    const own = await gql(t, 'client-fatima', `query { mijnKetenhoofden { blokId volgnummer hash } }`);
    expect(own.data!.mijnKetenhoofden).toContainEqual({ blokId: b.blokId, volgnummer: 2, hash: second.hash });
    // Another client sees no head of Fatima's blocks.
    const other = await gql(t, 'client-dewi', `query { mijnKetenhoofden { blokId } }`);
    expect(other.data!.mijnKetenhoofden.map((h: { blokId: string }) => h.blokId)).not.toContain(b.blokId);

    // The pages show it in words: the number of the newest report and the start of its code.
    const client = new Visitor(t.url);
    await client.login('client-fatima');
    const mine = await client.get('/mijn/rapportages');
    expect(mine.status).toBe(200);
    expect(mine.text).toContain(`Controlecode: <code>${second.hash.slice(0, 16)}</code> bij rapportage nummer 2`);

    const ok = await verify(b.blokId, '--receipts', await receiptsFile(b.receipts));
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toContain(`ok      blok ${b.blokId}: 2 rapportage(s), head ${second.hash}, signed head matches, 2 receipt(s) match`);
  });

  it('names the newest report when it was removed, and refuses to write on the cut history', async () => {
    const b = await blockWithReports(3);
    const newest = b.receipts[2];
    await tamper(`DELETE FROM rapportage WHERE id = '${newest.rapportageId}'`);

    const r = await verify(b.blokId);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain(`BROKEN  blok ${b.blokId}: rapportage ${newest.rapportageId} (volgnummer 3): rows-removed`);
    expect(r.out).toContain('the database ends at volgnummer 2');

    // Writing on would link a new report to the cut history and hide it: refused, nothing stored.
    const before = await stored(t);
    const res = await postRapportage(t, 'rib-werkfit', b.traject.id, rapportage(b.traject), { 'consent-token': b.token });
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('INTERNAL');
    expect(await stored(t)).toEqual(before);
    expect(await t.db.prisma.ketenHoofd.findUniqueOrThrow({ where: { blokId: b.blokId } })).toMatchObject({ sequence: 3, rapportageId: newest.rapportageId });
  });

  it('sees through a head record set back without the key; the database itself refuses to set it back or remove it', async () => {
    const b = await blockWithReports(2);
    const [first, second] = b.receipts;
    await expect(t.db.prisma.$executeRawUnsafe(`UPDATE keten_hoofd SET sequence = 1 WHERE blok_id = '${b.blokId}'`)).rejects.toThrow(/only moves forward/);
    await expect(t.db.prisma.$executeRawUnsafe(`DELETE FROM keten_hoofd WHERE blok_id = '${b.blokId}'`)).rejects.toThrow(/only moves forward/);
    // Remove the newest report and point the head at the one before, with a made-up signature.
    await tamper(
      `DELETE FROM rapportage WHERE id = '${second.rapportageId}'`,
      `UPDATE keten_hoofd SET sequence = 1, rapportage_id = '${first.rapportageId}', head_hash = '${first.hash}', signed_at = '${first.ontvangenOp}', signature = '${second.ketenhoofd.handtekening}' WHERE blok_id = '${b.blokId}'`,
    );
    const r = await verify(b.blokId);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain(`rapportage ${first.rapportageId} (volgnummer 1): head-forged`);
  });

  it('names a removed block by its head record, and by the receipts when the head went with it', async () => {
    const b = await blockWithReports(2);
    await tamper(`DELETE FROM rapportage WHERE blok_id = '${b.blokId}'`, `DELETE FROM bijlage WHERE blok_id = '${b.blokId}'`, `DELETE FROM rapportage_blok WHERE id = '${b.blokId}'`);
    const all = await verify();
    expect(all.code, all.out).toBe(1);
    expect(all.out).toContain(`BROKEN  blok ${b.blokId}: rapportage ${b.receipts[1].rapportageId} (volgnummer 2): blok-removed`);
    expect(all.out).toContain('named by its chain-head record');

    // Someone who also removes the head record leaves no trace in the database ...
    await tamper(`DELETE FROM keten_hoofd WHERE blok_id = '${b.blokId}'`);
    const gone = await verify(b.blokId);
    expect(gone.code).toBe(2);
    expect(gone.out).toContain(`no rapportage block ${b.blokId}`);
    // ... but not in the receipts the RIB kept.
    const withReceipts = await verify('--receipts', await receiptsFile(b.receipts));
    expect(withReceipts.code, withReceipts.out).toBe(1);
    expect(withReceipts.out).toContain(`BROKEN  blok ${b.blokId}: rapportage ${b.receipts[1].rapportageId} (volgnummer 2): blok-removed`);
    expect(withReceipts.out).toContain('named by a receipt');
  });

  it('detects a database restored from an older backup, given the latest receipts', async () => {
    const b = await blockWithReports(2);
    // The "backup": the block's reports and head as they are now.
    const backup = `kp_backup_${b.blokId.replaceAll('-', '')}`;
    await t.db.prisma.$executeRawUnsafe(`CREATE TABLE ${backup} AS SELECT * FROM keten_hoofd WHERE blok_id = '${b.blokId}'`);
    b.receipts.push(await b.deliver(2), await b.deliver(3));
    // The restore: the later reports are gone and the head is the backup's (validly signed, but old).
    await tamper(
      `DELETE FROM rapportage WHERE blok_id = '${b.blokId}' AND sequence > 2`,
      `DELETE FROM keten_hoofd WHERE blok_id = '${b.blokId}'`,
      `INSERT INTO keten_hoofd SELECT * FROM ${backup}`,
      `DROP TABLE ${backup}`,
    );

    // On its own, the restored database is a consistent, older state: the head record matches it.
    const alone = await verify(b.blokId);
    expect(alone.code, alone.out).toBe(0);
    // The RIB's latest receipt names a report the database does not have.
    const r = await verify(b.blokId, '--receipts', await receiptsFile(b.receipts));
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain(`BROKEN  blok ${b.blokId}: rapportage ${b.receipts[3].rapportageId} (volgnummer 4): behind-receipt`);
    expect(r.out).toContain('the database ends at volgnummer 2');
  });

  it('does not take a receipt the gateway did not sign as evidence', async () => {
    const b = await blockWithReports(1);
    const forged = { ...b.receipts[0], ketenhoofd: { ...b.receipts[0].ketenhoofd, volgnummer: 5 } };
    const [h, , s] = b.receipts[0].ketenhoofd.handtekening.split('.');
    const payload = Buffer.from(JSON.stringify({ ...b.receipts[0].ketenhoofd, handtekening: undefined, volgnummer: 5 })).toString('base64url');
    forged.ketenhoofd.handtekening = `${h}.${payload}.${s}`;
    const r = await verify(b.blokId, '--receipts', await receiptsFile([forged, { rapportageId: 'x' }]));
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain(`ok      blok ${b.blokId}: 1 rapportage(s)`);
    expect(r.out).toContain('UNTRUSTED receipt 1: its chain head is not signed by this gateway');
    expect(r.out).toContain('UNTRUSTED receipt 2: no signed chain head');
  });
});
