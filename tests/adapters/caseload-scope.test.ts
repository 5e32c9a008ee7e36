// The gemeente adapter answers caseload questions only for the organisation in the internal
// token's `oin`: a klantmanager of Amsterdam sees Amsterdam's caseload, never Leiden's, whatever
// the query asks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG } from '../../adapters/population/organisations.js';
import { population } from '../../adapters/population/population.js';
import { AMSTERDAM, createTestSigner, LEIDEN, type TestSigner } from './internal-tokens.js';
import { graphql } from './loopback.js';
import { startPair, type Pair } from './pair.js';

let signer: TestSigner;
let pair: Pair;
const amsterdammers = population().filter((c) => c.gemeenteOin === ORG.amsterdam.oin);
const leidenaars = population().filter((c) => c.gemeenteOin === ORG.leiden.oin);

beforeAll(async () => {
  signer = await createTestSigner();
  pair = await startPair('gemeente', signer);
});
afterAll(() => pair.close());

const tokenFor = (oin: string) => signer.sign('gemeente', { oin, sub: oin === AMSTERDAM ? 'km-jan' : 'km-sanne' });

async function wholeCaseload(oin: string): Promise<{ bsns: string[]; totaal: number; pages: number }> {
  const token = await tokenFor(oin);
  const bsns: string[] = [];
  let na: string | null = null;
  let totaal = 0;
  let pages = 0;
  do {
    type Page = { caseload: { totaal: number; volgende: string | null; klanten: { bsn: string; gemeenteOin: string }[] } };
    const answer = await graphql<Page>(pair.adapterUrl, 'query($na: String) { caseload(eerste: 20, na: $na) { totaal volgende klanten { bsn gemeenteOin } } }', { na }, token);
    expect(answer.body.errors).toBeUndefined();
    const page: Page['caseload'] = answer.body.data!.caseload;
    for (const k of page.klanten) {
      expect(k.gemeenteOin).toBe(oin);
      bsns.push(k.bsn);
    }
    totaal = page.totaal;
    na = page.volgende;
    pages++;
  } while (na && pages < 20);
  return { bsns, totaal, pages };
}

describe('caseload', () => {
  it('is the token organisation’s, paged to the end', async () => {
    const ams = await wholeCaseload(AMSTERDAM);
    expect(ams.totaal).toBe(amsterdammers.length);
    expect(new Set(ams.bsns)).toEqual(new Set(amsterdammers.map((c) => c.bsn)));
    expect(ams.pages).toBe(Math.ceil(amsterdammers.length / 20));
    const lei = await wholeCaseload(LEIDEN);
    expect(new Set(lei.bsns)).toEqual(new Set(leidenaars.map((c) => c.bsn)));
  });

  it('is empty for an organisation that has no caseload at the gemeente', async () => {
    const { body } = await graphql(pair.adapterUrl, '{ caseload { totaal klanten { bsn } } }', {}, await signer.sign('gemeente', { oin: ORG.werkfit.oin, role: 'rib' }));
    expect(body.data!.caseload).toEqual({ totaal: 0, klanten: [] });
  });

  it('is refused for a call that names no organisation', async () => {
    const { body } = await graphql(pair.adapterUrl, '{ caseload { totaal } }', {}, await signer.sign('gemeente', { role: 'client', oin: undefined, sub: 'client-fatima' }));
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', partner: 'gemeente' });
  });

  it('refuses a cursor it did not give out, as bad input', async () => {
    const { body } = await graphql(pair.adapterUrl, '{ caseload(na: "bm90LWEtY3Vyc29y") { totaal } }', {}, await tokenFor(AMSTERDAM));
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('caseloadLidmaatschap, zoekKlanten and klant', () => {
  const leidenaar = leidenaars[0]!;
  const amsterdammer = amsterdammers[0]!;

  it('say yes only for the token organisation’s own klanten', async () => {
    const query = 'query($a: ID!, $l: ID!) { a: caseloadLidmaatschap(bsn: $a) { gemeenteOin klantmanager } l: caseloadLidmaatschap(bsn: $l) { gemeenteOin klantmanager } }';
    const vars = { a: amsterdammer.bsn, l: leidenaar.bsn };
    const ams = await graphql(pair.adapterUrl, query, vars, await tokenFor(AMSTERDAM));
    expect(ams.body.data).toEqual({ a: { gemeenteOin: AMSTERDAM, klantmanager: 'km-jan' }, l: null });
    const lei = await graphql(pair.adapterUrl, query, vars, await tokenFor(LEIDEN));
    expect(lei.body.data).toEqual({ a: null, l: { gemeenteOin: LEIDEN, klantmanager: 'km-sanne' } });
  });

  it('find by name, postcode or BSN only within the token organisation', async () => {
    const query = 'query($naam: String, $postcode: String, $bsn: String) { zoekKlanten(naam: $naam, postcode: $postcode, bsn: $bsn) { bsn gemeenteOin } }';
    for (const vars of [{ naam: leidenaar.achternaam }, { postcode: leidenaar.postcode }, { bsn: leidenaar.bsn }]) {
      const fromAmsterdam = await graphql(pair.adapterUrl, query, vars, await tokenFor(AMSTERDAM));
      expect(fromAmsterdam.body.data!.zoekKlanten.map((k: { bsn: string }) => k.bsn)).not.toContain(leidenaar.bsn);
      const fromLeiden = await graphql(pair.adapterUrl, query, vars, await tokenFor(LEIDEN));
      expect(fromLeiden.body.data!.zoekKlanten.map((k: { bsn: string }) => k.bsn)).toContain(leidenaar.bsn);
      for (const k of fromLeiden.body.data!.zoekKlanten) expect(k.gemeenteOin).toBe(LEIDEN);
    }
  });

  it('refuses a search without criteria or with an invalid BSN', async () => {
    const token = await tokenFor(AMSTERDAM);
    const none = await graphql(pair.adapterUrl, '{ zoekKlanten { bsn } }', {}, token);
    expect(none.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const bad = await graphql(pair.adapterUrl, '{ zoekKlanten(bsn: "123456789") { bsn } }', {}, token);
    expect(bad.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('klant(bsn) finds another gemeente’s klant for nobody acting for this one', async () => {
    const query = 'query($bsn: ID!) { klant(bsn: $bsn) { bsn } }';
    expect((await graphql(pair.adapterUrl, query, { bsn: leidenaar.bsn }, await tokenFor(AMSTERDAM))).body.data!.klant).toBeNull();
    expect((await graphql(pair.adapterUrl, query, { bsn: leidenaar.bsn }, await tokenFor(LEIDEN))).body.data!.klant).toEqual({ bsn: leidenaar.bsn });
    // A client acting for themselves names no organisation; the gateway decided it is their own BSN.
    const own = await graphql(pair.adapterUrl, query, { bsn: leidenaar.bsn }, await signer.sign('gemeente', { role: 'client', oin: undefined, sub: 'client-x' }));
    expect(own.body.data!.klant).toEqual({ bsn: leidenaar.bsn });
  });
});
