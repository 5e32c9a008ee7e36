// The agenda (issue 12 point 4): the gemeente sandbox serves each klant's afspraken in its own XML,
// as its OpenAPI contract says, with BSNs only in the body; the adapter reads them for a whole
// answer at once; through the gateway's /graphql a klantmanager of the client's gemeente sees the
// coming ones, logged as processing, and everyone else the gateway's refusal, logged as a decision,
// with nothing personal in the answer.
import { XMLParser } from 'fast-xml-parser';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afsprakenVan, mondayOf } from '../../adapters/gemeente/agenda-data.js';
import { createGemeenteAdapter, createGemeenteSandbox } from '../../adapters/gemeente/index.js';
import { fromCompactDate } from '../../adapters/common/dates.js';
import { randomCredential } from '../../adapters/common/sandbox-credential.js';
import { ORG } from '../../adapters/population/organisations.js';
import { population } from '../../adapters/population/population.js';
import { dutchDay } from '../../lib/dutch-day.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { graphql } from '../support/graphql.js';
import { AMSTERDAM, ISSUER, createTestSigner, type TestSigner } from './internal-tokens.js';
import { listen, graphql as adapterGraphql } from './loopback.js';
import { openapiOf, schemaValidator } from './openapi-contract.js';
import { startPair, type Pair } from './pair.js';
import { subjectKeyBytes } from '../../gateway/logs/subject-id.js';

const people = population();
const fatima = people[0]!; // Amsterdam, klant of km-jan, always has coming appointments
const zonderKomende = people.find((c) => c.index % 4 === 3 && c.gemeenteOin === ORG.amsterdam.oin)!;
const leidenaar = people.find((c) => c.gemeenteOin === ORG.leiden.oin)!;
const today = () => dutchDay(new Date());
const opvraging = (bsns: string[]) => `<?xml version="1.0" encoding="UTF-8"?><opvraging>${bsns.map((b) => `<inp.bsn>${b}</inp.bsn>`).join('')}</opvraging>`;

/** What the adapter makes of one sandbox record. */
function expected(c: (typeof people)[number]) {
  return afsprakenVan(c, today()).map((a) => ({
    id: a.id,
    datum: fromCompactDate(a.datum),
    begintijd: `${a.begintijd.slice(0, 2)}:${a.begintijd.slice(2)}`,
    eindtijd: `${a.eindtijd.slice(0, 2)}:${a.eindtijd.slice(2)}`,
    onderwerp: a.onderwerp,
    plaats: a.locatie,
    metWie: a.medewerker.functie === 'klantmanager' ? `${a.medewerker.naam} (klantmanager)` : a.medewerker.naam,
    status: a.status,
  }));
}
const FIELDS = 'id datum begintijd eindtijd onderwerp plaats metWie status';

describe('the gemeente sandbox’s agenda', () => {
  let sandbox: FastifyInstance;
  let url: string;
  const credential = randomCredential();
  beforeAll(async () => {
    sandbox = createGemeenteSandbox({ credential, logLevel: 'silent' });
    url = await listen(sandbox);
  });
  afterAll(() => sandbox.close());

  const post = async (body: string, auth = `Bearer ${credential}`) => {
    const res = await fetch(`${url}/klanten/afspraken/opvragen`, { method: 'POST', headers: { 'content-type': 'application/xml', authorization: auth }, body });
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
  };
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, isArray: (n) => n === 'afspraak' });

  it('answers the afspraken of the BSNs in the body as its contract documents them, past and coming around this week', async () => {
    const asked = people.slice(0, 24);
    const res = await post(opvraging([...asked.map((c) => c.bsn), '999999990']));
    expect(res.status).toBe(200);
    expect(res.type).toContain('application/xml');
    const doc = parser.parse(res.text).afspraken;
    const afspraken = doc.afspraak as Record<string, any>[];
    expect(Number(doc.aantal)).toBe(afspraken.length);
    const valid = schemaValidator(openapiOf('gemeente'), 'Afspraak');
    for (const a of afspraken) expect(valid(a), JSON.stringify(a)).toEqual([]);

    const now = today();
    for (const c of asked) {
      const own = afspraken.filter((a) => a['inp.bsn'] === c.bsn);
      const days = own.map((a) => fromCompactDate(a.datum));
      expect(own.length, c.bsn).toBeGreaterThan(0);
      // Weekdays only, never today, so past and coming do not depend on the hour.
      for (const d of days) {
        expect(new Date(`${d}T12:00:00Z`).getUTCDay() % 6, d).not.toBe(0);
        expect(d).not.toBe(now);
      }
      const coming = own.filter((a) => fromCompactDate(a.datum) > now);
      expect(own.filter((a) => fromCompactDate(a.datum) < now).every((a) => a.status !== 'GEPLAND')).toBe(true);
      expect(coming.every((a) => a.status === 'GEPLAND' || a.status === 'AFGEZEGD')).toBe(true);
      if (c.index % 4 === 3) expect(coming).toEqual([]);
      else expect(coming.length, c.bsn).toBeGreaterThan(0);
      // The same answer all week: laid out around the week's Monday.
      expect(own.map((a) => a.id)).toEqual(afsprakenVan(c, mondayOf(now)).map((a) => a.id));
      expect(own.map((a) => a.datum)).toEqual(afsprakenVan(c, mondayOf(now)).map((a) => a.datum));
    }
    expect(afspraken.some((a) => a['inp.bsn'] === '999999990')).toBe(false);
  });

  it('refuses a body without BSNs, with a malformed one or with too many, in its <fout> style; and anyone without its credential', async () => {
    for (const body of ['<opvraging></opvraging>', opvraging(['12']), opvraging(Array.from({ length: 101 }, (_, i) => people[i % people.length]!.bsn)), '<opvraging><inp.bsn>']) {
      const res = await post(body);
      expect(res.status, body.slice(0, 40)).toBe(400);
      expect(schemaValidator(openapiOf('gemeente'), 'Fout')(parser.parse(res.text).fout)).toEqual([]);
    }
    const res = await post(opvraging([fatima.bsn]), 'Bearer not-the-credential');
    expect(res.status).toBe(401);
    expect(res.text).not.toContain(fatima.bsn);
  });
});

describe('the gemeente adapter’s Klant.afspraken', () => {
  let signer: TestSigner;
  let pair: Pair;
  beforeAll(async () => {
    signer = await createTestSigner();
    pair = await startPair('gemeente', signer);
  });
  afterAll(() => pair.close());

  it('reads the agenda of a whole caseload page in one call to the source', async () => {
    const token = await signer.sign('gemeente', { oin: AMSTERDAM, sub: 'km-jan' });
    const before = pair.sourceCalls.count;
    const { body } = await adapterGraphql<{ caseload: { klanten: { bsn: string; afspraken: { id: string }[] }[] } }>(
      pair.adapterUrl,
      '{ caseload(eerste: 40) { klanten { bsn afspraken { id } } } }',
      {},
      token,
    );
    expect(body.errors).toBeUndefined();
    const klanten = body.data!.caseload.klanten;
    expect(klanten.length).toBe(40);
    for (const k of klanten) expect(k.afspraken.map((a) => a.id)).toEqual(afsprakenVan(people.find((c) => c.bsn === k.bsn)!, today()).map((a) => a.id));
    expect(pair.sourceCalls.count - before).toBe(2); // the caseload page, then the agenda of all 40
  });

  it('refuses a `vanaf` that is not a date', async () => {
    const token = await signer.sign('gemeente', { oin: AMSTERDAM, sub: 'km-jan' });
    const { body } = await adapterGraphql(pair.adapterUrl, 'query($b: ID!) { klant(bsn: $b) { afspraken(vanaf: "morgen") { id } } }', { b: fatima.bsn }, token);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', partner: 'gemeente' });
  });

  it('answers null with PARTNER_UNAVAILABLE when the agenda cannot be read, and the rest of the klant still', async () => {
    // A source with an older contract, without the agenda operation: klanten pass to the sandbox.
    const older = Fastify();
    older.addContentTypeParser('application/xml', { parseAs: 'string' }, (_r, body, done) => done(null, body));
    older.post('/klanten/opvragen', async (request, reply) => {
      const res = await fetch(`${pair.sandboxUrl}/klanten/opvragen`, { method: 'POST', headers: { 'content-type': 'application/xml', authorization: request.headers.authorization ?? '' }, body: request.body as string });
      return reply.code(res.status).type('application/xml').send(await res.text());
    });
    older.post('/klanten/afspraken/opvragen', async (_request, reply) => reply.code(404).type('application/xml').send('<fout><code>404</code><melding>Not Found</melding></fout>'));
    const adapter = createGemeenteAdapter({ sourceUrl: await listen(older), sourceCredential: pair.credential, gatewayIssuer: ISSUER, getKey: signer.getKey, logLevel: 'silent' });
    try {
      const token = await signer.sign('gemeente', { oin: AMSTERDAM, sub: 'km-jan' });
      const { body } = await adapterGraphql<{ klant: { bsn: string; afspraken: unknown } }>(await listen(adapter), 'query($b: ID!) { klant(bsn: $b) { bsn afspraken { id } } }', { b: fatima.bsn }, token);
      expect(body.data!.klant).toEqual({ bsn: fatima.bsn, afspraken: null });
      expect(body.errors?.map((e) => e.extensions)).toMatchObject([{ code: 'PARTNER_UNAVAILABLE', partner: 'gemeente' }]);
    } finally {
      await adapter.close();
      await older.close();
    }
  });
});

describe('afspraken through the gateway', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { PARTNER_TIMEOUT_MS: '5000' } });
  });
  afterAll(() => t?.close());

  const QUERY = `query($bsn: ID!, $vanaf: String) { klant(bsn: $bsn) { bsn afspraken(vanaf: $vanaf) { ${FIELDS} } } }`;
  const keyOf = (bsn: string) => t.app.services.subjectKey(bsn);
  const processed = (bsn: string) => t.db.prisma.verwerking.findMany({ where: { subjectKey: subjectKeyBytes(keyOf(bsn)) }, orderBy: { id: 'asc' } });
  const denials = (subject: string) => t.db.prisma.besluit.findMany({ where: { actorSubject: subject, decision: 'deny' }, orderBy: { id: 'asc' } });

  it('shows a klantmanager of the client’s gemeente the coming appointments, and logs the read naming the field', async () => {
    const before = (await processed(fatima.bsn)).length;
    const r = await graphql(t.url, await t.token('km-jan'), QUERY, { bsn: fatima.bsn, vanaf: today() });
    expect(r.errors).toEqual([]);
    const coming = expected(fatima).filter((a) => a.datum >= today());
    expect(coming.length).toBeGreaterThan(0);
    expect(r.data!.klant.afspraken).toEqual(coming);

    const all = await graphql(t.url, await t.token('km-jan'), QUERY, { bsn: fatima.bsn });
    expect(all.data!.klant.afspraken).toEqual(expected(fatima));
    expect(all.data!.klant.afspraken.length).toBeGreaterThan(coming.length);

    const rows = (await processed(fatima.bsn)).slice(before);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.fields).toContain('afspraken');
      expect(row.partners).toContain('gemeente');
      expect(row.processingActivityId).toMatch(/klantbeeld/);
      expect(row.actorSubject).toBe('km-jan');
      expect(row.actorOin).toBe(ORG.amsterdam.oin);
    }
  });

  it('shows an empty list for a client with nothing coming', async () => {
    const r = await graphql(t.url, await t.token('km-jan'), QUERY, { bsn: zonderKomende.bsn, vanaf: today() });
    expect(r.errors).toEqual([]);
    expect(r.data!.klant.afspraken).toEqual([]);
  });

  it('refuses a klantmanager of another gemeente and a RIB: FORBIDDEN, the refusal on record, nothing processed or leaked', async () => {
    for (const [person, reason] of [['km-sanne', 'not-on-caseload'], ['rib-werkfit', 'role-not-allowed']] as const) {
      const processedBefore = (await processed(fatima.bsn)).length;
      const deniedBefore = (await denials(person)).length;
      const r = await graphql(t.url, await t.token(person), QUERY, { bsn: fatima.bsn, vanaf: today() });
      expect(r.errors.map((e) => e.extensions.code), person).toEqual(['FORBIDDEN']);
      expect(r.data?.klant ?? null).toBeNull();
      const answer = JSON.stringify(r);
      for (const secret of [fatima.bsn, fatima.achternaam, 'AFS-', ...expected(fatima).map((a) => a.plaats)]) expect(answer, person).not.toContain(secret);
      const added = (await denials(person)).slice(deniedBefore);
      expect(added.map((d) => d.reason), person).toEqual([reason]);
      expect((await processed(fatima.bsn)).length, person).toBe(processedBefore);
    }
  });

  it('lets a client see their own appointments and no one else’s', async () => {
    const own = await graphql(t.url, await t.token('client-fatima'), QUERY, { bsn: fatima.bsn, vanaf: today() });
    expect(own.errors).toEqual([]);
    expect(own.data!.klant.afspraken).toEqual(expected(fatima).filter((a) => a.datum >= today()));
    const processedBefore = (await processed(leidenaar.bsn)).length;
    const other = await graphql(t.url, await t.token('client-fatima'), QUERY, { bsn: leidenaar.bsn });
    expect(other.errors.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
    expect(JSON.stringify(other)).not.toContain('AFS-');
    expect((await processed(leidenaar.bsn)).length).toBe(processedBefore);
  });
});
