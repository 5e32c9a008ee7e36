// Who reads what: a RIB only its own block (never a BSN), the klantmanager every block of their own
// gemeente's trajectories and its signals, the client the reports about them; every read is logged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { consentFor, freshTraject, gql, postRapportage, rapportage, WERKFIT } from './helpers.js';

let t: TestApp;
let traject: Awaited<ReturnType<typeof freshTraject>>;
let token: string;
let rapportageId: string;
const fatima = findDemoPerson('client-fatima')!.bsn!;
beforeAll(async () => {
  t = await startTestApp();
  traject = await freshTraject(t, fatima, WERKFIT);
  ({ token } = await consentFor(t, 'client-fatima', 'rib-werkfit', traject));
  const res = await postRapportage(t, 'rib-werkfit', traject.id, rapportage(traject), { 'consent-token': token });
  rapportageId = res.body.rapportageId;
});
afterAll(() => t?.close());

const readLog = () => t.db.prisma.verwerking.count({ where: { processingActivityId: { contains: 'rapportage-inzien' } } });
const KM_READ = `query($id: ID!) { trajectRapportages(trajectId: $id) { blokId bureau { oin } status rapportages { id soort versie periode { van tot } doelen { soort voortgang } aanwezigheid { gepland aanwezig } } } }`;
const SIGNALS = `query { signaleringen { id soort samenvatting trajectId bsn afgehandeldOp } }`;

describe('reading reports', () => {
  it('a RIB reads its own block over REST, with its consent, and never sees a BSN', async () => {
    const before = await readLog();
    const res = await fetch(`${t.url}/rib/v1/trajecten/${traject.id}/rapportages`, {
      headers: { authorization: `Bearer ${await t.token('rib-werkfit')}`, 'consent-token': token },
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(fatima);
    const body = JSON.parse(text);
    expect(body.rapportages.map((r: { id: string }) => r.id)).toEqual([rapportageId]);
    expect(await readLog()).toBe(before + 1);
    // Without the consent token it reads nothing.
    const bare = await fetch(`${t.url}/rib/v1/trajecten/${traject.id}/rapportages`, { headers: { authorization: `Bearer ${await t.token('rib-werkfit')}` } });
    expect(bare.status).toBe(403);
  });

  it("a RIB cannot use the klantmanager's or the client's views", async () => {
    expect((await gql(t, 'rib-werkfit', KM_READ, { id: traject.id })).codes).toEqual(['FORBIDDEN']);
    expect((await gql(t, 'rib-aandeslag', `query($id: ID!) { mijnRapportageblok(trajectId: $id) { blokId } }`, { id: traject.id }, { 'consent-token': token })).codes).toEqual(['FORBIDDEN']);
    expect((await gql(t, 'rib-werkfit', 'query { mijnRapportages { id } }')).codes).toEqual(['FORBIDDEN']);
  });

  it('the klantmanager of the gemeente reads every block; another gemeente gets NOT_FOUND', async () => {
    const before = await readLog();
    const jan = await gql(t, 'km-jan', KM_READ, { id: traject.id });
    expect(jan.errors).toEqual([]);
    expect(jan.data!.trajectRapportages).toEqual([
      expect.objectContaining({ bureau: { oin: WERKFIT }, status: 'open', rapportages: [expect.objectContaining({ id: rapportageId, versie: 1, aanwezigheid: { gepland: 8, aanwezig: 7 } })] }),
    ]);
    expect(await readLog()).toBe(before + 1);
    expect((await gql(t, 'km-sanne', KM_READ, { id: traject.id })).codes).toEqual(['NOT_FOUND']);
  });

  it('the klantmanager finds the reports in the combined view: klant → trajecten → rapportageblokken → rapportages', async () => {
    const res = await gql(t, 'km-jan', `query($bsn: ID!) { klant(bsn: $bsn) { trajecten { id rapportageblokken { id rapportages { id versie } } } } }`, { bsn: fatima });
    expect(res.errors).toEqual([]);
    const mine = res.data!.klant.trajecten.find((x: { id: string }) => x.id === traject.id);
    expect(mine.rapportageblokken[0].rapportages).toEqual([{ id: rapportageId, versie: 1 }]);
  });

  it('the client reads the reports about them; another client does not', async () => {
    const mine = await gql(t, 'client-fatima', 'query { mijnRapportages { id bureau { oin } } }');
    expect(mine.data!.mijnRapportages).toContainEqual({ id: rapportageId, bureau: { oin: WERKFIT } });
    const other = await gql(t, 'client-dewi', 'query { mijnRapportages { id } }');
    expect(other.data!.mijnRapportages.map((r: { id: string }) => r.id)).not.toContain(rapportageId);
  });

  it("signals a new report to the gemeente's klantmanagers only, and lets them mark it handled", async () => {
    const jan = await gql(t, 'km-jan', SIGNALS);
    const signal = jan.data!.signaleringen.find((s: { soort: string; trajectId: string }) => s.soort === 'rapportage-nieuw' && s.trajectId === traject.id);
    expect(signal).toMatchObject({ bsn: fatima, afgehandeldOp: null, samenvatting: expect.stringContaining('voortgangsrapportage') });
    const sanne = await gql(t, 'km-sanne', SIGNALS);
    expect(sanne.data!.signaleringen.map((s: { id: string }) => s.id)).not.toContain(signal.id);
    expect((await gql(t, 'km-sanne', `mutation($id: ID!) { handelSignaleringAf(id: $id) { id } }`, { id: signal.id })).codes).toEqual(['BAD_USER_INPUT']);
    const done = await gql(t, 'km-jan', `mutation($id: ID!) { handelSignaleringAf(id: $id) { afgehandeldOp } }`, { id: signal.id });
    expect(done.data!.handelSignaleringAf.afgehandeldOp).toEqual(expect.any(String));
    expect((await gql(t, 'km-jan', SIGNALS)).data!.signaleringen.map((s: { id: string }) => s.id)).not.toContain(signal.id);
    expect((await gql(t, 'rib-werkfit', SIGNALS)).codes).toEqual(['FORBIDDEN']);
  });

  it('signals a block without a report for 31 days, once a month', async () => {
    const quiet = await freshTraject(t, fatima, WERKFIT);
    await t.db.prisma.rapportageBlok.updateMany({ where: { trajectId: quiet.id }, data: { openedAt: new Date(Date.now() - 40 * 24 * 3600 * 1000) } });
    const late = async () =>
      (await gql(t, 'km-jan', SIGNALS)).data!.signaleringen.filter((s: { soort: string; trajectId: string }) => s.soort === 'rapportage-te-laat' && s.trajectId === quiet.id);
    expect(await late()).toHaveLength(1);
    expect(await late()).toHaveLength(1);
    // A fresh block is not late.
    expect((await gql(t, 'km-jan', SIGNALS)).data!.signaleringen.some((s: { soort: string; trajectId: string }) => s.soort === 'rapportage-te-laat' && s.trajectId === traject.id)).toBe(false);
  });

  it('the klantmanager assigns a new trajectory to a bureau, which opens its block', async () => {
    const res = await gql(t, 'km-jan', `mutation($w: TrajectToewijzingInput!) { wijsTrajectToe(toewijzing: $w) { trajectId status blokken { bureau { oin } status } } }`, {
      w: { bsn: fatima, gemeenteKenmerk: 'TRJ-AMS-NIEUW-1', titel: 'Taal en werk', startdatum: '2026-11-01', einddatum: '2027-05-01', bureauOin: WERKFIT },
    });
    expect(res.errors).toEqual([]);
    expect(res.data!.wijsTrajectToe).toMatchObject({ status: 'actief', blokken: [{ bureau: { oin: WERKFIT }, status: 'open' }] });
    const bad = await gql(t, 'km-jan', `mutation($w: TrajectToewijzingInput!) { wijsTrajectToe(toewijzing: $w) { trajectId } }`, {
      w: { bsn: fatima, gemeenteKenmerk: 'TRJ-AMS-NIEUW-2', titel: 'x', startdatum: '2026-11-01', einddatum: '2027-05-01', bureauOin: '00000001990000000002' },
    });
    expect(bad.codes).toEqual(['BAD_USER_INPUT']);
    expect(bad.errors[0]!.message).toMatch(/bureauOin/);
    expect((await gql(t, 'rib-werkfit', `mutation($w: TrajectToewijzingInput!) { wijsTrajectToe(toewijzing: $w) { trajectId } }`, {
      w: { bsn: fatima, gemeenteKenmerk: 'TRJ-X', titel: 'x', startdatum: '2026-11-01', einddatum: '2027-05-01', bureauOin: WERKFIT },
    })).codes).toEqual(['FORBIDDEN']);
  });
});
