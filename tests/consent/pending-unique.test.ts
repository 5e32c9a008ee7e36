// "One pending consent request per RIB and trajectory" is a rule of the database itself (a partial
// unique index), not only of the code that counts first: two requests at the same moment, which
// both find nothing pending, still leave one request, and the other RIB call gets the same clear
// CONFLICT the count gives.
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dutchDay, toDateColumn } from '../../lib/dutch-day.js';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { usingPostgres } from '../support/database.js';
import { freshTraject } from '../rapportage/helpers.js';
import { endOf, gql, QUIET, REQUEST, rowCounts, WERKFIT } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: QUIET });
});
afterAll(() => t?.close());

const FATIMA = findDemoPerson('client-fatima')!.bsn!;
const ask = (traject: { id: string; endsOn: Date }) => ({ invoer: { trajectId: traject.id, bevoegdheden: ['rapportage:schrijven'], geldigTot: endOf(traject) } });
const ALREADY = 'a request for this trajectory is already waiting for the client';
const pendingOf = (trajectId: string) => t.db.prisma.consentRequest.count({ where: { trajectId, granteeOin: WERKFIT, status: 'pending' } });

/** A row as the code writes it, straight into the table. */
const requestRow = (trajectId: string, status: 'pending' | 'withdrawn') => ({
  trajectId, granteeOin: WERKFIT, subjectBsn: FATIMA, purpose: 'test', authorizationDetails: [], requestedThrough: toDateColumn(addDays(dutchDay(new Date()), 1)), createdBy: 'test', status,
});

describe('one pending consent request per RIB and trajectory', () => {
  it('the database refuses a second pending request, and allows any number that are no longer pending', async () => {
    const traject = await freshTraject(t, FATIMA, WERKFIT);
    await t.db.prisma.consentRequest.create({ data: requestRow(traject.id, 'pending') });
    await expect(t.db.prisma.consentRequest.create({ data: requestRow(traject.id, 'pending') })).rejects.toMatchObject({ code: 'P2002' });
    await t.db.prisma.consentRequest.create({ data: requestRow(traject.id, 'withdrawn') });
    await t.db.prisma.consentRequest.create({ data: requestRow(traject.id, 'withdrawn') });
    expect(await pendingOf(traject.id)).toBe(1);
  });

  it('requests sent at the same moment leave one pending request; the others get CONFLICT', async () => {
    const traject = await freshTraject(t, FATIMA, WERKFIT);
    const answers = await Promise.all(Array.from({ length: 6 }, () => gql(t, 'rib-werkfit', REQUEST, ask(traject))));
    const created = answers.filter((a) => a.data?.vraagToestemming);
    expect(created).toHaveLength(1);
    for (const a of answers.filter((x) => !x.data?.vraagToestemming)) {
      expect(a.codes).toEqual(['CONFLICT']);
      expect(a.errors[0]!.message).toContain(ALREADY);
    }
    expect(await pendingOf(traject.id)).toBe(1);
    expect(await t.db.prisma.consentEvent.count({ where: { request: { trajectId: traject.id }, type: 'requested' } })).toBe(1);
  });

  // Deterministic proof that the index, not the count, decides: the count runs while another
  // pending request is inserted but not yet committed, so it sees none; the insert then waits on
  // the index and fails when the other commits. Needs a second connection: PostgreSQL only.
  it.skipIf(!usingPostgres)('a request whose count saw nothing still loses to one committed meanwhile, with the same CONFLICT and nothing written', async () => {
    const traject = await freshTraject(t, FATIMA, WERKFIT);
    const other = new pg.Client({ connectionString: t.config.DATABASE_URL });
    await other.connect();
    try {
      await other.query('BEGIN');
      const id = randomUUID();
      await other.query(
        `INSERT INTO consent_request (id, traject_id, grantee_oin, subject_bsn, purpose, authorization_details, requested_through, created_by)
         VALUES ($1, $2, $3, $4, 'test', '[]', current_date + 1, 'other')`,
        [id, traject.id, WERKFIT, FATIMA],
      );
      const before = await rowCounts(t);
      const answer = gql(t, 'rib-werkfit', REQUEST, ask(traject));
      // Wait until the gateway's insert is blocked on the other transaction's index entry.
      for (let i = 0; i < 200; i++) {
        const { rows } = await other.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
        if (rows[0].n > 0) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      await other.query('COMMIT');
      const res = await answer;
      expect(res.codes).toEqual(['CONFLICT']);
      expect(res.errors[0]!.message).toContain(ALREADY);
      // Only the other transaction's row came in: no request, event or processing-log row of the refused one.
      expect(await rowCounts(t)).toEqual({ ...before, consentRequest: before.consentRequest + 1 });
      expect(await t.db.prisma.consentRequest.findMany({ where: { trajectId: traject.id }, select: { id: true } })).toEqual([{ id }]);
    } finally {
      await other.end();
    }
  });
});
