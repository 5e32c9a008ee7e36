// Attacks on the auditor's part, through the HTTP API: every other role calling every auditor field
// and the export; an auditor reaching for case content or partner data; no token at all. Each
// refusal is checked together with what it must leave behind: the decision-log entry, and nothing
// else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { graphql } from '../support/graphql.js';
import { aroundToday, as, counts } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { PARTNER_TIMEOUT_MS: '5000' } });
});
afterAll(() => t?.close());

const fatima = findDemoPerson('client-fatima')!.bsn!;
const period = aroundToday();

const AUDITOR_FIELDS: [string, string, Record<string, unknown>][] = [
  ['controleKlant', 'query($i: KlantControleInvoer!) { controleKlant(invoer: $i) { bsn verwerkingen { bsn } } }', { i: { bsn: fatima, ...period, reden: 'Nieuwsgierig naar mijn buurvrouw' } }],
  ['controleMedewerker', 'query($i: MedewerkerControleInvoer!) { controleMedewerker(invoer: $i) { klanten } }', { i: { medewerker: 'km-jan', ...period, reden: 'Wat doet mijn collega' } }],
  ['controleWeigeringen', 'query($van: String!, $tot: String!) { controleWeigeringen(van: $van, tot: $tot) { weigeringen { id } } }', period],
  ['controleMedewerkers', 'query($van: String!, $tot: String!) { controleMedewerkers(van: $van, tot: $tot) { medewerker } }', period],
  ['controleSignalen', 'query($van: String!, $tot: String!) { controleSignalen(van: $van, tot: $tot) { id } }', period],
  ['controleRapport', 'query { controleRapport(maand: "2026-10") { medewerkers } }', {}],
  ['controleKetenintegriteit', 'query { controleKetenintegriteit { blokken } }', {}],
  ['legOpvolgingVast', 'mutation($i: OpvolgingInvoer!) { legOpvolgingVast(invoer: $i) { status } }', { i: { signaalId: `volume.2026-10-12.${'a'.repeat(20)}`, status: 'geen_misbruik', toelichting: 'Zelf afgehandeld' } }],
];

async function exportAs(person: string | undefined, body: Record<string, unknown>) {
  const res = await fetch(`${t.url}/controle/v1/export`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(person ? { authorization: `Bearer ${await t.token(person)}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as { code: string; detail: string } };
}

describe('only an auditor reads the logs', () => {
  for (const person of ['km-jan', 'rib-werkfit', 'client-fatima']) {
    it(`${person} is refused every auditor field and the export, on record, with nothing else written`, async () => {
      for (const [field, query, variables] of AUDITOR_FIELDS) {
        const before = await counts(t);
        const denials = await t.db.prisma.besluit.count({ where: { decision: 'deny', reason: 'role-not-auditor', action: { startsWith: 'controle:' } } });
        const r = await as(t, person, query, variables);
        expect(r.data?.[field] ?? null, field).toBeNull();
        expect(r.errors.map((e) => e.extensions.code), field).toEqual(['FORBIDDEN']);
        expect(await counts(t), field).toEqual(before);
        expect(await t.db.prisma.besluit.count({ where: { decision: 'deny', reason: 'role-not-auditor', action: { startsWith: 'controle:' } } }), field).toBe(denials + 1);
      }
      const before = await counts(t);
      const refused = await exportAs(person, { maand: '2026-10', reden: 'Even alles downloaden' });
      expect(refused).toMatchObject({ status: 403, type: expect.stringMatching(/problem\+json/), body: { code: 'FORBIDDEN' } });
      expect(await counts(t)).toEqual(before);
    });
  }

  it('without a token: 401 on the graph and the export', async () => {
    const r = await graphql(t.url, undefined, AUDITOR_FIELDS[0]![1], AUDITOR_FIELDS[0]![2]);
    expect(r.status).toBe(401);
    expect((await exportAs(undefined, { maand: '2026-10', reden: 'Zonder inloggen' })).status).toBe(401);
  });
});

describe('an auditor sees log metadata, never case content or partner data', () => {
  const traject = async () => (await t.db.prisma.traject.findFirstOrThrow({ where: { subjectBsn: fatima } })).id;
  const tries = async (): Promise<[string, string, Record<string, unknown>][]> => [
    ['klant', 'query($bsn: ID!) { klant(bsn: $bsn) { naam { volledigeNaam } uitkeringen { soort } } }', { bsn: fatima }],
    ['caseload', 'query { caseload { klanten { bsn } } }', {}],
    ['zoekKlanten', 'query { zoekKlanten(naam: "el") { bsn } }', {}],
    ['trajectRapportages', 'query($id: ID!) { trajectRapportages(trajectId: $id) { rapportages { id } } }', { id: await traject() }],
    ['mijnRapportageblok', 'query($id: ID!) { mijnRapportageblok(trajectId: $id) { blokId } }', { id: await traject() }],
    ['mijnRapportages', 'query { mijnRapportages { id } }', {}],
    ['signaleringen', 'query { signaleringen { id bsn } }', {}],
    ['mijnVerwerkingen', 'query { mijnVerwerkingen { tekst } }', {}],
    ['mijnToestemmingen', 'query { mijnToestemmingen { id } }', {}],
    ['toestemmingenVanMijnBureau', 'query { toestemmingenVanMijnBureau { id } }', {}],
  ];

  it('every field with case content or partner data is refused, and nothing is processed', async () => {
    for (const [field, query, variables] of await tries()) {
      const processed = await t.db.prisma.verwerking.count();
      const r = await as(t, 'auditor-amsterdam', query, variables);
      expect(r.data?.[field] ?? null, field).toBeNull();
      expect(r.errors.length, field).toBeGreaterThan(0);
      expect(['FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND'], field).toContain(r.errors[0]!.extensions.code);
      expect(await t.db.prisma.verwerking.count(), field).toBe(processed);
    }
    // The RIB's REST block is not theirs either.
    const res = await fetch(`${t.url}/rib/v1/trajecten/${await traject()}/rapportages`, { headers: { authorization: `Bearer ${await t.token('auditor-amsterdam')}` } });
    expect(res.status).toBe(403);
  });

  it('the auditor’s own answers carry no content: a client lookup shows metadata only', async () => {
    await as(t, 'km-jan', 'query($bsn: ID!) { klant(bsn: $bsn) { naam { volledigeNaam } adres { postcode } } }', { bsn: fatima });
    const r = await as(t, 'auditor-amsterdam', `query($i: KlantControleInvoer!) { controleKlant(invoer: $i) {
      klantKenmerk bsn van tot volgende
      verwerkingen { id op medewerker rol handeling doel doelOmschrijving soort uitkomst partners velden traceId klantKenmerk bsn }
      weigeringen { id op medewerker rol organisatie actie object reden uitleg beleid traceId klantKenmerk trajectId } } }`,
      { i: { bsn: fatima, ...period, reden: 'Controle op inhoud van het antwoord' } });
    expect(r.errors).toEqual([]);
    expect(r.data!.controleKlant.verwerkingen.length).toBeGreaterThan(0);
    const person = (await import('../../adapters/population/population.js')).population()[0]!;
    const answer = JSON.stringify(r.data);
    // Field names may be named (velden), never their values: no name, address or postcode.
    for (const secret of [person.achternaam, person.straat, person.telefoon, person.postcode.replace(' ', '')]) expect(answer).not.toContain(secret);
  });
});
