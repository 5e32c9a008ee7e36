// Each adapter translates its partner's own API into the chain's schema: UWV's cents become
// euros, CWI's dd-mm-yyyy dates ISO dates and its J/N flags booleans, the gemeente's XML is parsed
// (yyyymmdd, decimal commas). And a list of clients costs one call per source endpoint, not one
// per client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isIsoDate } from '../../adapters/common/dates.js';
import { cwiRegister } from '../../adapters/cwi/data.js';
import { inkomenVan } from '../../adapters/population/inkomen.js';
import { ORG } from '../../adapters/population/organisations.js';
import { fullName, population } from '../../adapters/population/population.js';
import { createTestSigner, type TestSigner } from './internal-tokens.js';
import { entitiesQuery, graphql, representations } from './loopback.js';
import { startPair, type Pair } from './pair.js';

let signer: TestSigner;
const pairs: Partial<Record<'uwv' | 'cwi' | 'gemeente', Pair>> = {};
const clients = population();
const fifty = clients.slice(0, 50).map((c) => c.bsn);

beforeAll(async () => {
  signer = await createTestSigner();
  pairs.uwv = await startPair('uwv', signer);
  pairs.cwi = await startPair('cwi', signer);
  pairs.gemeente = await startPair('gemeente', signer);
});
afterAll(async () => {
  await Promise.all(Object.values(pairs).map((p) => p.close()));
});

describe('UWV adapter', () => {
  it('gives each client its benefits in euros with ISO dates, 50 clients in one source call', async () => {
    const before = pairs.uwv!.sourceCalls.count;
    const { status, body } = await graphql(
      pairs.uwv!.adapterUrl,
      entitiesQuery('bsn uitkeringen { id soort status ingangsdatum einddatum bedragPerMaand dagloon uitkeringspercentage arbeidsongeschiktheidspercentage }'),
      { representations: representations(fifty) },
      await signer.sign('uwv'),
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(pairs.uwv!.sourceCalls.count - before).toBe(1);
    const entities = body.data!._entities as { bsn: string; uitkeringen: Record<string, any>[] }[];
    expect(entities.map((e) => e.bsn)).toEqual(fifty);
    for (const [i, e] of entities.entries()) {
      const { ww, arbeidsongeschiktheid } = inkomenVan(clients[i]!);
      const w = e.uitkeringen.find((u) => u.soort === 'WW');
      if (ww) expect(w).toMatchObject({ ingangsdatum: ww.ingangsdatum, einddatum: ww.einddatum, bedragPerMaand: ww.brutoPerMaandCent / 100, dagloon: ww.dagloonCent / 100 });
      else expect(w).toBeUndefined();
      if (arbeidsongeschiktheid) expect(e.uitkeringen.some((u) => u.soort.startsWith('WIA') || u.soort === 'WAJONG')).toBe(true);
      for (const u of e.uitkeringen) expect(isIsoDate(u.ingangsdatum)).toBe(true);
    }
  });
});

describe('CWI adapter', () => {
  it('turns dd-mm-yyyy into ISO dates, J/N into booleans and the licence string into a list', async () => {
    const bsn = clients[0]!.bsn;
    const source = cwiRegister().werkzoekenden.get(bsn)!;
    const { body } = await graphql(
      pairs.cwi!.adapterUrl,
      entitiesQuery('inschrijving { inschrijvingsnummer inschrijfdatum status } werkprofiel { opleidingsniveau rijbewijzen eigenVervoer opleidingen { naam diploma } beroepen { code naam gewenst } laatstGewijzigdOp } sollicitaties { datum resultaat } vacatureMatches { matchscore vacature { sluitingsdatum } }'),
      { representations: representations([bsn]) },
      await signer.sign('cwi'),
    );
    expect(body.errors).toBeUndefined();
    const k = body.data!._entities[0];
    const [d, m, y] = source.InschrijfDatum.split('-');
    expect(k.inschrijving).toEqual({ inschrijvingsnummer: source.InschrijvingsNummer, inschrijfdatum: `${y}-${m}-${d}`, status: 'INGESCHREVEN' });
    expect(k.werkprofiel.eigenVervoer).toBe(source.Werkprofiel.EigenVervoer === 'J');
    expect(k.werkprofiel.rijbewijzen).toEqual(source.Werkprofiel.Rijbewijzen ? source.Werkprofiel.Rijbewijzen.split(',') : []);
    expect(k.werkprofiel.opleidingen[0].diploma).toBe(source.Werkprofiel.Opleidingen[0]!.Diploma === 'J');
    expect(k.werkprofiel.beroepen[0].code).toBe(source.Werkprofiel.Beroepen[0]!.BeroepCode);
    expect(isIsoDate(k.werkprofiel.laatstGewijzigdOp)).toBe(true);
    expect(k.sollicitaties.length).toBeGreaterThan(0);
    for (const s of k.sollicitaties) expect(isIsoDate(s.datum)).toBe(true);
    const dates = k.sollicitaties.map((s: { datum: string }) => s.datum);
    expect(dates).toEqual([...dates].sort().reverse());
    for (const v of k.vacatureMatches) {
      expect(v.matchscore).toBeGreaterThanOrEqual(0);
      expect(v.matchscore).toBeLessThanOrEqual(100);
      expect(isIsoDate(v.vacature.sluitingsdatum)).toBe(true);
    }
  });

  it('answers null for a client CWI does not know, and asks each endpoint once for 50 clients', async () => {
    const before = pairs.cwi!.sourceCalls.count;
    const { body } = await graphql(
      pairs.cwi!.adapterUrl,
      entitiesQuery('bsn inschrijving { status } werkprofiel { beroepen { naam } } sollicitaties { id } vacatureMatches { id }'),
      { representations: representations(fifty) },
      await signer.sign('cwi'),
    );
    expect(body.errors).toBeUndefined();
    // inschrijving and werkprofiel share one record: three endpoints, each asked for all 50 at
    // once (more than one page only where the answer has more than 100 items).
    const register = cwiRegister();
    const pages = (m: Map<string, unknown[]>) => Math.max(1, Math.ceil(fifty.reduce((n, b) => n + (m.get(b)?.length ?? 0), 0) / 100));
    expect(pages(register.sollicitaties)).toBeGreaterThan(1);
    expect(pairs.cwi!.sourceCalls.count - before).toBe(1 + pages(register.sollicitaties) + pages(register.matches));
    const unregistered = body.data!._entities.filter((e: { inschrijving: unknown }) => e.inschrijving === null);
    expect(unregistered.length).toBeGreaterThan(0);
    for (const e of unregistered) expect(e).toMatchObject({ werkprofiel: null, sollicitaties: [], vacatureMatches: [] });
  });
});

describe('gemeente adapter', () => {
  it('parses the XML: names, ISO dates, euros from decimal commas, trajectories with their RIB', async () => {
    const fatima = clients[0]!;
    const { body } = await graphql(
      pairs.gemeente!.adapterUrl,
      'query($bsn: ID!) { klant(bsn: $bsn) { bsn naam { voornamen voorvoegsel achternaam volledigeNaam } geboortedatum adres { straat postcode woonplaats } telefoon klantmanager gemeenteOin gemeentelijkeTrajecten { id titel ribOin startdatum einddatum status } } }',
      { bsn: fatima.bsn },
      await signer.sign('gemeente'),
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.klant).toMatchObject({
      bsn: fatima.bsn,
      naam: { voornamen: 'Fatima', voorvoegsel: null, achternaam: 'el Amrani', volledigeNaam: fullName(fatima) },
      geboortedatum: fatima.geboortedatum,
      adres: { straat: fatima.straat, postcode: fatima.postcode.replace(' ', ''), woonplaats: 'Amsterdam' },
      telefoon: fatima.telefoon,
      klantmanager: 'km-jan',
      gemeenteOin: ORG.amsterdam.oin,
      gemeentelijkeTrajecten: [{ id: 'TRJ-AMS-4000', titel: 'Werkfit-traject', ribOin: ORG.werkfit.oin, startdatum: fatima.trajecten[0]!.startsOn, einddatum: fatima.trajecten[0]!.endsOn, status: 'LOPEND' }],
    });
  });

  it('gives bijstand amounts in euros and a bijstand that starts the day after the WW ends', async () => {
    const overgang = clients.find((c) => c.scenario === 'ww-naar-bijstand' && c.gemeenteOin === ORG.amsterdam.oin)!;
    const { body } = await graphql(
      pairs.gemeente!.adapterUrl,
      'query($bsn: ID!) { klant(bsn: $bsn) { bijstand { regeling leefvorm status ingangsdatum normbedragPerMaand kortingPerMaand bedragPerMaand } } }',
      { bsn: overgang.bsn },
      await signer.sign('gemeente'),
    );
    const { ww, bijstand } = inkomenVan(overgang);
    const dayAfter = new Date(Date.parse(`${ww!.einddatum}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect(body.data!.klant.bijstand).toMatchObject({ regeling: 'Participatiewet', ingangsdatum: dayAfter, bedragPerMaand: bijstand!.brutoPerMaandCent / 100 });
    const b = body.data!.klant.bijstand;
    expect(b.normbedragPerMaand - b.kortingPerMaand).toBeCloseTo(b.bedragPerMaand, 2);
  });

  it('resolves 50 entities with one source call', async () => {
    const before = pairs.gemeente!.sourceCalls.count;
    const { body } = await graphql(
      pairs.gemeente!.adapterUrl,
      entitiesQuery('bsn naam { volledigeNaam } bijstand { bedragPerMaand }'),
      { representations: representations(fifty) },
      await signer.sign('gemeente', { role: 'system', oin: undefined, sub: 'ketenpoort-gateway' }),
    );
    expect(body.errors).toBeUndefined();
    expect(pairs.gemeente!.sourceCalls.count - before).toBe(1);
    expect(body.data!._entities.map((e: { bsn: string }) => e.bsn)).toEqual(fifty);
  });
});
