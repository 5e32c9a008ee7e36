// A klantmanager's view of a client whose caseload answer the gateway does not have at hand is
// decided from the gemeente's own answer to `klant(bsn)` (policy.ts, ownerDecides): one call to the
// gemeente instead of a membership question followed by the fetch; UWV and CWI are asked only for
// a client the gemeente returned; the decision is on record before anything leaves.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG } from '../../adapters/population/organisations.js';
import { population } from '../../adapters/population/population.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { graphql, type GraphqlAnswer } from '../support/graphql.js';
import { subjectKeyBytes } from '../../gateway/logs/subject-id.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { PARTNER_TIMEOUT_MS: '800', LOG_LEVEL: 'fatal' } });
});
afterAll(() => t?.close());

const amsterdam = population().filter((c) => c.gemeenteOin === ORG.amsterdam.oin);
const leiden = population().find((c) => c.gemeenteOin === ORG.leiden.oin)!;
const VIEW = `query($bsn: ID!) { klant(bsn: $bsn) { bsn naam { volledigeNaam } uitkeringen { soort } inschrijving { status } } }`;
const PARTNERS = ['gemeente', 'uwv', 'cwi'] as const;

/** What `fn` answers, with the calls the gateway made to each partner's adapter meanwhile. */
async function counted<T>(fn: () => Promise<T>): Promise<{ r: T; calls: Record<(typeof PARTNERS)[number], number> }> {
  const origins = new Map(PARTNERS.map((p) => [new URL(t.runtime.partners.urls[p]).origin, p]));
  const calls = { gemeente: 0, uwv: 0, cwi: 0 };
  const onCreate = (m: unknown) => {
    const partner = origins.get((m as { request: { origin: string } }).request.origin);
    if (partner) calls[partner]++;
  };
  subscribe('undici:request:create', onCreate);
  try {
    return { r: await fn(), calls };
  } finally {
    unsubscribe('undici:request:create', onCreate);
  }
}

/** The view as km-jan (Amsterdam). */
const view = async (bsn: string): Promise<{ r: GraphqlAnswer; calls: Record<(typeof PARTNERS)[number], number> }> => {
  const token = await t.token('km-jan');
  return counted(() => graphql(t.url, token, VIEW, { bsn }));
};

const keyOf = (bsn: string) => t.app.services.subjectKey(bsn);
const decisions = async (bsn: string) =>
  (await t.db.prisma.besluit.findMany({ where: { resource: `klant:${keyOf(bsn)}` }, orderBy: { id: 'asc' } })).map((d) => [d.decision, d.reason]);
const reads = (bsn: string) => t.db.prisma.verwerking.count({ where: { subjectKey: subjectKeyBytes(keyOf(bsn)) } });

describe('a klantmanager opening a client the gateway has no caseload answer for', () => {
  it('on the caseload: one call to each partner, the permit and the read on record; the next view is decided before the fetch', async () => {
    const client = amsterdam[3]!;
    const first = await view(client.bsn);
    expect(first.r.errors).toEqual([]);
    expect(first.r.data!.klant.bsn).toBe(client.bsn);
    expect(first.r.data!.klant.inschrijving.status).toBeTruthy();
    // Before, the gemeente was asked twice in a row: "on the caseload?", then the view.
    expect(first.calls).toEqual({ gemeente: 1, uwv: 1, cwi: 1 });
    expect(await decisions(client.bsn)).toEqual([['permit', 'on-caseload']]);
    expect(await reads(client.bsn)).toBe(1);

    const second = await view(client.bsn);
    expect(second.r.errors).toEqual([]);
    expect(second.calls).toEqual({ gemeente: 1, uwv: 1, cwi: 1 });
    expect(await decisions(client.bsn)).toEqual([['permit', 'on-caseload'], ['permit', 'on-caseload']]);
    expect(await reads(client.bsn)).toBe(2);
  });

  it("off the caseload (another gemeente's client): FORBIDDEN, the denial on record, UWV and CWI never asked, nothing read; asked again, not even the gemeente", async () => {
    const first = await view(leiden.bsn);
    expect(first.r.data?.klant ?? null).toBeNull();
    expect(first.r.errors.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
    expect(first.r.errors[0]!.message).toBe('you may not see this client');
    expect(JSON.stringify(first.r)).not.toContain(leiden.achternaam);
    expect(first.calls).toEqual({ gemeente: 1, uwv: 0, cwi: 0 });
    expect(await decisions(leiden.bsn)).toEqual([['deny', 'not-on-caseload']]);
    expect(await reads(leiden.bsn)).toBe(0);

    const again = await view(leiden.bsn);
    expect(again.r.errors.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
    expect(again.calls).toEqual({ gemeente: 0, uwv: 0, cwi: 0 });
    expect(await decisions(leiden.bsn)).toEqual([['deny', 'not-on-caseload'], ['deny', 'not-on-caseload']]);
  });

  it('a BSN nobody has: the same FORBIDDEN, the denial on record', async () => {
    const nobody = await view('999999990');
    expect(nobody.r.data?.klant ?? null).toBeNull();
    expect(nobody.r.errors.map((e) => [e.extensions.code, e.message])).toEqual([['FORBIDDEN', 'you may not see this client']]);
    expect(nobody.calls).toEqual({ gemeente: 1, uwv: 0, cwi: 0 });
    expect(await decisions('999999990')).toEqual([['deny', 'not-on-caseload']]);
  });

  it('beside another root field, still asks first: a refusal fetches nothing for the other field', async () => {
    const token = await t.token('km-jan');
    const other = population().filter((c) => c.gemeenteOin === ORG.leiden.oin)[1]!;
    const both = `query($a: ID!, $b: ID!) { a: klant(bsn: $a) { bsn uitkeringen { soort } } b: klant(bsn: $b) { bsn uitkeringen { soort } } }`;
    const { r, calls } = await counted(() => graphql(t.url, token, both, { a: amsterdam[7]!.bsn, b: other.bsn }));
    expect(r.data ?? null).toBeNull();
    expect(r.errors.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
    // Two membership questions, no view fetched, UWV and CWI never asked.
    expect(calls).toEqual({ gemeente: 2, uwv: 0, cwi: 0 });
    expect(await reads(amsterdam[7]!.bsn)).toBe(0);
  });

  // Last: it stops the gemeente's sandbox.
  it('with the gemeente down: PARTNER_UNAVAILABLE naming the gemeente, a denial on record, UWV and CWI never asked, nothing read', async () => {
    const client = amsterdam[5]!;
    await t.runtime.partners.stopSandbox('gemeente');
    const { r, calls } = await view(client.bsn);
    expect(r.data?.klant ?? null).toBeNull();
    expect(r.errors.map((e) => [e.extensions.code, e.extensions.partner])).toEqual([['PARTNER_UNAVAILABLE', 'gemeente']]);
    expect(JSON.stringify(r)).not.toContain(client.achternaam);
    expect(calls).toMatchObject({ uwv: 0, cwi: 0 });
    expect(await decisions(client.bsn)).toEqual([['deny', 'partner_unavailable']]);
    expect(await reads(client.bsn)).toBe(0);
  });
});
