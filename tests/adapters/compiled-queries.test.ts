// The adapters run a query the interpreter's way the first time and compiled (graphql-jit, mercurius
// `jit: 1`) every time after: the gateway sends the same few query texts over and over, and the
// compiled form costs a third less CPU on a caseload of 300 (bench/compare.ts). A compiled query
// must answer exactly as the interpreter did: the same data, the same nulls for clients a caller
// may not see or the partner does not know, the same errors with the same codes and paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Partner } from '../../adapters/common/partner.js';
import { ORG } from '../../adapters/population/organisations.js';
import { population } from '../../adapters/population/population.js';
import { createTestSigner, type TestSigner, type TokenClaims } from './internal-tokens.js';
import { entitiesQuery, graphql, representations } from './loopback.js';
import { startPair, type Pair } from './pair.js';

const amsterdammers = population().filter((c) => c.gemeenteOin === ORG.amsterdam.oin);
const leidenaar = population().find((c) => c.gemeenteOin === ORG.leiden.oin)!;
/** A valid BSN (eleven-test) that no partner knows. */
const UNKNOWN = '999999990';

const KLANT_FIELDS = `bsn naam { voornamen voorvoegsel achternaam volledigeNaam } geboortedatum
  adres { straat huisnummer postcode woonplaats } telefoon email klantnummer gemeenteOin klantmanager
  bijstand { dossiernummer regeling leefvorm status ingangsdatum einddatum normbedragPerMaand kortingPerMaand bedragPerMaand }
  gemeentelijkeTrajecten { id titel ribOin startdatum einddatum status }
  afspraken { id datum begintijd eindtijd onderwerp plaats metWie status }`;
const UWV_FIELDS = `bsn uitkeringen { id soort status ingangsdatum einddatum bedragPerMaand dagloon uitkeringspercentage
  arbeidsongeschiktheidspercentage beeindigingsreden laatstGewijzigdOp }`;
const CWI_FIELDS = `bsn inschrijving { inschrijvingsnummer inschrijfdatum uitschrijfdatum status vestiging }
  werkprofiel { opleidingsniveau opleidingen { naam niveau diploma jaarAfgerond } rijbewijzen eigenVervoer
    beroepen { code naam ervaringInJaren gewenst } urenPerWeek laatstGewijzigdOp }
  sollicitaties { id datum werkgever functie vacaturenummer kanaal resultaat }
  vacatureMatches { id matchscore gematchtOp vacature { vacaturenummer titel beroepscode werkgever plaats urenPerWeek publicatiedatum sluitingsdatum } }`;

const bsns = [...amsterdammers.slice(0, 12).map((c) => c.bsn), leidenaar.bsn, UNKNOWN];

type Case = { name: string; query: string; variables?: Record<string, unknown>; claims?: TokenClaims };
const SYSTEM: TokenClaims = { role: 'system', sub: 'ketenpoort' };
const CASES: Record<Partner, Case[]> = {
  gemeente: [
    { name: 'a caseload page with every field', query: `{ caseload(eerste: 25) { totaal volgende klanten { ${KLANT_FIELDS} } } }` },
    { name: "one of the caller's klanten", query: `query($bsn: ID!) { klant(bsn: $bsn) { ${KLANT_FIELDS} } }`, variables: { bsn: amsterdammers[0]!.bsn } },
    { name: "another gemeente's klant (null)", query: `query($bsn: ID!) { klant(bsn: $bsn) { bsn naam { volledigeNaam } } }`, variables: { bsn: leidenaar.bsn } },
    { name: 'entities, known, foreign and unknown', query: entitiesQuery(KLANT_FIELDS), variables: { representations: representations(bsns) } },
    { name: 'a refused argument (error)', query: `{ caseload(eerste: 0) { totaal } }` },
    { name: 'a bad date in a nested field (error in a list)', query: `query($bsn: ID!) { klant(bsn: $bsn) { bsn afspraken(vanaf: "gisteren") { id } } }`, variables: { bsn: amsterdammers[0]!.bsn } },
  ],
  uwv: [
    { name: 'entities, known and unknown', query: entitiesQuery(UWV_FIELDS), variables: { representations: representations(bsns) } },
    { name: 'benefit changes since a date', query: `{ uitkeringswijzigingen(vanaf: "2026-01-01T00:00:00Z") { bsn uitkering { id soort status } } }`, claims: SYSTEM },
    { name: 'a refused argument (error)', query: `{ uitkeringswijzigingen(vanaf: "gisteren") { bsn } }`, claims: SYSTEM },
    { name: 'the change feed asked by a klantmanager (refused)', query: `{ uitkeringswijzigingen(vanaf: "2026-01-01T00:00:00Z") { bsn } }` },
  ],
  cwi: [
    { name: 'entities, known and unknown', query: entitiesQuery(CWI_FIELDS), variables: { representations: representations(bsns) } },
  ],
};

describe.each(['gemeente', 'uwv', 'cwi'] as const)('the %s adapter, a query asked again (compiled)', (partner) => {
  let signer: TestSigner;
  let pair: Pair;
  beforeAll(async () => {
    signer = await createTestSigner();
    pair = await startPair(partner, signer);
  });
  afterAll(() => pair.close());

  it.each(CASES[partner])('$name: answers exactly as the first time', async ({ query, variables, claims }) => {
    const token = await signer.sign(partner, claims ?? { oin: ORG.amsterdam.oin });
    const first = await graphql(pair.adapterUrl, query, variables, token);
    expect(first.status).toBe(200);
    // The case must be about something: data for the data cases, an error for the error cases.
    expect(first.body.data ?? first.body.errors).toBeTruthy();
    for (let i = 0; i < 3; i++) {
      const again = await graphql(pair.adapterUrl, query, variables, token);
      expect(again.status).toBe(first.status);
      expect(again.body).toEqual(first.body);
    }
  });
});
