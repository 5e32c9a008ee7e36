// A partner answering something that does not fit its contract (garbled XML, a date in another
// format, not JSON) is a partner problem: PARTNER_UNAVAILABLE with reason bad-response, never a
// half-read record or a silently wrong date.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createCwiAdapter } from '../../adapters/cwi/index.js';
import { createGemeenteAdapter } from '../../adapters/gemeente/index.js';
import { createUwvAdapter } from '../../adapters/uwv/index.js';
import { population } from '../../adapters/population/population.js';
import { createTestSigner, ISSUER } from './internal-tokens.js';
import { entitiesQuery, graphql, listen, representations } from './loopback.js';

const bsn = population()[0]!.bsn;
let servers: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function fakeSource(route: (app: FastifyInstance) => void): Promise<string> {
  const app = Fastify();
  app.addContentTypeParser('application/xml', { parseAs: 'string' }, (_r, body, done) => done(null, body));
  route(app);
  servers.push(app);
  return listen(app);
}

async function adapterOn(partner: 'uwv' | 'cwi' | 'gemeente', sourceUrl: string) {
  const create = { uwv: createUwvAdapter, cwi: createCwiAdapter, gemeente: createGemeenteAdapter }[partner];
  const signer = await createTestSigner();
  // A generous budget: these tests are about what a garbled answer becomes, not about time, and a
  // cold first call on a busy machine must not turn into a timeout instead.
  const app = create({ sourceUrl, sourceCredential: 'fake-source-credential', gatewayIssuer: ISSUER, getKey: signer.getKey, logLevel: 'silent', timeoutMs: 10_000 });
  servers.push(app);
  const url = await listen(app);
  const token = await signer.sign(partner);
  return (query: string, variables: Record<string, unknown>) => graphql(url, query, variables, token);
}

describe('an answer that does not fit the contract', () => {
  it('garbled XML from the gemeente', async () => {
    const source = await fakeSource((app) => app.post('/klanten/opvragen', async (_r, reply) => reply.type('application/xml').send('<klanten aantal="1"><klant><inp.bsn>1000')));
    const { body } = await (await adapterOn('gemeente', source))('query($bsn: ID!) { klant(bsn: $bsn) { naam { achternaam } } }', { bsn });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'PARTNER_UNAVAILABLE', partner: 'gemeente', reason: 'bad-response' });
  });

  it('an ISO date where CWI promises dd-mm-yyyy', async () => {
    const werkzoekende = {
      Bsn: bsn, InschrijvingsNummer: 'WZ7300000', InschrijfDatum: '2026-11-01', UitschrijfDatum: null, Status: 'INGESCHREVEN', Vestiging: 'x',
      Werkprofiel: { OpleidingsNiveau: 'MBO2', Opleidingen: [], Rijbewijzen: '', EigenVervoer: 'N', Beroepen: [], UrenPerWeek: 32, LaatstGewijzigd: '01-10-2026' },
    };
    const source = await fakeSource((app) => app.post('/api/v2/werkzoekenden/zoeken', async () => ({ Items: [werkzoekende], Page: 1, PageSize: 100, TotalCount: 1, TotalPages: 1 })));
    const { body } = await (await adapterOn('cwi', source))(entitiesQuery('inschrijving { inschrijfdatum }'), { representations: representations([bsn]) });
    expect(body.data!._entities[0].inschrijving).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'PARTNER_UNAVAILABLE', partner: 'cwi', reason: 'bad-response' });
  });

  it('HTML instead of JSON from UWV', async () => {
    const source = await fakeSource((app) => app.post('/v1/uitkeringen/zoeken', async (_r, reply) => reply.type('text/html').send('<html>maintenance</html>')));
    const { body } = await (await adapterOn('uwv', source))(entitiesQuery('uitkeringen { id }'), { representations: representations([bsn]) });
    expect(body.data!._entities[0].uitkeringen).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'PARTNER_UNAVAILABLE', partner: 'uwv', reason: 'bad-response' });
  });
});
