// The demo data shows both sides of the consent flow on a fresh start, and seeding twice adds nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../gateway/demo/seed.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { Visitor } from '../pages/support/http.js';
import { QUIET, endOf, gql, inDays, rowCounts, trajectOf } from './helpers.js';

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

  it('date the demo consent and request through the trajectory’s last day, the same day on the client’s pages', async () => {
    const dutch = (day: string) => new Date(`${day}T12:00:00Z`).toLocaleDateString('nl-NL', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Amsterdam' });
    const lastDay = (endsOn: Date) => (endOf({ endsOn }) < inDays(364) ? endOf({ endsOn }) : inDays(364));

    const aandeslag = await trajectOf(t, 'client-aandeslag');
    const consent = (await gql(t, 'client-aandeslag', '{ mijnToestemmingen { geldigTot } }')).data!.mijnToestemmingen[0];
    expect(consent.geldigTot).toBe(lastDay(aandeslag.endsOn));
    const client = new Visitor(t.url);
    await client.login('client-aandeslag');
    expect((await client.get('/mijn/toestemmingen')).text).toContain(`, tot en met ${dutch(consent.geldigTot)}.`);

    const fatima = await trajectOf(t, 'client-fatima');
    const request = (await gql(t, 'client-fatima', '{ mijnToestemmingsverzoeken { id gevraagdTot } }')).data!.mijnToestemmingsverzoeken[0];
    expect(request.gevraagdTot).toBe(lastDay(fatima.endsOn));
    const other = new Visitor(t.url);
    await other.login('client-fatima');
    expect((await other.get(`/mijn/verzoeken/${request.id}/goedkeuren`)).text).toContain(`tot en met ${dutch(request.gevraagdTot)}:`);
  });

  it('seeding again changes nothing', async () => {
    const before = await rowCounts(t);
    await seedDemoData(t.db.prisma);
    expect(await rowCounts(t)).toEqual(before);
  });
});
