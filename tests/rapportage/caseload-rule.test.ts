// Attacks on the klantmanager's trajectory actions: every action that names a client passes the
// caseload rule of the combined view (the client is on the caseload of the klantmanager's own
// gemeente, as the gemeente answers), and only a bureau under contract with that gemeente can be
// assigned. Each refusal: FORBIDDEN, the same for a BSN nobody has, nothing stored, and a denial in
// the decision log.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG } from '../../adapters/population/organisations.js';
import { population, syntheticBsn } from '../../adapters/population/population.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { gql, newTrace, WERKFIT, AANDESLAG } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const amsterdamClient = population().find((c) => c.gemeenteOin === ORG.amsterdam.oin && c.trajecten.length === 0)!;
const leidenClient = population().find((c) => c.gemeenteOin === ORG.leiden.oin)!;
/** Valid by the elfproef, and nobody's: far outside the synthetic population. */
const nobody = syntheticBsn(987_654);

const ASSIGN = `mutation($w: TrajectToewijzingInput!) { wijsTrajectToe(toewijzing: $w) { trajectId status } }`;
const END = `mutation($id: ID!) { beeindigTraject(trajectId: $id) { status } }`;
const READ = `query($id: ID!) { trajectRapportages(trajectId: $id) { blokId } }`;
const BUREAUS = `{ gecontracteerdeBureaus { oin naam soort } }`;
const toewijzing = (bsn: string, bureauOin: string = WERKFIT, gemeenteKenmerk = `TRJ-AANVAL-${randomUUID()}`) => ({
  bsn, gemeenteKenmerk, titel: 'Taal en werk', startdatum: '2026-11-01', einddatum: '2027-05-01', bureauOin,
});

async function counts() {
  const p = t.db.prisma;
  const [trajecten, blokken, openBlokken, verwerkingen, verzoeken, consents] = await Promise.all([
    p.traject.count(),
    p.rapportageBlok.count(),
    p.rapportageBlok.count({ where: { status: 'open' } }),
    p.verwerking.count(),
    p.consentRequest.count(),
    p.consent.count(),
  ]);
  return { trajecten, blokken, openBlokken, verwerkingen, verzoeken, consents };
}

async function refused(person: string, query: string, variables: Record<string, unknown>) {
  const before = await counts();
  const trace = newTrace();
  const r = await gql(t, person, query, variables, { traceparent: trace.traceparent });
  expect(r.codes).toEqual(['FORBIDDEN']);
  expect(r.data).toBeNull();
  expect(await counts()).toEqual(before);
  const decisions = await t.db.prisma.besluit.findMany({ where: { traceId: trace.traceId }, orderBy: { id: 'asc' } });
  // The last word is a denial (a contract refusal may follow the caseload rule's permit).
  expect(decisions.at(-1)?.decision).toBe('deny');
  return { status: r.status, message: r.errors[0]!.message, decisions };
}

/** An Amsterdam trajectory of a client the gemeente now places in Leiden's caseload. */
async function movedTraject() {
  return t.db.prisma.traject.create({
    data: {
      gemeenteOin: ORG.amsterdam.oin, externalId: `TRJ-VERHUISD-${randomUUID()}`, subjectBsn: leidenClient.bsn, title: 'Werkfit-traject',
      startsOn: new Date('2026-10-01T00:00:00Z'), endsOn: new Date('2027-04-01T00:00:00Z'), createdBy: 'test',
      blokken: { create: { ribOin: WERKFIT, openedBy: 'test' } },
    },
  });
}

describe('the caseload rule on trajectory actions', () => {
  it('refuses to attach a client of another gemeente, and answers a BSN nobody has the same way', async () => {
    const other = await refused('km-jan', ASSIGN, { w: toewijzing(leidenClient.bsn) });
    expect(other.decisions.map((d) => [d.action, d.reason])).toEqual([['traject:toewijzen', 'not-on-caseload']]);
    const none = await refused('km-jan', ASSIGN, { w: toewijzing(nobody) });
    expect(none.status).toBe(other.status);
    expect(none.message).toBe(other.message);
    expect(none.decisions.map((d) => [d.action, d.reason])).toEqual([['traject:toewijzen', 'not-on-caseload']]);
    // The decision names the client by keyed hash only, never the BSN.
    expect(JSON.stringify(none.decisions, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(nobody);
  });

  it('refuses a klantmanager of another gemeente the same way', async () => {
    const leidenKm = await refused('km-sanne', ASSIGN, { w: toewijzing(amsterdamClient.bsn) });
    const none = await refused('km-sanne', ASSIGN, { w: toewijzing(nobody) });
    expect(leidenKm.message).toBe(none.message);
    expect(leidenKm.decisions.map((d) => d.reason)).toEqual(['not-on-caseload']);
  });

  it('refuses to reassign an existing trajectory once its client is off the caseload', async () => {
    const moved = await movedTraject();
    const again = await refused('km-jan', ASSIGN, { w: toewijzing(leidenClient.bsn, AANDESLAG, moved.externalId) });
    expect(again.decisions.map((d) => d.reason)).toEqual(['not-on-caseload']);
    const blokken = await t.db.prisma.rapportageBlok.findMany({ where: { trajectId: moved.id } });
    expect(blokken.map((b) => [b.ribOin, b.status])).toEqual([[WERKFIT, 'open']]);
  });

  it('refuses to read or end a trajectory of its own gemeente once the client is no longer on its caseload', async () => {
    const moved = await movedTraject();
    const read = await refused('km-jan', READ, { id: moved.id });
    expect(read.decisions.map((d) => [d.action, d.reason])).toEqual([['rapportage:lezen', 'not-on-caseload']]);
    const end = await refused('km-jan', END, { id: moved.id });
    expect(end.decisions.map((d) => [d.action, d.reason])).toEqual([['traject:beeindigen', 'not-on-caseload']]);
    expect((await t.db.prisma.traject.findUniqueOrThrow({ where: { id: moved.id } })).status).toBe('active');
  });
});

describe('purchase contracts', () => {
  it('assigns only a bureau the gemeente has a running contract with', async () => {
    // Leiden buys from Werkfit only (demo contracts).
    const noContract = await refused('km-sanne', ASSIGN, { w: toewijzing(leidenClient.bsn, AANDESLAG) });
    expect(noContract.decisions.map((d) => [d.reason, d.decision])).toEqual([['on-caseload', 'permit'], ['no-contract', 'deny']]);
    const key = { gemeenteOin_ribOin: { gemeenteOin: ORG.amsterdam.oin, ribOin: AANDESLAG } };
    try {
      // A contract that has ended counts as none, and so does one that has not started yet.
      await t.db.prisma.inkoopcontract.update({ where: key, data: { validUntil: new Date('2026-01-01T00:00:00Z') } });
      await refused('km-jan', ASSIGN, { w: toewijzing(amsterdamClient.bsn, AANDESLAG) });
      await t.db.prisma.inkoopcontract.update({ where: key, data: { validFrom: new Date('2099-01-01T00:00:00Z'), validUntil: null } });
      await refused('km-jan', ASSIGN, { w: toewijzing(amsterdamClient.bsn, AANDESLAG) });
    } finally {
      await t.db.prisma.inkoopcontract.update({ where: key, data: { validFrom: new Date('2025-01-01T00:00:00Z'), validUntil: null } });
    }
    // Under contract and on the caseload: assigned.
    const ok = await gql(t, 'km-jan', ASSIGN, { w: toewijzing(amsterdamClient.bsn, AANDESLAG) });
    expect(ok.errors).toEqual([]);
    expect(ok.data!.wijsTrajectToe.status).toBe('actief');
  });

  it('lists the bureaus under contract to their own gemeente only, and to nobody else', async () => {
    const jan = await gql(t, 'km-jan', BUREAUS);
    expect(jan.data!.gecontracteerdeBureaus.map((b: { oin: string }) => b.oin).sort()).toEqual([WERKFIT, AANDESLAG].sort());
    const sanne = await gql(t, 'km-sanne', BUREAUS);
    expect(sanne.data!.gecontracteerdeBureaus.map((b: { oin: string }) => b.oin)).toEqual([WERKFIT]);
    for (const person of ['rib-werkfit', 'client-fatima', 'auditor-amsterdam']) {
      const r = await gql(t, person, BUREAUS);
      expect(r.codes, person).toEqual(['FORBIDDEN']);
      expect(r.data).toBeNull();
    }
  });
});
