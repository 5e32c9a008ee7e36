// Concurrent uploads share one transaction (gateway/rapportage/append-batch.ts). What must still
// hold for each upload as if it were alone: its own answer, chains without gaps or forks, one
// signal and one processing-log row per stored report, a replay answered with the first receipt,
// and a refused or failing upload storing nothing while the others in its batch are stored.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrganisationCaller } from '../../gateway/auth/caller.js';
import type { Database } from '../../gateway/db/database.js';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { createReportAppender, type AppendJob } from '../../gateway/rapportage/append-batch.js';
import { verifyBlocks } from '../../gateway/rapportage/chain.js';
import { requestHashOf } from '../../gateway/rapportage/idempotency.js';
import { BlokDenial } from '../../gateway/rapportage/policy.js';
import { parseRapportage } from '../../gateway/rapportage/validation.js';
import { newTrace } from './helpers.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { consentFor, freshTraject, postRapportage, rapportage, WERKFIT } from './helpers.js';

type Traject = Awaited<ReturnType<typeof freshTraject>>;
interface Target { traject: Traject; token: string; consentId: string }

let t: TestApp;
const fatima = findDemoPerson('client-fatima')!;
const rib: OrganisationCaller = { role: 'rib', subject: 'rib-werkfit', name: 'Rik Hendriks', oin: WERKFIT };

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

async function target(): Promise<Target> {
  const traject = await freshTraject(t, fatima.bsn!, WERKFIT);
  return { traject, ...(await consentFor(t, 'client-fatima', 'rib-werkfit', traject)) };
}

async function blockOf(traject: Traject) {
  return t.db.prisma.rapportageBlok.findFirstOrThrow({ where: { trajectId: traject.id, ribOin: WERKFIT } });
}

/** What the reports of a block left behind: rows, signals, log rows, and whether the chain holds. */
async function leftBehind(traject: Traject) {
  const blok = await blockOf(traject);
  const rows = await t.db.prisma.rapportage.findMany({ where: { blokId: blok.id }, orderBy: { sequence: 'asc' } });
  const signals = await t.db.prisma.signalering.count({ where: { dedupeKey: { in: rows.map((r) => `rapportage:${r.id}`) } } });
  const head = await t.db.prisma.ketenHoofd.findUnique({ where: { blokId: blok.id } });
  const [verified] = await verifyBlocks(t.db.prisma, [blok.id]);
  return { blok, rows, signals, head, verified };
}

function job(target: Target, input: Record<string, unknown>, key = randomUUID()): AppendJob {
  const parsed = parseRapportage(input);
  return {
    trace: { traceId: newTrace().traceId, spanId: randomBytes(8).toString('hex') }, caller: rib, trajectId: target.traject.id, ribOin: WERKFIT, subjectBsn: fatima.bsn!, consentId: target.consentId,
    idempotencyKey: key, requestHash: requestHashOf('rapportage', parsed), input: parsed,
  };
}

/** The real database, counting the transactions the appender opens. */
function counting(db: Database) {
  const counted = { transactions: 0, db: { transaction: <T>(fn: Parameters<Database['transaction']>[0]) => (counted.transactions++, db.transaction(fn)) as Promise<T> } };
  return counted;
}

describe('uploads arriving together', () => {
  it('over REST: each gets its own answer, every chain stays whole, and nothing is stored twice or for a refused one', async () => {
    const targets = await Promise.all([target(), target(), target()]);
    const logBefore = await t.db.prisma.verwerking.count({ where: { processingActivityId: { contains: 'rapportage-aanleveren' } } });
    const replayKey = randomUUID();
    const replayBody = rapportage(targets[0]!.traject, { advies: 'Twee keer verstuurd' });
    const calls = [
      ...Array.from({ length: 18 }, (_, i) => {
        const to = targets[i % 3]!;
        return postRapportage(t, 'rib-werkfit', to.traject.id, rapportage(to.traject, { advies: `Rapportage ${i}` }), { 'consent-token': to.token });
      }),
      postRapportage(t, 'rib-werkfit', targets[0]!.traject.id, replayBody, { 'consent-token': targets[0]!.token, 'idempotency-key': replayKey }),
      postRapportage(t, 'rib-werkfit', targets[0]!.traject.id, replayBody, { 'consent-token': targets[0]!.token, 'idempotency-key': replayKey }),
      // Invalid: the period starts before the trajectory.
      postRapportage(t, 'rib-werkfit', targets[1]!.traject.id, rapportage({ startsOn: new Date(targets[1]!.traject.startsOn.getTime() - 86_400_000) }), { 'consent-token': targets[1]!.token }),
      // Refused: the consent token of another trajectory.
      postRapportage(t, 'rib-werkfit', targets[2]!.traject.id, rapportage(targets[2]!.traject), { 'consent-token': targets[0]!.token }),
    ];
    const answers = await Promise.all(calls);
    expect(answers.slice(0, 18).map((a) => a.status)).toEqual(Array(18).fill(201));
    const [first, second] = [answers[18]!, answers[19]!];
    expect([first.status, second.status].sort()).toEqual([200, 201]);
    expect(second.body).toEqual(first.body);
    expect(answers[20]!.status).toBe(400);
    expect(answers[20]!.body).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rapportage.periode.van' });
    expect(answers[21]!.status).toBe(403);

    const expected = [7, 6, 6];
    for (const [i, to] of targets.entries()) {
      const left = await leftBehind(to.traject);
      expect(left.rows.map((r) => r.sequence)).toEqual(Array.from({ length: expected[i]! }, (_, k) => k + 1));
      expect(left.verified).toMatchObject({ ok: true });
      expect(left.signals).toBe(expected[i]);
      expect(left.head).toMatchObject({ sequence: expected[i], rapportageId: left.rows.at(-1)!.id });
      // Each receipt names the report the database holds at its place in the chain.
      for (const a of answers.filter((x) => x.status === 201 && x.body.trajectId === to.traject.id)) {
        expect(left.rows.find((r) => r.id === a.body.rapportageId)).toMatchObject({ sequence: a.body.volgnummer });
        expect(a.body.hash).toBe(left.rows.find((r) => r.id === a.body.rapportageId)!.hash.trim());
      }
    }
    expect(await t.db.prisma.verwerking.count({ where: { processingActivityId: { contains: 'rapportage-aanleveren' } } })).toBe(logBefore + 19);
  });

  it('in one transaction: several blocks, a retry within the batch, a closed block and an invalid upload', async () => {
    const [a, b, closed] = await Promise.all([target(), target(), target()]);
    await t.db.prisma.rapportageBlok.update({ where: { id: (await blockOf(closed.traject)).id }, data: { status: 'closed' } });
    const counted = counting(t.db);
    const appender = createReportAppender({ db: counted.db, chainHeads: t.app.services.chainHeads, processingLog: t.app.services.processingLog });
    const key = randomUUID();
    const jobs = [
      job(a, rapportage(a.traject, { advies: 'a1' })),
      job(b, rapportage(b.traject, { advies: 'b1' })),
      job(a, rapportage(a.traject, { advies: 'a2' }), key),
      job(a, rapportage(a.traject, { advies: 'a2' }), key),
      job(a, rapportage(a.traject, { advies: 'a2 anders' }), key),
      job(closed, rapportage(closed.traject)),
      job(b, rapportage({ startsOn: new Date(b.traject.startsOn.getTime() - 86_400_000) })),
      job(b, rapportage(b.traject, { advies: 'b2' })),
    ];
    const settled = await Promise.allSettled(jobs.map((j) => appender.append(j)));
    expect(counted.transactions).toBe(1);
    const ok = (i: number) => (settled[i] as PromiseFulfilledResult<Awaited<ReturnType<typeof appender.append>>>).value;
    const err = (i: number) => (settled[i] as PromiseRejectedResult).reason;
    expect([ok(0).row.sequence, ok(2).row.sequence]).toEqual([1, 2]);
    expect(ok(2).row.prevHash).toBe(ok(0).row.hash);
    expect(ok(3)).toMatchObject({ replayed: true, row: { id: ok(2).row.id } });
    expect(err(4)).toMatchObject({ code: 'CONFLICT' });
    expect(err(5)).toBeInstanceOf(BlokDenial);
    expect(err(6)).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect([ok(1).row.sequence, ok(7).row.sequence]).toEqual([1, 2]);

    const [leftA, leftB, leftClosed] = await Promise.all([leftBehind(a.traject), leftBehind(b.traject), leftBehind(closed.traject)]);
    expect(leftA.rows.map((r) => r.id)).toEqual([ok(0).row.id, ok(2).row.id]);
    expect(leftB.rows.map((r) => r.id)).toEqual([ok(1).row.id, ok(7).row.id]);
    expect(leftClosed.rows).toEqual([]);
    for (const left of [leftA, leftB]) {
      expect(left.verified).toMatchObject({ ok: true });
      expect(left.signals).toBe(2);
      expect(left.head).toMatchObject({ sequence: 2 });
    }
  });

  it('when the database refuses one upload of a batch, only that one fails and the others are stored', async () => {
    const [a, b] = await Promise.all([target(), target()]);
    await t.db.prisma.$executeRawUnsafe(`CREATE FUNCTION kp_test_refuse_report() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      IF NEW.body->>'advies' = 'WEIGER' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$`);
    await t.db.prisma.$executeRawUnsafe('CREATE TRIGGER kp_test_refuse_report BEFORE INSERT ON rapportage FOR EACH ROW EXECUTE FUNCTION kp_test_refuse_report()');
    try {
      const counted = counting(t.db);
      const appender = createReportAppender({ db: counted.db, chainHeads: t.app.services.chainHeads, processingLog: t.app.services.processingLog });
      const jobs = [job(a, rapportage(a.traject, { advies: 'a1' })), job(b, rapportage(b.traject, { advies: 'WEIGER' })), job(b, rapportage(b.traject, { advies: 'b1' }))];
      const settled = await Promise.allSettled(jobs.map((j) => appender.append(j)));
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      // The batch, then each upload alone.
      expect(counted.transactions).toBe(4);
      const [leftA, leftB] = await Promise.all([leftBehind(a.traject), leftBehind(b.traject)]);
      expect(leftA.rows).toHaveLength(1);
      expect(leftB.rows.map((r) => (r.body as { advies: string }).advies)).toEqual(['b1']);
      expect(leftB.verified).toMatchObject({ ok: true });
      expect(leftB.signals).toBe(1);
      expect(leftB.head).toMatchObject({ sequence: 1 });
    } finally {
      await t.db.prisma.$executeRawUnsafe('DROP TRIGGER kp_test_refuse_report ON rapportage');
      await t.db.prisma.$executeRawUnsafe('DROP FUNCTION kp_test_refuse_report()');
    }
  });
});
