import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { population } from '../../adapters/population/population.js';
import { ORG } from '../../adapters/population/organisations.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { graphql } from '../support/graphql.js';
import { subjectKeyHex } from '../../gateway/logs/subject-id.js';

// The klantmanager's combined werk/inkomen view, through the gateway's HTTP endpoint.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { PARTNER_TIMEOUT_MS: '800', LOG_LEVEL: 'error' } });
});
afterAll(() => t?.close());

const fatima = population()[0]!; // Amsterdam, WW, trajectory with Werkfit
const leidenClient = population().find((c) => c.gemeenteOin === ORG.leiden.oin)!;

const KLANTBEELD = `query($bsn: ID!) { klant(bsn: $bsn) {
  bsn naam { volledigeNaam } adres { postcode } klantmanager
  bijstand { status }
  uitkeringen { soort status einddatum }
  inschrijving { status } werkprofiel { eigenVervoer rijbewijzen beroepen { naam } }
  sollicitaties { functie }
  trajecten { titel status rapportageblokken { rib { naam } status } }
} }`;

async function verwerkingen() {
  return t.db.prisma.verwerking.findMany({ orderBy: { id: 'asc' } });
}

describe('combined view', () => {
  it('joins fields from UWV, CWI, the gemeente and the chain for a client on the caseload', async () => {
    const before = (await verwerkingen()).length;
    const r = await graphql(t.url, await t.token('km-jan'), KLANTBEELD, { bsn: fatima.bsn });
    expect(r.errors).toEqual([]);
    const k = r.data!.klant;
    expect(k.naam.volledigeNaam).toContain('Fatima');
    expect(k.uitkeringen.length).toBeGreaterThan(0); // UWV
    expect(k.inschrijving).not.toBeNull(); // CWI
    expect(k.werkprofiel.beroepen.length).toBeGreaterThan(0); // CWI
    expect(k.adres.postcode).toBe(fatima.postcode.replace(' ', '')); // gemeente
    expect(k.trajecten).toEqual([
      { titel: 'Werkfit-traject', status: 'actief', rapportageblokken: [{ rib: { naam: ORG.werkfit.name }, status: 'open' }] },
    ]);

    // Exactly one processing-log entry for this read, naming the partners and fields.
    const after = await verwerkingen();
    expect(after.length).toBe(before + 1);
    const entry = after.at(-1)!;
    expect(entry.actorOin).toBe(ORG.amsterdam.oin);
    expect(entry.actorSubject).toBe('km-jan');
    expect(entry.operation).toBe('read');
    expect(entry.partners).toEqual(['cwi', 'gemeente', 'uwv']);
    expect(entry.fields).toEqual(expect.arrayContaining(['uitkeringen', 'werkprofiel', 'adres', 'trajecten']));
    expect(entry.processingActivityId).toMatch(/klantbeeld/);
    expect(entry.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(entry.subjectEncrypted).not.toContain(fatima.bsn);
  });

  it('answers FORBIDDEN for a client off the caseload, the same as for a BSN nobody has', async () => {
    const token = await t.token('km-jan');
    const before = await t.db.prisma.besluit.count({ where: { decision: 'deny' } });
    const processedBefore = (await verwerkingen()).length;
    const offCaseload = await graphql(t.url, token, KLANTBEELD, { bsn: leidenClient.bsn });
    const nobody = await graphql(t.url, token, KLANTBEELD, { bsn: '999999990' });
    for (const r of [offCaseload, nobody]) {
      expect(r.data?.klant ?? null).toBeNull();
      expect(r.errors.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
      expect(r.errors[0]!.message).toBe('you may not see this client');
    }
    // Logged as decisions, and nothing processed.
    expect(await t.db.prisma.besluit.count({ where: { decision: 'deny' } })).toBe(before + 2);
    expect((await verwerkingen()).length).toBe(processedBefore);
  });

  it('refuses a RIB and lets a client see only themselves', async () => {
    const rib = await graphql(t.url, await t.token('rib-werkfit'), KLANTBEELD, { bsn: fatima.bsn });
    expect(rib.errors[0]!.extensions.code).toBe('FORBIDDEN');
    expect(rib.data?.klant ?? null).toBeNull();
    const self = await graphql(t.url, await t.token('client-fatima'), KLANTBEELD, { bsn: fatima.bsn });
    expect(self.errors).toEqual([]);
    expect(self.data!.klant.bsn).toBe(fatima.bsn);
    const other = await graphql(t.url, await t.token('client-fatima'), KLANTBEELD, { bsn: population()[1]!.bsn });
    expect(other.errors[0]!.extensions.code).toBe('FORBIDDEN');
  });

  it('refuses a malformed BSN with BAD_USER_INPUT naming the argument', async () => {
    const r = await graphql(t.url, await t.token('km-jan'), KLANTBEELD, { bsn: '123456789' });
    expect(r.errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
    expect(r.errors[0]!.message).toMatch(/^bsn:/);
  });

  it('refuses root fields that are not for callers, such as the caseload membership check', async () => {
    const r = await graphql(t.url, await t.token('km-jan'), `query($b: ID!) { caseloadLidmaatschap(bsn: $b) { gemeenteOin } }`, { b: fatima.bsn });
    expect(r.errors[0]!.extensions.code).toBe('FORBIDDEN');
  });
});

describe('caseload', () => {
  it("lists only the klantmanager's own organisation's clients, with one processing-log entry per client", async () => {
    const before = (await verwerkingen()).length;
    const r = await graphql(t.url, await t.token('km-jan'), `{ caseload(eerste: 50) { totaal klanten { bsn naam { volledigeNaam } uitkeringen { soort } inschrijving { status } } } }`);
    expect(r.errors).toEqual([]);
    const klanten = r.data!.caseload.klanten as { bsn: string }[];
    const amsterdam = population().filter((c) => c.gemeenteOin === ORG.amsterdam.oin).map((c) => c.bsn);
    expect(klanten.length).toBe(Math.min(50, amsterdam.length));
    for (const k of klanten) expect(amsterdam).toContain(k.bsn);
    const after = await verwerkingen();
    expect(after.length).toBe(before + klanten.length);
    expect(JSON.stringify(r.data)).not.toContain('__kp');
  });

  it('logs exactly the clients an answer shows, whether the query asks for their BSN, renames it, or leaves it out', async () => {
    const token = await t.token('km-jan');
    const keyOf = (bsn: string) => t.app.services.subjectKey(bsn);
    const shown = (await graphql(t.url, token, `{ caseload(eerste: 5) { klanten { bsn } } }`)).data!.caseload.klanten.map((k: { bsn: string }) => k.bsn) as string[];

    // No bsn selected: the gateway adds a hidden one, and strips it before the answer leaves.
    let before = (await verwerkingen()).length;
    const noBsn = await graphql(t.url, token, `{ caseload(eerste: 5) { klanten { naam { volledigeNaam } } } }`);
    expect(noBsn.errors).toEqual([]);
    expect(JSON.stringify(noBsn.data)).not.toContain('__kp');
    let added = (await verwerkingen()).slice(before);
    expect(added.map((v) => subjectKeyHex(v.subjectKey)).sort()).toEqual(shown.map(keyOf).sort());

    // The bsn under an alias, and the Klant itself under an alias.
    before = (await verwerkingen()).length;
    const renamed = await graphql(t.url, token, `query($b: ID!) { wie: klant(bsn: $b) { nummer: bsn naam { volledigeNaam } } }`, { b: fatima.bsn });
    expect(renamed.data!.wie.nummer).toBe(fatima.bsn);
    added = (await verwerkingen()).slice(before);
    expect(added.map((v) => subjectKeyHex(v.subjectKey))).toEqual([keyOf(fatima.bsn)]);

    // The bsn only under @include: not relied upon, the hidden one is added.
    before = (await verwerkingen()).length;
    const maybe = await graphql(t.url, token, `query($b: ID!, $m: Boolean!) { klant(bsn: $b) { bsn @include(if: $m) telefoon } }`, { b: fatima.bsn, m: false });
    expect(maybe.data!.klant).toEqual({ telefoon: expect.any(String) });
    added = (await verwerkingen()).slice(before);
    expect(added.map((v) => subjectKeyHex(v.subjectKey))).toEqual([keyOf(fatima.bsn)]);
  });

  it('searches the caseload by name and postcode', async () => {
    const token = await t.token('km-jan');
    const byPostcode = await graphql(t.url, token, `query($p: String) { zoekKlanten(postcode: $p) { bsn } }`, { p: fatima.postcode });
    expect(byPostcode.data!.zoekKlanten.map((k: { bsn: string }) => k.bsn)).toContain(fatima.bsn);
    const byName = await graphql(t.url, token, `query($n: String) { zoekKlanten(naam: $n) { bsn } }`, { n: 'el Amrani' });
    expect(byName.data!.zoekKlanten.map((k: { bsn: string }) => k.bsn)).toContain(fatima.bsn);
  });
});
