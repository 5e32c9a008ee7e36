import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG } from '../../adapters/population/organisations.js';
import { population } from '../../adapters/population/population.js';
import { signInternalToken } from '../../gateway/graph/internal-token.js';
import { scanBenefitChanges } from '../../gateway/signals/benefit-changes.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { graphql } from '../support/graphql.js';

// "A benefit ended or changed" reaches the klantmanager of the client's gemeente, once.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { SIGNAL_SCAN_INTERVAL_MS: '0' } });
});
afterAll(() => t?.close());

const SINCE = new Date('2020-01-01T00:00:00Z');
const urls = () => ({ uwv: t.runtime.partners.urls.uwv, gemeente: t.runtime.partners.urls.gemeente });

describe('benefit change signals', () => {
  it("signal each change once, to the gemeente whose caseload the client is on", async () => {
    const first = await scanBenefitChanges(t.app.services, urls(), SINCE);
    expect(first.changes).toBeGreaterThan(0);
    expect(first.signals).toBeGreaterThan(0);
    const rows = await t.db.prisma.signalering.findMany({ where: { kind: { startsWith: 'uitkering-' } } });
    expect(rows.length).toBe(first.signals);
    for (const r of rows) {
      const client = population().find((c) => c.bsn === r.subjectBsn)!;
      expect(r.organisationOin).toBe(client.gemeenteOin);
    }
    expect(rows.some((r) => r.kind === 'uitkering-beeindigd' && /WW-uitkering beëindigd per \d{1,2} [a-z]+ \d{4}$/.test(r.summary))).toBe(true);

    // The same window again, as another instance's scan would: nothing new.
    const again = await scanBenefitChanges(t.app.services, urls(), SINCE);
    expect(again.signals).toBe(0);
    expect(await t.db.prisma.signalering.count({ where: { kind: { startsWith: 'uitkering-' } } })).toBe(rows.length);
  });

  it('shows them to the klantmanager of that gemeente only, and logs the processing for the client', async () => {
    await scanBenefitChanges(t.app.services, urls(), SINCE);
    const jan = await graphql(t.url, await t.token('km-jan'), '{ signaleringen(aantal: 500) { soort samenvatting bsn } }');
    expect(jan.errors).toEqual([]);
    const benefit = jan.data!.signaleringen.filter((s: { soort: string }) => s.soort.startsWith('uitkering-'));
    expect(benefit.length).toBeGreaterThan(0);
    const amsterdam = new Set(population().filter((c) => c.gemeenteOin === ORG.amsterdam.oin).map((c) => c.bsn));
    for (const s of benefit) expect(amsterdam.has(s.bsn)).toBe(true);
    const logged = await t.db.prisma.verwerking.count({ where: { name: 'uitkeringswijziging gesignaleerd', actorRole: 'system' } });
    expect(logged).toBeGreaterThan(0);
  });

  it('keeps the change feed from end users: the gateway refuses it, the adapter too', async () => {
    const viaGateway = await graphql(t.url, await t.token('km-jan'), '{ uitkeringswijzigingen(vanaf: "2020-01-01T00:00:00Z") { bsn } }');
    expect(viaGateway.errors[0]!.extensions.code).toBe('FORBIDDEN');
    expect(viaGateway.data?.uitkeringswijzigingen ?? null).toBeNull();

    // Even with a valid internal token for a klantmanager, the UWV adapter answers FORBIDDEN.
    const token = await signInternalToken(t.app.keys, {
      issuer: t.config.publicUrl, subgraph: 'uwv', purpose: 'https://ketenpoort.nl/verwerkingen/klantbeeld-werk-en-inkomen',
      caller: { role: 'klantmanager', subject: 'km-jan', name: 'Jan Kok', oin: ORG.amsterdam.oin }, traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
    });
    const res = await fetch(t.runtime.partners.urls.uwv, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ uitkeringswijzigingen(vanaf: "2020-01-01T00:00:00Z") { bsn } }' }),
    });
    const body = (await res.json()) as { data: unknown; errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('FORBIDDEN');
    expect(JSON.stringify(body)).not.toMatch(/"bsn":"\d{9}"/);
  });
});
