// A RIB delivers reports into its block: through REST and GraphQL, idempotently, append-only, with
// a receipt only after the commit, a signal for the klantmanager and an entry in the client's log.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBlocks } from '../../gateway/rapportage/chain.js';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { consentFor, freshTraject, WERKFIT, gql, postRapportage, rapportage, stored } from './helpers.js';

let t: TestApp;
let consent: { traject: Awaited<ReturnType<typeof freshTraject>>; token: string; consentId: string };
beforeAll(async () => {
  t = await startTestApp();
  // A trajectory of its own, so demo consents and requests on the seeded one do not interfere.
  const traject = await freshTraject(t, findDemoPerson('client-fatima')!.bsn!, WERKFIT);
  consent = { traject, ...(await consentFor(t, 'client-fatima', 'rib-werkfit', traject)) };
});
afterAll(() => t?.close());

const DELIVER = `mutation($trajectId: ID!, $key: String!, $r: RapportageInput!) {
  leverRapportageAan(trajectId: $trajectId, idempotencyKey: $key, rapportage: $r) { rapportageId trajectId volgnummer soort hash vorigeHash ontvangenOp }
}`;

describe('delivering a report', () => {
  it('stores it over REST, answers a receipt, chains it, signals the gemeente and logs the processing', async () => {
    const before = await stored(t);
    const logBefore = await t.db.prisma.verwerking.count({ where: { processingActivityId: { contains: 'rapportage-aanleveren' } } });
    const res = await postRapportage(t, 'rib-werkfit', consent.traject.id, rapportage(consent.traject), { 'consent-token': consent.token });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ trajectId: consent.traject.id, soort: 'voortgangsrapportage', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // The receipt never names the client.
    expect(JSON.stringify(res.body)).not.toContain(findDemoPerson('client-fatima')!.bsn!);
    const row = await t.db.prisma.rapportage.findUniqueOrThrow({ where: { id: res.body.rapportageId } });
    expect(row.hash.trim()).toBe(res.body.hash);
    expect(await stored(t)).toEqual({ ...before, rapportage: before.rapportage + 1, signalering: before.signalering + 1 });
    const signal = await t.db.prisma.signalering.findUniqueOrThrow({ where: { dedupeKey: `rapportage:${row.id}` } });
    expect(signal).toMatchObject({ kind: 'rapportage-nieuw', organisationOin: consent.traject.gemeenteOin, trajectId: consent.traject.id });
    expect(await t.db.prisma.verwerking.count({ where: { processingActivityId: { contains: 'rapportage-aanleveren' } } })).toBe(logBefore + 1);
    expect((await verifyBlocks(t.db.prisma, [row.blokId]))[0]).toMatchObject({ ok: true, head: row.hash.trim() });
  });

  it('stores it through the GraphQL mutation too, linked to the previous report', async () => {
    const res = await gql(t, 'rib-werkfit', DELIVER, { trajectId: consent.traject.id, key: randomUUID(), r: rapportage(consent.traject, { resultaat: null }) }, { 'consent-token': consent.token });
    expect(res.errors).toEqual([]);
    const receipt = res.data!.leverRapportageAan;
    const prev = await t.db.prisma.rapportage.findFirstOrThrow({ where: { sequence: receipt.volgnummer - 1, blok: { trajectId: consent.traject.id } } });
    expect(receipt.vorigeHash).toBe(prev.hash.trim());
  });

  it('answers a retry with the same key and body with the same receipt, storing nothing twice', async () => {
    const key = randomUUID();
    const body = rapportage(consent.traject, { advies: 'Retry-proef' });
    const first = await postRapportage(t, 'rib-werkfit', consent.traject.id, body, { 'consent-token': consent.token, 'idempotency-key': key });
    expect(first.status).toBe(201);
    const before = await stored(t);
    // Same content, keys in another order: the same request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await postRapportage(t, 'rib-werkfit', consent.traject.id, reordered, { 'consent-token': consent.token, 'idempotency-key': key });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const viaGraphql = await gql(t, 'rib-werkfit', DELIVER, { trajectId: consent.traject.id, key, r: body }, { 'consent-token': consent.token });
    expect(viaGraphql.data!.leverRapportageAan.rapportageId).toBe(first.body.rapportageId);
    expect(await stored(t)).toEqual(before);
  });

  it('refuses the same key with a different body, naming Idempotency-Key, and stores nothing', async () => {
    const key = randomUUID();
    expect((await postRapportage(t, 'rib-werkfit', consent.traject.id, rapportage(consent.traject), { 'consent-token': consent.token, 'idempotency-key': key })).status).toBe(201);
    const before = await stored(t);
    const other = await postRapportage(t, 'rib-werkfit', consent.traject.id, rapportage(consent.traject, { advies: 'Iets anders' }), { 'consent-token': consent.token, 'idempotency-key': key });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ code: 'CONFLICT', field: 'Idempotency-Key' });
    expect(other.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await stored(t)).toEqual(before);
  });

  it('stores a correction as a new version; the old one stays, marked as replaced', async () => {
    const first = await postRapportage(t, 'rib-werkfit', consent.traject.id, rapportage(consent.traject, { advies: 'Versie 1' }), { 'consent-token': consent.token });
    const fix = await postRapportage(t, 'rib-werkfit', consent.traject.id, rapportage(consent.traject, { advies: 'Versie 2', corrigeert: first.body.rapportageId }), {
      'consent-token': consent.token,
    });
    expect(fix.status).toBe(201);
    expect(fix.body.corrigeert).toBe(first.body.rapportageId);
    const old = await t.db.prisma.rapportage.findUniqueOrThrow({ where: { id: first.body.rapportageId } });
    expect((old.body as { advies: string }).advies).toBe('Versie 1');
    const km = await gql(t, 'km-jan', `query($id: ID!) { trajectRapportages(trajectId: $id) { rapportages { id origineel versie actueel advies corrigeert } } }`, { id: consent.traject.id });
    expect(km.errors).toEqual([]);
    const all = km.data!.trajectRapportages.flatMap((b: { rapportages: unknown[] }) => b.rapportages);
    expect(all).toContainEqual({ id: first.body.rapportageId, origineel: first.body.rapportageId, versie: 1, actueel: false, advies: 'Versie 1', corrigeert: null });
    expect(all).toContainEqual({ id: fix.body.rapportageId, origineel: first.body.rapportageId, versie: 2, actueel: true, advies: 'Versie 2', corrigeert: first.body.rapportageId });
  });

  it('refuses a correction of a report in another block, even its own bureau\'s, storing nothing', async () => {
    const other = await freshTraject(t, findDemoPerson('client-fatima')!.bsn!, WERKFIT);
    const otherConsent = await consentFor(t, 'client-fatima', 'rib-werkfit', other);
    const elsewhere = await postRapportage(t, 'rib-werkfit', other.id, rapportage(other, { advies: 'Ander traject' }), { 'consent-token': otherConsent.token });
    expect(elsewhere.status).toBe(201);
    const before = await stored(t);
    const res = await postRapportage(t, 'rib-werkfit', consent.traject.id, rapportage(consent.traject, { corrigeert: elsewhere.body.rapportageId }), { 'consent-token': consent.token });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rapportage.corrigeert' });
    expect(await stored(t)).toEqual(before);
  });

  it('refuses invalid input with BAD_USER_INPUT naming the field, storing nothing', async () => {
    const before = await stored(t);
    const early = new Date(consent.traject.startsOn.getTime() - 24 * 3600 * 1000).toISOString().slice(0, 10);
    const cases: [unknown, string][] = [
      [rapportage(consent.traject, { periode: { van: early, tot: early }, activiteiten: [] }), 'rapportage.periode.van'],
      [rapportage(consent.traject, { activiteiten: [{ datum: early, omschrijving: 'Te vroeg' }] }), 'rapportage.activiteiten.0.datum'],
      [rapportage(consent.traject, { soort: 'eindrapportage', advies: undefined }), 'rapportage.resultaat'],
      [rapportage(consent.traject, { doelen: [] }), 'rapportage.doelen'],
      [rapportage(consent.traject, { doelen: [{ soort: 'leerdoel', omschrijving: 'x'.repeat(501), voortgang: 'loopt' }] }), 'rapportage.doelen.0.omschrijving'],
      [rapportage(consent.traject, { aanwezigheid: { gepland: 1, aanwezig: 2, afwezigMetBericht: 0, afwezigZonderBericht: 0 } }), 'rapportage.aanwezigheid.gepland'],
      [rapportage(consent.traject, { corrigeert: randomUUID() }), 'rapportage.corrigeert'],
      [rapportage(consent.traject, { geheim: 'x' }), 'rapportage'],
    ];
    for (const [body, field] of cases) {
      const res = await postRapportage(t, 'rib-werkfit', consent.traject.id, body, { 'consent-token': consent.token });
      expect(res.status, field).toBe(400);
      expect(res.body, field).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const noKey = await postRapportage(t, 'rib-werkfit', consent.traject.id, rapportage(consent.traject), { 'consent-token': consent.token, 'idempotency-key': 'kort' });
    expect(noKey.body).toMatchObject({ code: 'BAD_USER_INPUT', field: 'Idempotency-Key' });
    const huge = rapportage(consent.traject, { activiteiten: Array.from({ length: 100 }, () => ({ datum: new Date().toISOString().slice(0, 10), omschrijving: 'x'.repeat(500) })), advies: 'y'.repeat(5000) });
    const tooBig = await postRapportage(t, 'rib-werkfit', consent.traject.id, { ...huge, doelen: Array.from({ length: 30 }, () => ({ soort: 'leerdoel', omschrijving: 'z'.repeat(500), voortgang: 'loopt', toelichting: 'w'.repeat(2000) })) }, { 'consent-token': consent.token });
    expect(tooBig.status).toBe(413);
    expect(await stored(t)).toEqual(before);
  });
});
