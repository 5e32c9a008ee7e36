// The demo data shows both sides of the consent flow on a fresh start, and seeding twice adds nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../gateway/demo/seed.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { QUIET, gql, rowCounts } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: QUIET });
});
afterAll(() => t?.close());

describe('demo consents', () => {
  it('client-fatima has a pending request from Werkfit; client-aandeslag an active consent for Aan de Slag', async () => {
    const fatima = await gql(t, 'client-fatima', '{ mijnToestemmingsverzoeken { status bureau { naam } bevoegdheden } }');
    expect(fatima.data!.mijnToestemmingsverzoeken).toEqual([
      { status: 'openstaand', bureau: { naam: 'Werkfit Re-integratie (demo)' }, bevoegdheden: ['rapportage:schrijven', 'werkprofiel:lezen'] },
    ]);
    const aandeslag = await gql(t, 'client-aandeslag', '{ mijnToestemmingen { id status bureau { naam } } }');
    expect(aandeslag.data!.mijnToestemmingen).toMatchObject([{ status: 'actief', bureau: { naam: 'Aan de Slag Begeleiding (demo)' } }]);
    // The RIB can fetch its token for the demo consent right away.
    const tok = await gql(t, 'rib-aandeslag', 'query($id: ID!) { toestemmingstoken(toestemmingId: $id) { kid } }', { id: aandeslag.data!.mijnToestemmingen[0].id });
    expect(tok.errors).toEqual([]);
  });

  it('seeding again changes nothing', async () => {
    const before = await rowCounts(t);
    await seedDemoData(t.db.prisma);
    expect(await rowCounts(t)).toEqual(before);
  });
});
