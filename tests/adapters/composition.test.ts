// The three adapters compose into one graph under @mercuriusjs/gateway (federation v1), as the
// gateway composes them: one client with fields from all three partners, a caseload page with
// every partner's fields, and with the UWV sandbox stopped the other partners' data still arrives
// with a PARTNER_UNAVAILABLE error for uwv. The gateway itself is minimal here (it signs the
// internal tokens with the test key); the real one is in gateway/graph.
import mercuriusGateway from '@mercuriusjs/gateway';
import Fastify from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Partner } from '../../adapters/common/partner.js';
import { ORG } from '../../adapters/population/organisations.js';
import { population } from '../../adapters/population/population.js';
import { startPartners, type Partners } from '../../adapters/start.js';
import { createTestSigner, ISSUER, type TestSigner } from './internal-tokens.js';
import { graphql, listen } from './loopback.js';

const TIMEOUT_MS = 500;
let signer: TestSigner;
let gatewayUrl: string;

/** The three adapters (with their sandboxes) behind a minimal mercurius gateway. */
async function startGraph(): Promise<{ url: string; partners: Partners; close(): Promise<void> }> {
  const partners = await startPartners({ gatewayIssuer: ISSUER, getKey: signer.getKey, timeoutMs: TIMEOUT_MS, sandboxLatencyMs: 0, logLevel: 'silent' });
  const gateway = Fastify();
  await gateway.register(mercuriusGateway as never, {
    gateway: {
      services: (['gemeente', 'uwv', 'cwi'] as Partner[]).map((name) => ({
        name,
        url: partners.urls[name],
        initHeaders: async () => ({ authorization: `Bearer ${await signer.sign(name, { role: 'system', oin: undefined, sub: 'ketenpoort-gateway' })}` }),
        rewriteHeaders: async () => ({ authorization: `Bearer ${await signer.sign(name, { oin: ORG.amsterdam.oin })}` }),
      })),
    },
  } as never);
  const url = await listen(gateway);
  return {
    url,
    partners,
    async close() {
      await gateway.close();
      await partners.close();
    },
  };
}

let graph: Awaited<ReturnType<typeof startGraph>>;

beforeAll(async () => {
  signer = await createTestSigner();
  graph = await startGraph();
  gatewayUrl = graph.url;
});
afterAll(() => graph?.close());

const KLANT = `query($bsn: ID!) { klant(bsn: $bsn) {
  bsn naam { volledigeNaam } bijstand { bedragPerMaand } gemeentelijkeTrajecten { id ribOin }
  uitkeringen { soort bedragPerMaand }
  inschrijving { status } werkprofiel { rijbewijzen eigenVervoer beroepen { naam } } sollicitaties { datum } vacatureMatches { matchscore }
} }`;

it('composes one client from all three partners', async () => {
  const fatima = population()[0]!;
  const { body } = await graphql(gatewayUrl, KLANT, { bsn: fatima.bsn });
  expect(body.errors).toBeUndefined();
  const k = body.data!.klant;
  expect(k.naam.volledigeNaam).toBe('Fatima el Amrani');
  expect(k.gemeentelijkeTrajecten).toEqual([{ id: 'TRJ-AMS-4000', ribOin: ORG.werkfit.oin }]);
  expect(k.uitkeringen).toEqual([{ soort: 'WW', bedragPerMaand: expect.any(Number) }]);
  expect(k.inschrijving).toEqual({ status: 'INGESCHREVEN' });
  expect(k.sollicitaties.length).toBeGreaterThan(0);
});

it('composes a caseload page of 50 with every partner’s fields', async () => {
  const { body } = await graphql(gatewayUrl, '{ caseload(eerste: 50) { totaal klanten { bsn naam { achternaam } uitkeringen { soort } inschrijving { status } } } }');
  expect(body.errors).toBeUndefined();
  expect(body.data!.caseload.klanten).toHaveLength(50);
  expect(body.data!.caseload.klanten.some((k: { uitkeringen: unknown[] }) => k.uitkeringen.length > 0)).toBe(true);
});

it('with the UWV sandbox stopped: the other partners’ data, and PARTNER_UNAVAILABLE for uwv, within the timeout', async () => {
  // Its own graph, so stopping UWV here cannot affect the other tests, in any order.
  const own = await startGraph();
  try {
    await own.partners.stopSandbox('uwv');
    const fatima = population()[0]!;
    const { body, ms } = await graphql(own.url, 'query($bsn: ID!) { klant(bsn: $bsn) { bsn naam { volledigeNaam } inschrijving { status } uitkeringen { soort } } }', { bsn: fatima.bsn });
    expect(ms).toBeLessThan(TIMEOUT_MS + 1000);
    expect(body.errors?.length).toBeGreaterThan(0);
    for (const e of body.errors!) expect(e.extensions).toMatchObject({ code: 'PARTNER_UNAVAILABLE', partner: 'uwv' });
    // Partial data: the client is there with the gemeente's and CWI's part; only UWV's is null.
    expect(body.data!.klant).toEqual({ bsn: fatima.bsn, naam: { volledigeNaam: 'Fatima el Amrani' }, inschrijving: { status: 'INGESCHREVEN' }, uitkeringen: null });
  } finally {
    await own.close();
  }
});
