// Fail closed: when the processing log or the decision log cannot take the rows of a view, the
// view's data does not leave; the caller is told the service is unavailable and may retry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { population } from '../../adapters/population/population.js';
import { randomHex } from '../../lib/random.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { graphql } from '../support/graphql.js';
import { until } from '../support/until.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { LOG_LEVEL: 'fatal' } });
});
afterAll(() => t?.close());

const fatima = population()[0]!;
const VIEW = `query($bsn: ID!) { klant(bsn: $bsn) { bsn naam { volledigeNaam } telefoon uitkeringen { soort } } }`;

/** While `fn` runs, the database refuses the rows `check` excludes (NOT VALID: old rows stay). */
async function refusing(table: string, check: string, fn: () => Promise<void>) {
  await t.db.prisma.$executeRawUnsafe(`ALTER TABLE ${table} ADD CONSTRAINT kp_test_refuse CHECK (${check}) NOT VALID`);
  try {
    await fn();
  } finally {
    await t.db.prisma.$executeRawUnsafe(`ALTER TABLE ${table} DROP CONSTRAINT kp_test_refuse`);
  }
}

describe('a view whose log rows cannot be written', () => {
  it('answers SERVICE_UNAVAILABLE without data when the processing log refuses', async () => {
    const token = await t.token('km-jan');
    await refusing('verwerking', `name <> 'klantbeeld bekeken'`, async () => {
      const r = await graphql(t.url, token, VIEW, { bsn: fatima.bsn });
      expect(r.data ?? null).toBeNull();
      expect(r.errors.map((e) => e.extensions.code)).toEqual(['SERVICE_UNAVAILABLE']);
      expect(JSON.stringify(r)).not.toContain(fatima.telefoon);
    });
    const again = await graphql(t.url, token, VIEW, { bsn: fatima.bsn });
    expect(again.errors).toEqual([]);
    expect(again.data!.klant.telefoon).toBe(fatima.telefoon);
  });

  it('keeps the permit on record when only the processing log refuses', async () => {
    // The permit and the processing row go as one statement; the refused row must not take the
    // decision that was made with it.
    const traceId = randomHex(16);
    const count = async (table: string, extra = '') =>
      Number(((await t.db.query(`SELECT count(*)::int AS n FROM ${table} WHERE trace_id = $1${extra}`, [traceId])) as { n: number }[])[0]!.n);
    await refusing('verwerking', `name <> 'klantbeeld bekeken'`, async () => {
      const r = await graphql(t.url, await t.token('km-jan'), VIEW, { bsn: fatima.bsn }, { traceparent: `00-${traceId}-${randomHex(8)}-01` });
      expect(r.data ?? null).toBeNull();
      expect(r.errors.map((e) => e.extensions.code)).toEqual(['SERVICE_UNAVAILABLE']);
      // Written once the refusal has gone.
      await until('the permit on record', async () => (await count('besluit')) > 0, 5000, 50);
    });
    expect(await count('besluit', ` AND decision = 'permit'`)).toBe(1);
    expect(await count('verwerking')).toBe(0);
  });

  it('answers SERVICE_UNAVAILABLE without data when the decision log refuses the permit', async () => {
    const token = await t.token('km-jan');
    await refusing('besluit', `action <> 'klantbeeld:lezen' OR decision <> 'permit'`, async () => {
      const r = await graphql(t.url, token, VIEW, { bsn: population()[6]!.bsn });
      expect(r.data ?? null).toBeNull();
      expect(r.errors.map((e) => e.extensions.code)).toEqual(['SERVICE_UNAVAILABLE']);
    });
  });
});
