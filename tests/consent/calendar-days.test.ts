// A consent's last day is one calendar day, the same everywhere a person or a RIB reads it: the
// GraphQL answers, the client's pages, the klantmanager's page, the REST receipt and the consent
// token. It holds through 23:59:59 of that day in the Netherlands and is refused from 00:00, on
// both sides of the summer/winter time changes and on a trajectory's very last day.
//
// The gateway runs in this process, so the test sets its clock (only `Date`; timers run as usual):
// first some days before the last day to ask and approve, then one second before midnight, then
// midnight. The expected instants are written out, not computed, so they check lib/dutch-day.ts.
import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ORG } from '../../adapters/population/organisations.js';
import { ledgerRefusal, type LedgerState } from '../../gateway/consent/ledger.js';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { addDays, toDateColumn } from '../../lib/dutch-day.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { Visitor } from '../pages/support/http.js';
import { stored } from '../rapportage/helpers.js';
import { gql, QUIET, REQUEST, WERKFIT } from './helpers.js';

/** Each last day, how a Dutch reader writes it, and the moment it is over (00:00 the next day in Amsterdam). */
const CASES = [
  { lastDay: '2026-03-28', dutch: '28 maart 2026', over: '2026-03-28T23:00:00.000Z', note: 'the day before summer time starts' },
  { lastDay: '2026-03-29', dutch: '29 maart 2026', over: '2026-03-29T22:00:00.000Z', note: 'the day summer time starts' },
  { lastDay: '2026-10-24', dutch: '24 oktober 2026', over: '2026-10-24T22:00:00.000Z', note: 'the day before winter time' },
  { lastDay: '2026-10-25', dutch: '25 oktober 2026', over: '2026-10-25T23:00:00.000Z', note: 'the day winter time starts' },
  { lastDay: '2026-12-19', dutch: '19 december 2026', over: '2026-12-19T23:00:00.000Z', note: 'winter, as in the report' },
  { lastDay: '2027-03-27', dutch: '27 maart 2027', over: '2027-03-27T23:00:00.000Z', note: 'the day before summer time, 2027' },
  { lastDay: '2027-03-28', dutch: '28 maart 2027', over: '2027-03-28T22:00:00.000Z', note: 'the day summer time starts, 2027' },
] as const;

const FATIMA = findDemoPerson('client-fatima')!.bsn!;
const CONSENTS = `{ toestemmingenVanMijnBureau { id trajectId geldigTot status } }`;
const MINE = `{ mijnToestemmingen { id trajectId geldigTot status } mijnToestemmingsverzoeken { id trajectId gevraagdTot status } }`;

let t: TestApp;
// The clock is faked before the gateway starts: parts of it keep a reference to `Date.now`.
beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date());
  t = await startTestApp({ env: QUIET });
});
afterAll(async () => {
  await t?.close();
  vi.useRealTimers();
});

/** The gateway's clock, standing still at `at` until set again. */
function setClock(at: string | number) {
  vi.setSystemTime(new Date(at));
}

async function deliver(trajectId: string, token: string, tot: string, van: string) {
  const res = await fetch(`${t.url}/rib/v1/trajecten/${trajectId}/rapportages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${await t.token('rib-werkfit')}`,
      'consent-token': token,
      'idempotency-key': randomUUID(),
    },
    body: JSON.stringify({
      soort: 'voortgangsrapportage',
      periode: { van, tot },
      doelen: [{ soort: 'leerdoel', omschrijving: 'Op tijd komen', voortgang: 'loopt' }],
      activiteiten: [{ datum: tot, omschrijving: 'Gesprek', uren: 1 }],
      aanwezigheid: { gepland: 1, aanwezig: 1, afwezigMetBericht: 0, afwezigZonderBericht: 0 },
      advies: 'Doorgaan',
    }),
  });
  return { status: res.status, body: (await res.json()) as { code?: string } };
}

describe('a consent’s last day', () => {
  for (const c of CASES) {
    it(`is ${c.dutch} everywhere and holds until ${c.over} (${c.note}, the trajectory's last day)`, async () => {
      // Ten days before: a trajectory ending on that day, assigned to Werkfit.
      setClock(`${addDays(c.lastDay, -10)}T10:00:00Z`);
      const title = `Kalendertraject ${c.lastDay}`;
      const startsOn = addDays(c.lastDay, -60);
      const traject = await t.db.prisma.traject.create({
        data: {
          gemeenteOin: ORG.amsterdam.oin,
          externalId: `TRJ-DAG-${randomUUID()}`,
          subjectBsn: FATIMA,
          title,
          startsOn: toDateColumn(startsOn),
          endsOn: toDateColumn(c.lastDay),
          createdBy: 'test',
          blokken: { create: { ribOin: WERKFIT, openedBy: 'test' } },
        },
      });

      // The RIB asks until the trajectory's last day; the API answers that day.
      const asked = await gql(t, 'rib-werkfit', REQUEST, { invoer: { trajectId: traject.id, bevoegdheden: ['rapportage:schrijven'], geldigTot: c.lastDay } });
      expect(asked.errors).toEqual([]);
      expect(asked.data!.vraagToestemming.gevraagdTot).toBe(c.lastDay);
      const requestId = asked.data!.vraagToestemming.id as string;

      // The client reads the date on the question and says yes on the page.
      const client = new Visitor(t.url);
      await client.login('client-fatima');
      const question = await client.get(`/mijn/verzoeken/${requestId}/goedkeuren`);
      expect(question.text).toContain(`tot en met ${c.dutch}`);
      const yes = await client.post(`/mijn/verzoeken/${requestId}/goedkeuren`, { _csrf: /name="_csrf" value="([^"]+)"/.exec(question.text)![1]!, geldigTot: '' });
      expect(yes.status).toBe(303);

      // GraphQL, for the client and for the RIB.
      const mine = await gql(t, 'client-fatima', MINE);
      const consent = mine.data!.mijnToestemmingen.find((x: { trajectId: string }) => x.trajectId === traject.id);
      expect(consent).toMatchObject({ status: 'actief', geldigTot: c.lastDay });
      expect(mine.data!.mijnToestemmingsverzoeken.find((x: { id: string }) => x.id === requestId).gevraagdTot).toBe(c.lastDay);
      const ribs = await gql(t, 'rib-werkfit', CONSENTS);
      expect(ribs.data!.toestemmingenVanMijnBureau.find((x: { id: string }) => x.id === consent.id).geldigTot).toBe(c.lastDay);

      // The client's page says that day, never the next.
      const list = await client.get('/mijn/toestemmingen');
      expect(list.text).toContain(`${title}</strong>, tot en met ${c.dutch}.`);

      // The klantmanager's page shows the trajectory ending on that same day.
      const km = new Visitor(t.url);
      await km.login('km-jan');
      const found = await km.post('/klantmanager/zoeken', { _csrf: await km.csrfFrom('/klantmanager/zoeken'), bsn: FATIMA });
      const page = await km.get(/href="(\/klantmanager\/klanten\/[^"]+)"/.exec(found.text)![1]!);
      const card = page.text.slice(page.text.indexOf(title));
      expect(card.slice(0, 600)).toContain(`tot en met ${c.dutch}.`);

      // The REST receipt: the text and the signed content name the day.
      const receipt = await fetch(`${t.url}/toestemmingen/${consent.id}/ontvangstbewijs`, { headers: { authorization: `Bearer ${await t.token('client-fatima')}` } });
      const r = (await receipt.json()) as { tekst: string; inhoud: string };
      expect(r.tekst).toContain(`tot en met ${c.dutch}.`);
      expect((JSON.parse(r.inhoud) as { toestemming: { geldigTot: string } }).toestemming.geldigTot).toBe(c.lastDay);

      // The consent token: the day as a claim, `exp` at the moment the day is over.
      const issued = await fetch(`${t.url}/toestemmingen/${consent.id}/token`, { headers: { authorization: `Bearer ${await t.token('rib-werkfit')}` } });
      const body = (await issued.json()) as { consent_token: string; expires_at: string };
      const claims = decodeJwt(body.consent_token);
      expect(claims.geldig_tot).toBe(c.lastDay);
      expect(claims.exp).toBe(Date.parse(c.over) / 1000);
      expect(body.expires_at).toBe(c.over);

      // One second before midnight (Dutch time) on the last day: the report is taken.
      setClock(Date.parse(c.over) - 1000);
      const before = await deliver(traject.id, body.consent_token, c.lastDay, startsOn);
      expect(before.status).toBe(201);

      // At midnight: refused, nothing written, and no new token either.
      setClock(c.over);
      const counts = await stored(t);
      const after = await deliver(traject.id, body.consent_token, c.lastDay, startsOn);
      expect(after.status).toBe(403);
      expect(after.body.code).toBe('CONSENT_EXPIRED');
      expect(await stored(t)).toEqual(counts);
      const late = await fetch(`${t.url}/toestemmingen/${consent.id}/token`, { headers: { authorization: `Bearer ${await t.token('rib-werkfit')}` } });
      expect(late.status).toBe(403);
      expect(((await late.json()) as { code: string }).code).toBe('CONSENT_EXPIRED');

      // The ledger's own rule, at the same edge (the token aside).
      const state: LedgerState = {
        consentId: consent.id, version: 1, status: 'active', validFrom: new Date(`${addDays(c.lastDay, -10)}T10:00:00Z`), validThrough: c.lastDay,
        granteeOin: WERKFIT, trajectId: traject.id, subjectBsn: FATIMA, scopes: ['rapportage:schrijven'], trajectActive: true, blokOpen: true,
      };
      expect(ledgerRefusal(state, new Date(Date.parse(c.over) - 1))).toBeUndefined();
      expect(ledgerRefusal(state, new Date(c.over))?.code).toBe('CONSENT_EXPIRED');
    });
  }

  it('is a date: a date-time, or a day that does not exist, is refused and nothing is written', async () => {
    const traject = await t.db.prisma.traject.create({
      data: {
        gemeenteOin: ORG.amsterdam.oin, externalId: `TRJ-DAG-${randomUUID()}`, subjectBsn: FATIMA, title: 'Datumtraject',
        startsOn: new Date(), endsOn: new Date(Date.now() + 100 * 86_400_000), createdBy: 'test',
        blokken: { create: { ribOin: WERKFIT, openedBy: 'test' } },
      },
    });
    const before = await t.db.prisma.consentRequest.count();
    for (const geldigTot of [`${addDays(new Date().toISOString().slice(0, 10), 20)}T23:59:59Z`, '2027-02-30']) {
      const res = await gql(t, 'rib-werkfit', REQUEST, { invoer: { trajectId: traject.id, bevoegdheden: ['rapportage:schrijven'], geldigTot } });
      expect(res.codes).toEqual(['BAD_USER_INPUT']);
      expect(res.errors[0]!.message).toMatch(/YYYY-MM-DD/);
    }
    expect(await t.db.prisma.consentRequest.count()).toBe(before);
  });
});
