// A view's permit and its processing-log rows go to the database in one statement and one commit
// (gateway/logs/log-writer.ts, gateway/graph/plugin.ts), checked through the transaction id each
// row was written in (xmin); and a permit whose request ended before its processing rows could be
// written still goes on record.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ORG } from '../../adapters/population/organisations.js';
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
const amsterdam = population().filter((c) => c.gemeenteOin === ORG.amsterdam.oin);
const VIEW = `query($bsn: ID!) { klant(bsn: $bsn) { bsn naam { volledigeNaam } uitkeringen { soort } inschrijving { status } } }`;

/** The view with a traceparent of our own, so the rows it writes can be found by their trace id. */
async function view(persona: string, bsn: string) {
  const traceId = randomHex(16);
  const r = await graphql(t.url, await t.token(persona), VIEW, { bsn }, { traceparent: `00-${traceId}-${randomHex(8)}-01` });
  return { r, traceId };
}

/** The transaction ids the trace's rows were written in, per table. */
async function transactions(traceId: string) {
  const of = async (table: string) =>
    (await t.db.query(`SELECT xmin::text AS x, ${table === 'besluit' ? 'decision' : 'name'} AS what FROM ${table} WHERE trace_id = $1`, [traceId])) as { x: string; what: string }[];
  return { besluit: await of('besluit'), verwerking: await of('verwerking') };
}

describe("a view's log rows", () => {
  it("a client's own view: the permit and the processing row commit together", async () => {
    const { r, traceId } = await view('client-fatima', fatima.bsn);
    expect(r.errors).toEqual([]);
    const { besluit, verwerking } = await transactions(traceId);
    expect(besluit.map((b) => b.what)).toEqual(['permit']);
    expect(verwerking).toHaveLength(1);
    expect(verwerking[0]!.x).toBe(besluit[0]!.x);
  });

  it("a klantmanager's view, decided from the gemeente's answer and then from the caseload answer at hand: one commit each time", async () => {
    const client = amsterdam[9]!;
    for (let i = 0; i < 2; i++) {
      const { r, traceId } = await view('km-jan', client.bsn);
      expect(r.errors).toEqual([]);
      const { besluit, verwerking } = await transactions(traceId);
      expect(besluit.map((b) => b.what)).toEqual(['permit']);
      expect(verwerking).toHaveLength(1);
      expect(verwerking[0]!.x).toBe(besluit[0]!.x);
    }
  });

  it("a view whose processing rows cannot be made: no data, nothing read, the permit still on record", async () => {
    const failing = randomHex(16);
    // Fault injection after the permit: making the view's processing rows fails for this request.
    const rows = vi.spyOn(t.app.services.processingLog, 'rows').mockImplementationOnce(() => {
      throw new Error('injected failure after the permit');
    });
    try {
      const r = await graphql(t.url, await t.token('client-fatima'), VIEW, { bsn: fatima.bsn }, { traceparent: `00-${failing}-${randomHex(8)}-01` });
      expect(rows).toHaveBeenCalledTimes(1);
      expect(r.data?.klant ?? null).toBeNull();
      expect(r.errors.length).toBeGreaterThan(0);
      expect(JSON.stringify(r)).not.toContain(fatima.achternaam);
    } finally {
      rows.mockRestore();
    }
    // Written once the response has gone.
    const written = await until('the permit on record', async () => {
      const rows = await transactions(failing);
      return rows.besluit.length > 0 && rows;
    }, 5000, 50);
    expect(written.besluit.map((b) => b.what)).toEqual(['permit']);
    expect(written.verwerking).toEqual([]);
  });
});
