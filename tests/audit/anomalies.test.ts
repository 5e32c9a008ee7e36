// Anomaly signals from weeks of log history (written straight into both logs, October 2026, when
// Amsterdam is at UTC+2), each kind tried just above and just below its threshold; follow-up that
// is append-only and only for the organisation's own signals; the monthly report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { consentFor, freshTraject, postRapportage, rapportage, WERKFIT } from '../rapportage/helpers.js';
import { ORG, amsterdam, as, counts, madeUpBsn, writeProcessings, writeRefusals, type PastProcessing, type PastRefusal } from './helpers.js';

const A = ORG.amsterdam.oin;
const OCTOBER = { van: '2026-10-01', tot: '2026-10-31' };
const WORKDAYS = ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07', '2026-10-08', '2026-10-09'];

const SIGNALS = `query($van: String!, $tot: String!) { controleSignalen(van: $van, tot: $tot) {
  id soort dag medewerker klantKenmerk waarde drempel van tot uitleg
  opvolging { status toelichting door op } opvolgingen { status }
} }`;
const FOLLOW_UP = `mutation($invoer: OpvolgingInvoer!) { legOpvolgingVast(invoer: $invoer) { signaalId status toelichting door op } }`;

let t: TestApp;
let bsn = 0;
const clients = (n: number) => Array.from({ length: n }, () => madeUpBsn(++bsn));

beforeAll(async () => {
  t = await startTestApp();
  const p: PastProcessing[] = [];
  const r: PastRefusal[] = [];
  // volume: ten clients on each usual day, then sixty; a colleague who always sees fifty.
  const usual = clients(10);
  const steady = clients(50);
  for (const day of WORKDAYS) {
    for (const b of usual) p.push({ who: 'km-volume', oin: A, bsn: b, at: amsterdam(day, '10:00') });
    for (const b of steady) p.push({ who: 'km-steady', oin: A, bsn: b, at: amsterdam(day, '10:00') });
  }
  for (const b of clients(60)) p.push({ who: 'km-volume', oin: A, bsn: b, at: amsterdam('2026-10-12', '10:00') });
  for (const b of steady) p.push({ who: 'km-steady', oin: A, bsn: b, at: amsterdam('2026-10-12', '10:00') });
  // buiten_caseload: thirty clients tried in ten minutes; a colleague who mistyped four times.
  for (let i = 0; i < 30; i++) r.push({ who: 'km-probe', oin: A, at: new Date(amsterdam('2026-10-13', '10:00').getTime() + i * 19_000) });
  for (let i = 0; i < 4; i++) r.push({ who: 'km-typo', oin: A, at: amsterdam('2026-10-13', `${10 + i * 2}:00`) });
  // weigeringen: twelve refusals in five minutes; a colleague's twelve over four hours.
  for (let i = 0; i < 12; i++) r.push({ who: 'km-burst', oin: A, at: new Date(amsterdam('2026-10-14', '11:00').getTime() + i * 25_000), reason: 'role-not-allowed', resource: 'graph' });
  for (let i = 0; i < 12; i++) r.push({ who: 'km-slow', oin: A, at: new Date(amsterdam('2026-10-14', '09:00').getTime() + i * 20 * 60_000), reason: 'role-not-allowed', resource: 'graph' });
  // buiten_werktijd: Saturday night and early Thursday morning; a colleague at ten.
  const [night] = clients(1);
  p.push({ who: 'km-night', oin: A, bsn: night!, at: amsterdam('2026-10-17', '23:10') });
  p.push({ who: 'km-early', oin: A, bsn: night!, at: amsterdam('2026-10-15', '06:30') });
  p.push({ who: 'km-day', oin: A, bsn: night!, at: amsterdam('2026-10-15', '10:00') });
  // veel_medewerkers: one client seen by six employees in five hours; another by six over ten days.
  const [famous, ordinary] = clients(2);
  for (let i = 1; i <= 6; i++) p.push({ who: `km-s${i}`, oin: A, bsn: famous!, at: amsterdam('2026-10-20', `${String(8 + i).padStart(2, '0')}:00`) });
  for (let i = 1; i <= 6; i++) p.push({ who: `km-s${i}`, oin: A, bsn: ordinary!, at: amsterdam(WORKDAYS[i]!, '10:00') });
  // The caseload list shows every client to everyone: it never counts as consulting.
  for (let i = 1; i <= 6; i++) p.push({ who: `km-s${i}`, oin: A, bsn: ordinary!, at: amsterdam('2026-10-21', `1${i}:00`), activity: 'caseload' });
  await writeProcessings(t, p);
  await writeRefusals(t, r);
  t.app.services.subjectKey(famous!);
  famousKey = t.app.services.subjectKey(famous!);
});
afterAll(() => t?.close());

let famousKey = '';

async function october(person = 'auditor-amsterdam') {
  const r = await as(t, person, SIGNALS, OCTOBER);
  expect(r.errors).toEqual([]);
  return r.data!.controleSignalen as any[];
}

describe('anomaly signals', () => {
  it('raises each kind just above its threshold and not below it, explained in words', async () => {
    const signals = await october();
    const got = signals.map((s) => `${s.soort}:${s.medewerker ?? s.klantKenmerk}:${s.dag}:${s.waarde}`).sort();
    expect(got).toEqual(
      [
        'volume:km-volume:2026-10-12:60',
        'buiten_caseload:km-probe:2026-10-13:30',
        'weigeringen:km-probe:2026-10-13:30',
        'weigeringen:km-burst:2026-10-14:12',
        'buiten_werktijd:km-early:2026-10-15:1',
        'buiten_werktijd:km-night:2026-10-17:1',
        `veel_medewerkers:${famousKey}:2026-10-20:6`,
      ].sort(),
    );
    const byKind = Object.fromEntries(signals.map((s) => [`${s.soort}:${s.medewerker}`, s]));
    expect(byKind['volume:km-volume'].uitleg).toMatch(/^km-volume bekeek op 12 oktober 2026 de gegevens van 60 cliënten\. Gewoonlijk zijn dat er 10 per werkdag .* 6 keer zoveel/);
    expect(byKind['buiten_caseload:km-probe'].uitleg).toMatch(/^km-probe probeerde op 13 oktober 2026 tussen 10:00 en 10:09 de gegevens te openen van 30 cliënten die niet in de caseload/);
    expect(byKind['weigeringen:km-burst'].uitleg).toMatch(/12 weigeringen binnen 10 minuten/);
    expect(byKind['buiten_werktijd:km-night'].uitleg).toMatch(/^km-night raadpleegde op 17 oktober 2026 om 23:10 gegevens van 1 cliënt buiten werktijd \(werktijd is ma-vr 07:00-19:00\)/);
    expect(byKind['veel_medewerkers:null'].uitleg).toMatch(/door 6 verschillende medewerkers bekeken \(km-s1, km-s2, km-s3, km-s4, km-s5, km-s6\)/);
    expect(signals.every((s) => s.opvolging === null && s.opvolgingen.length === 0)).toBe(true);
  });

  it('gives the same ids for the same logs, and only the days asked for', async () => {
    const again = await october();
    expect((await october()).map((s) => s.id)).toEqual(again.map((s) => s.id));
    const one = await as(t, 'auditor-amsterdam', SIGNALS, { van: '2026-10-13', tot: '2026-10-13' });
    expect(one.data!.controleSignalen.map((s: any) => s.soort).sort()).toEqual(['buiten_caseload', 'weigeringen']);
  });

  it('follows thresholds from the configuration', async () => {
    const strict = await startTestApp({ env: { AUDIT_OUTSIDE_CASELOAD_MIN: '31', AUDIT_WORKING_HOURS: '06:00-23:30', AUDIT_WORKING_DAYS: 'ma-za' } });
    try {
      await writeRefusals(strict, Array.from({ length: 30 }, (_, i) => ({ who: 'km-probe', oin: A, at: new Date(amsterdam('2026-10-13', '10:00').getTime() + i * 19_000) })));
      await writeProcessings(strict, [{ who: 'km-night', oin: A, bsn: madeUpBsn(999), at: amsterdam('2026-10-17', '23:10') }]);
      const r = await as(strict, 'auditor-amsterdam', SIGNALS, OCTOBER);
      expect(r.data!.controleSignalen.map((s: any) => s.soort)).toEqual(['weigeringen']);
    } finally {
      await strict.close();
    }
  });

  it('the auditor of another organisation sees none of them', async () => {
    expect(await october('auditor-leiden')).toEqual([]);
  });
});

describe('follow-up of a signal', () => {
  it('is appended step by step; the newest step is the state; the database refuses to change one', async () => {
    const signal = (await october()).find((s) => s.soort === 'buiten_caseload')!;
    const first = await as(t, 'auditor-amsterdam', FOLLOW_UP, { invoer: { signaalId: signal.id, status: 'in_onderzoek', toelichting: 'Leidinggevende van km-probe gevraagd' } });
    expect(first.errors).toEqual([]);
    expect(first.data!.legOpvolgingVast).toMatchObject({ signaalId: signal.id, status: 'in_onderzoek', door: 'auditor-amsterdam' });
    await as(t, 'auditor-amsterdam', FOLLOW_UP, { invoer: { signaalId: signal.id, status: 'maatregel_genomen', toelichting: 'Gesprek gevoerd, toegang beperkt, gemeld bij FG' } });
    const now = (await october()).find((s) => s.id === signal.id)!;
    expect(now.opvolging).toMatchObject({ status: 'maatregel_genomen', toelichting: 'Gesprek gevoerd, toegang beperkt, gemeld bij FG' });
    expect(now.opvolgingen.map((o: any) => o.status)).toEqual(['in_onderzoek', 'maatregel_genomen']);
    await expect(t.db.prisma.$executeRawUnsafe(`UPDATE signaal_opvolging SET status = 'geen_misbruik'`)).rejects.toThrow(/append-only/);
    await expect(t.db.prisma.$executeRawUnsafe(`DELETE FROM signaal_opvolging`)).rejects.toThrow(/append-only/);
    const lookup = await t.db.prisma.controle.create({
      data: { traceId: '0'.repeat(32), organisationOin: A, auditorSubject: 'auditor-amsterdam', kind: 'klant', periodFrom: new Date(), periodUntil: new Date(), reason: 'Proef' },
    });
    await expect(t.db.prisma.$executeRawUnsafe(`UPDATE controle SET reason = 'anders' WHERE id = ${lookup.id}`)).rejects.toThrow(/append-only/);
    await expect(t.db.prisma.$executeRawUnsafe(`DELETE FROM controle WHERE id = ${lookup.id}`)).rejects.toThrow(/append-only/);
  });

  it('is refused for a signal that is not in the organisation’s own logs, or with bad input, and writes nothing', async () => {
    const signal = (await october()).find((s) => s.soort === 'volume')!;
    const before = await counts(t);
    const tries: [string, Record<string, unknown>, string][] = [
      ['auditor-leiden', { signaalId: signal.id, status: 'geen_misbruik', toelichting: 'Niet van ons, toch proberen' }, 'NOT_FOUND'],
      ['auditor-amsterdam', { signaalId: `volume.2026-10-12.${'0'.repeat(20)}`, status: 'geen_misbruik', toelichting: 'Verzonnen signaal' }, 'NOT_FOUND'],
      ['auditor-amsterdam', { signaalId: 'iets', status: 'geen_misbruik', toelichting: 'Geen signaal-id' }, 'BAD_USER_INPUT'],
      ['auditor-amsterdam', { signaalId: signal.id, status: 'geen_misbruik', toelichting: 'kort' }, 'BAD_USER_INPUT'],
      ['auditor-amsterdam', { signaalId: signal.id, status: 'opgelost', toelichting: 'Onbekende status' }, 'BAD_USER_INPUT'],
      ['km-jan', { signaalId: signal.id, status: 'geen_misbruik', toelichting: 'Ik ben geen auditor' }, 'FORBIDDEN'],
    ];
    for (const [person, invoer, code] of tries) {
      const r = await as(t, person, FOLLOW_UP, { invoer });
      expect(r.data?.legOpvolgingVast ?? null).toBeNull();
      expect(r.errors.map((e) => e.extensions.code)).toEqual([code]);
    }
    expect(await counts(t)).toEqual(before);
  });
});

describe('the monthly report', () => {
  const REPORT = `query($maand: String!) { controleRapport(maand: $maand) {
    maand van tot organisatie { oin naam } medewerkers raadplegingen verwerkingen klanten weigeringen
    weigeringenPerReden { naam aantal } controles signalenPerSoort { naam aantal } signalenZonderOpvolging signalenAfgehandeld
    signalen { id soort opvolging { status } }
    perMedewerker { medewerker rol raadplegingen klanten verwerkingen weigeringen }
    ketenintegriteit { blokken rapportages gebroken { blokId trajectId rapportageId volgnummer reden uitleg } }
  } }`;

  it('counts employees, consultations, refusals, signals and their follow-up, and names a broken chain', async () => {
    const r = await as(t, 'auditor-amsterdam', REPORT, { maand: '2026-10' });
    expect(r.errors).toEqual([]);
    const rep = r.data!.controleRapport;
    expect(rep).toMatchObject({ maand: '2026-10', van: '2026-10-01', tot: '2026-10-31', organisatie: { oin: A } });
    expect(rep.weigeringen).toBe(58);
    expect(rep.weigeringenPerReden).toEqual([{ naam: 'not-on-caseload', aantal: 34 }, { naam: 'role-not-allowed', aantal: 24 }]);
    expect(rep.signalen).toHaveLength(7);
    expect(rep.signalenPerSoort).toEqual([
      { naam: 'volume', aantal: 1 }, { naam: 'buiten_caseload', aantal: 1 }, { naam: 'weigeringen', aantal: 2 },
      { naam: 'buiten_werktijd', aantal: 2 }, { naam: 'veel_medewerkers', aantal: 1 },
    ]);
    const handled = rep.signalen.filter((s: any) => s.opvolging && s.opvolging.status !== 'in_onderzoek').length;
    expect(rep.signalenAfgehandeld).toBe(handled);
    expect(rep.signalenZonderOpvolging).toBe(rep.signalen.filter((s: any) => !s.opvolging).length);
    const volume = rep.perMedewerker.find((m: any) => m.medewerker === 'km-volume');
    expect(volume).toEqual({ medewerker: 'km-volume', rol: 'klantmanager', raadplegingen: 130, klanten: 70, verwerkingen: 130, weigeringen: 0 });
    expect(rep.perMedewerker.find((m: any) => m.medewerker === 'km-probe')).toMatchObject({ verwerkingen: 0, weigeringen: 30 });
    expect(rep.medewerkers).toBe(rep.perMedewerker.length);
    expect(rep.verwerkingen).toBe(rep.perMedewerker.reduce((n: number, m: any) => n + m.verwerkingen, 0));
    expect(rep.ketenintegriteit.gebroken).toEqual([]);
    expect(rep.ketenintegriteit.blokken).toBeGreaterThan(0);

    // Leiden's report has none of it.
    const leiden = await as(t, 'auditor-leiden', REPORT, { maand: '2026-10' });
    expect(leiden.data!.controleRapport).toMatchObject({ medewerkers: 0, weigeringen: 0, signalen: [], perMedewerker: [] });
  });

  it('names the first broken row of a block whose report was changed behind the database’s back', async () => {
    const traject = await freshTraject(t, findDemoPerson('client-fatima')!.bsn!, WERKFIT);
    const { token } = await consentFor(t, 'client-fatima', 'rib-werkfit', traject);
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) ids.push((await postRapportage(t, 'rib-werkfit', traject.id, rapportage(traject, { advies: `Advies ${i}` }), { 'consent-token': token })).body.rapportageId);
    await t.db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('ALTER TABLE rapportage DISABLE TRIGGER rapportage_append_only');
      await tx.$executeRawUnsafe(`UPDATE rapportage SET body = jsonb_set(body, '{advies}', '"Anders"') WHERE id = '${ids[0]}'`);
      await tx.$executeRawUnsafe('ALTER TABLE rapportage ENABLE TRIGGER rapportage_append_only');
    });
    const r = await as(t, 'auditor-amsterdam', `query { controleKetenintegriteit { blokken rapportages gebroken { trajectId rapportageId volgnummer reden uitleg } } }`);
    expect(r.errors).toEqual([]);
    expect(r.data!.controleKetenintegriteit.gebroken).toEqual([
      { trajectId: traject.id, rapportageId: ids[0], volgnummer: 1, reden: 'hash-mismatch', uitleg: 'de inhoud van deze rapportage is veranderd nadat hij is opgeslagen' },
    ]);
    // Leiden's chains do not include Amsterdam's trajectories.
    const leiden = await as(t, 'auditor-leiden', `query { controleKetenintegriteit { gebroken { trajectId } } }`);
    expect(leiden.data!.controleKetenintegriteit.gebroken).toEqual([]);
  });
});
