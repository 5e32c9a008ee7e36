// The whole consent lifecycle through the gateway's HTTP API with development tokens, as a RIB and a
// client would use it: ask, approve, fetch the token, see history and receipt, revoke; reject,
// withdraw, grant without a request, give back.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyReceipt } from '../../gateway/consent/receipt.js';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { QUIET, clearConsents, activeConsent, APPROVE, endOf, gql, REQUEST, REVOKE, TOKEN, trajectOf, WERKFIT } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: QUIET });
});
afterAll(() => t?.close());

// Each test starts with no pending request and no active consent (rows cannot be deleted).
beforeEach(() => clearConsents(t));

const fatimaBsn = findDemoPerson('client-fatima')!.bsn!;

describe('consent lifecycle over HTTP', () => {
  it('a RIB asks, the client approves, the RIB fetches its token, the client revokes', async () => {
    const traject = await trajectOf(t, 'client-fatima');
    const asked = await gql(t, 'rib-werkfit', REQUEST, {
      invoer: { trajectId: traject.id, bevoegdheden: ['werkprofiel:lezen', 'rapportage:schrijven'], geldigTot: endOf(traject) },
    });
    expect(asked.errors).toEqual([]);
    expect(asked.data!.vraagToestemming).toMatchObject({ trajectId: traject.id, status: 'openstaand', toestemmingId: null });
    expect(asked.data!.vraagToestemming.bevoegdheden).toEqual(['rapportage:schrijven', 'werkprofiel:lezen']);

    // The RIB's own list shows the request, and never a BSN.
    const ribView = await gql(t, 'rib-werkfit', '{ toestemmingsverzoekenVanMijnBureau { id trajectId status } }');
    expect(JSON.stringify(ribView)).not.toContain(fatimaBsn);
    expect(ribView.data!.toestemmingsverzoekenVanMijnBureau).toContainEqual({ id: asked.data!.vraagToestemming.id, trajectId: traject.id, status: 'openstaand' });

    const pending = await gql(t, 'client-fatima', '{ mijnToestemmingsverzoeken { id status bureau { naam } trajectTitel } }');
    expect(pending.data!.mijnToestemmingsverzoeken[0]).toMatchObject({ status: 'openstaand', bureau: { naam: 'Werkfit Re-integratie (demo)' } });

    const approved = await gql(t, 'client-fatima', APPROVE, { id: asked.data!.vraagToestemming.id });
    expect(approved.errors).toEqual([]);
    const consent = approved.data!.keurVerzoekGoed;
    expect(consent).toMatchObject({ status: 'actief', versie: 1 });
    expect(consent.autorisatiedetails).toEqual([
      { type: 'ketenpoort_rapportage', acties: ['schrijven'], identificatie: traject.id },
      { type: 'ketenpoort_werkprofiel', acties: ['lezen'], identificatie: traject.id },
    ]);
    expect(consent.geschiedenis).toEqual([{ soort: 'verleend', door: 'u', rol: 'client' }]);

    const tok = await gql(t, 'rib-werkfit', TOKEN, { id: consent.id });
    expect(tok.errors).toEqual([]);
    const claims = JSON.parse(Buffer.from(tok.data!.toestemmingstoken.token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ sub: consent.id, azp: WERKFIT, traject_id: traject.id, aud: 'urn:ketenpoort:consent', iss: t.config.publicUrl });
    expect(JSON.stringify(claims)).not.toContain(fatimaBsn);

    // The RIB acts with it: a permit, with one decision-log entry.
    const permit = await t.app.services.consent.core.state(consent.id, false);
    expect(permit.state?.status).toBe('active');

    const revoked = await gql(t, 'client-fatima', REVOKE, { id: consent.id });
    expect(revoked.errors).toEqual([]);
    expect(revoked.data!.trekToestemmingIn).toMatchObject({ status: 'ingetrokken', versie: 2, redenIntrekking: 'wil het niet meer' });

    // After revocation the RIB gets no token, and the history shows who did what.
    const again = await gql(t, 'rib-werkfit', TOKEN, { id: consent.id });
    expect(again.codes).toEqual(['CONSENT_REVOKED']);
    const mine = await gql(t, 'client-fatima', '{ mijnToestemmingen { id status geschiedenis { soort door } } mijnToestemmingsverzoeken { id status toestemmingId geschiedenis { soort door } } }');
    const listed = mine.data!.mijnToestemmingen.find((c: { id: string }) => c.id === consent.id);
    expect(listed.geschiedenis).toEqual([{ soort: 'verleend', door: 'u' }, { soort: 'ingetrokken', door: 'u' }]);
    const req = mine.data!.mijnToestemmingsverzoeken.find((r: { id: string }) => r.id === asked.data!.vraagToestemming.id);
    expect(req).toMatchObject({ status: 'goedgekeurd', toestemmingId: consent.id });
    expect(req.geschiedenis).toEqual([
      { soort: 'aangevraagd', door: 'Werkfit Re-integratie (demo)' },
      { soort: 'goedgekeurd', door: 'u' },
      { soort: 'verleend', door: 'u' },
    ]);
    // Every change is in the ledger's events with who and when; nothing was deleted.
    const events = await t.db.prisma.consentEvent.findMany({ where: { consentId: consent.id }, orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.type, e.actor, e.actorRole])).toEqual([['granted', 'client-fatima', 'client'], ['revoked', 'client-fatima', 'client']]);
  });

  it('the client rejects a request; the RIB can neither approve it nor get a token', async () => {
    const traject = await trajectOf(t, 'client-fatima');
    const asked = await gql(t, 'rib-werkfit', REQUEST, { invoer: { trajectId: traject.id, bevoegdheden: ['rapportage:schrijven'], geldigTot: endOf(traject) } });
    const id = asked.data!.vraagToestemming.id;
    const rejected = await gql(t, 'client-fatima', 'mutation($id: ID!) { wijsVerzoekAf(verzoekId: $id, reden: "liever niet") { id status besluitOp } }', { id });
    expect(rejected.data!.wijsVerzoekAf).toMatchObject({ id, status: 'afgewezen' });
    const late = await gql(t, 'client-fatima', APPROVE, { id });
    expect(late.codes).toEqual(['CONFLICT']);
    const ribApproves = await gql(t, 'rib-werkfit', APPROVE, { id });
    expect(ribApproves.codes).toEqual(['FORBIDDEN']);
    expect(await t.db.prisma.consent.count({ where: { requestId: id } })).toBe(0);
  });

  it('the RIB withdraws a pending request; another client cannot see or decide it', async () => {
    const traject = await trajectOf(t, 'client-fatima');
    const asked = await gql(t, 'rib-werkfit', REQUEST, { invoer: { trajectId: traject.id, bevoegdheden: ['rapportage:schrijven'], geldigTot: endOf(traject) } });
    const id = asked.data!.vraagToestemming.id;
    const other = await gql(t, 'client-dewi', APPROVE, { id });
    expect(other.codes).toEqual(['NOT_FOUND']);
    const otherList = await gql(t, 'client-dewi', '{ mijnToestemmingsverzoeken { id } }');
    expect(otherList.data!.mijnToestemmingsverzoeken).toEqual([]);
    const withdrawn = await gql(t, 'rib-werkfit', 'mutation($id: ID!) { trekVerzoekIn(verzoekId: $id) { id status } }', { id });
    expect(withdrawn.data!.trekVerzoekIn).toEqual({ id, status: 'ingetrokken' });
    const approve = await gql(t, 'client-fatima', APPROVE, { id });
    expect(approve.codes).toEqual(['CONFLICT']);
  });

  it('a client grants without a request, for less time; the RIB gives it back', async () => {
    const traject = await trajectOf(t, 'client-fatima');
    const granted = await gql(
      t,
      'client-fatima',
      'mutation($i: ToestemmingInvoer!) { verleenToestemming(invoer: $i) { id status verzoekId bevoegdheden geldigTot } }',
      { i: { trajectId: traject.id, bureau: WERKFIT, bevoegdheden: ['rapportage:schrijven'], geldigTot: endOf(traject) } },
    );
    expect(granted.errors).toEqual([]);
    expect(granted.data!.verleenToestemming).toMatchObject({ status: 'actief', verzoekId: null, bevoegdheden: ['rapportage:schrijven'] });
    const id = granted.data!.verleenToestemming.id;
    const list = await gql(t, 'rib-werkfit', '{ toestemmingenVanMijnBureau { id trajectId status } }');
    expect(list.data!.toestemmingenVanMijnBureau).toContainEqual({ id, trajectId: traject.id, status: 'actief' });
    expect(JSON.stringify(list)).not.toContain(fatimaBsn);
    const back = await gql(t, 'rib-werkfit', 'mutation($id: ID!) { geefToestemmingTerug(toestemmingId: $id) { id status versie } }', { id });
    expect(back.data!.geefToestemmingTerug).toEqual({ id, status: 'ingetrokken', versie: 2 });
    const events = await t.db.prisma.consentEvent.findMany({ where: { consentId: id }, orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.type, e.actorRole, e.actorOin])).toEqual([['granted', 'client', null], ['relinquished', 'rib', WERKFIT]]);
  });

  it('gives the client a signed receipt in plain Dutch and a processing log in plain Dutch', async () => {
    const { consentId } = await activeConsent(t, 'client-fatima', 'rib-werkfit');
    const r = await gql(t, 'client-fatima', 'query($id: ID!) { ontvangstbewijs(toestemmingId: $id) { toestemmingId tekst inhoud handtekening kid } }', { id: consentId });
    const receipt = r.data!.ontvangstbewijs;
    expect(receipt.tekst).toContain('U heeft Werkfit Re-integratie (demo) toestemming gegeven');
    expect(receipt.tekst).toContain('- uw werkprofiel bekijken');
    expect(receipt.tekst).not.toContain(fatimaBsn);
    const verified = await verifyReceipt(t.app.keys, receipt.handtekening);
    expect(verified).toEqual(JSON.parse(receipt.inhoud));
    // A changed receipt no longer verifies.
    const [h, p, s] = receipt.handtekening.split('.');
    const tampered = Buffer.from(p, 'base64url').toString().replace('Werkfit', 'Anders');
    await expect(verifyReceipt(t.app.keys, `${h}.${Buffer.from(tampered).toString('base64url')}.${s}`)).rejects.toThrow();
    // The RIB may not read the client's receipt.
    expect((await gql(t, 'rib-werkfit', 'query($id: ID!) { ontvangstbewijs(toestemmingId: $id) { tekst } }', { id: consentId })).codes).toEqual(['FORBIDDEN']);

    const log = await gql(t, 'client-fatima', '{ mijnVerwerkingen(aantal: 10) { tekst organisatie soort } }');
    const lines = log.data!.mijnVerwerkingen.map((l: { tekst: string }) => l.tekst);
    expect(lines.some((l: string) => /^Werkfit Re-integratie \(demo\) heeft op \d+ \w+ \d{4} u om toestemming gevraagd voor uw traject\.$/.test(l))).toBe(true);
    expect(lines.some((l: string) => /^U heeft op \d+ \w+ \d{4} toestemming gegeven voor uw traject\.$/.test(l))).toBe(true);
    await gql(t, 'client-fatima', REVOKE, { id: consentId });
  });
});
