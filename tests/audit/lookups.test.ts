// The auditor looks up one client and one employee, through the HTTP API: only their own
// organisation's rows, the reason stored, and the lookup itself in the client's processing log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { population } from '../../adapters/population/population.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { ORG, aroundToday, as, counts } from './helpers.js';
import { subjectKeyBytes, subjectKeyHex } from '../../gateway/logs/subject-id.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { PARTNER_TIMEOUT_MS: '5000' } });
});
afterAll(() => t?.close());

const dewi = population()[1]!; // Amsterdam
const leidenClient = population().find((c) => c.gemeenteOin === ORG.leiden.oin)!;

const KLANT = `query($invoer: KlantControleInvoer!) { controleKlant(invoer: $invoer) {
  klantKenmerk bsn van tot volgende
  verwerkingen { id op medewerker rol handeling doel doelOmschrijving soort uitkomst partners velden traceId klantKenmerk bsn }
  weigeringen { op medewerker organisatie actie object reden uitleg klantKenmerk trajectId }
} }`;

const MEDEWERKER = `query($invoer: MedewerkerControleInvoer!) { controleMedewerker(invoer: $invoer) {
  medewerker raadplegingen klanten volgende
  verwerkingen { medewerker handeling klantKenmerk bsn }
  weigeringen { reden klantKenmerk }
} }`;

async function janLooksAt(bsn: string) {
  return as(t, 'km-jan', 'query($bsn: ID!) { klant(bsn: $bsn) { bsn naam { volledigeNaam } } }', { bsn });
}

describe('an auditor looks up a client', () => {
  it('sees every processing of the client by their own organisation, and the refusals, with the reason stored', async () => {
    expect((await janLooksAt(dewi.bsn)).errors).toEqual([]);
    expect((await janLooksAt(dewi.bsn)).errors).toEqual([]);
    const reason = 'Klacht van cliënt over inzage, zaaknummer 2026-17';
    const r = await as(t, 'auditor-amsterdam', KLANT, { invoer: { bsn: dewi.bsn, ...aroundToday(), reden: reason } });
    expect(r.errors).toEqual([]);
    const k = r.data!.controleKlant;
    expect(k.bsn).toBe(dewi.bsn);
    expect(k.klantKenmerk).toMatch(/^[0-9a-f]{64}$/);
    const jans = k.verwerkingen.filter((v: any) => v.medewerker === 'km-jan');
    expect(jans).toHaveLength(2);
    expect(jans[0]).toMatchObject({ rol: 'klantmanager', handeling: 'klantbeeld bekeken', soort: 'lezen', uitkomst: 'gelukt', bsn: dewi.bsn, doelOmschrijving: 'klantbeeld werk en inkomen' });
    expect(jans[0].doel).toMatch(/klantbeeld/);
    expect(jans[0].velden).toContain('naam');

    // The lookup is on record with its reason, and in the client's own processing log.
    const controle = await t.db.prisma.controle.findFirstOrThrow({ where: { kind: 'klant', target: k.klantKenmerk }, orderBy: { id: 'desc' } });
    expect(controle).toMatchObject({ reason, auditorSubject: 'auditor-amsterdam', organisationOin: ORG.amsterdam.oin });
    const own = await as(t, 'client-dewi', 'query { mijnVerwerkingen { tekst organisatie } }');
    expect(own.data!.mijnVerwerkingen[0].tekst).toMatch(/^De privacyfunctionaris van Gemeente Amsterdam \(demo\) heeft op .* bekeken wie uw gegevens heeft gebruikt om te controleren of dat volgens de regels ging\.$/);
  });

  it('finds a klantmanager’s refused attempt at a client outside the caseload', async () => {
    const tried = await janLooksAt(leidenClient.bsn);
    expect(tried.errors[0]!.extensions.code).toBe('FORBIDDEN');
    const r = await as(t, 'auditor-amsterdam', KLANT, { invoer: { bsn: leidenClient.bsn, ...aroundToday(), reden: 'Controle weigeringen deze week' } });
    expect(r.errors).toEqual([]);
    const k = r.data!.controleKlant;
    expect(k.verwerkingen).toEqual([]);
    expect(k.weigeringen).toEqual([
      expect.objectContaining({ medewerker: 'km-jan', organisatie: ORG.amsterdam.oin, actie: 'klantbeeld:lezen', reden: 'not-on-caseload', klantKenmerk: k.klantKenmerk }),
    ]);
    expect(k.weigeringen[0].uitleg).toMatch(/niet in de caseload/);
  });

  it('pages through the processings, newest first', async () => {
    for (let i = 0; i < 3; i++) await janLooksAt(dewi.bsn);
    const key = t.app.services.subjectKey(dewi.bsn);
    const all = await t.db.prisma.verwerking.count({ where: { subjectKey: subjectKeyBytes(key), actorOin: ORG.amsterdam.oin } });
    const seen: string[] = [];
    let na: string | null = null;
    do {
      const r: any = await as(t, 'auditor-amsterdam', KLANT, { invoer: { bsn: dewi.bsn, ...aroundToday(), reden: 'Paginacontrole', aantal: 2, na } });
      expect(r.errors).toEqual([]);
      expect(r.data.controleKlant.verwerkingen.length).toBeLessThanOrEqual(2);
      seen.push(...r.data.controleKlant.verwerkingen.map((v: any) => v.id));
      na = r.data.controleKlant.volgende;
    } while (na);
    expect(new Set(seen).size).toBe(seen.length);
    // Every row of the organisation about this client from before the first page (the auditor's
    // earlier lookups included; each page's own lookup row is newer than what it pages through).
    expect(seen.length).toBe(all);
  });

  it('looks up a client by the pseudonymous key that logs and signals show', async () => {
    await janLooksAt(dewi.bsn);
    const key = t.app.services.subjectKey(dewi.bsn);
    const r = await as(t, 'auditor-amsterdam', KLANT, { invoer: { klantKenmerk: key, ...aroundToday(), reden: 'Signaal veel medewerkers' } });
    expect(r.errors).toEqual([]);
    expect(r.data!.controleKlant.bsn).toBe(dewi.bsn);
  });

  it('refuses a lookup without a reason, with a bad BSN, or over more than a year, and writes nothing', async () => {
    const before = await counts(t);
    const decisions = await t.db.prisma.besluit.count();
    const bad = [
      { bsn: dewi.bsn, ...aroundToday() },
      { bsn: dewi.bsn, ...aroundToday(), reden: '   ' },
      { bsn: dewi.bsn, ...aroundToday(), reden: 'nee' },
      { bsn: '123456789', ...aroundToday(), reden: 'Een goede reden' },
      { bsn: dewi.bsn, klantKenmerk: 'ab'.repeat(32), ...aroundToday(), reden: 'Een goede reden' },
      { bsn: dewi.bsn, van: '2024-01-01', tot: '2025-06-01', reden: 'Een goede reden' },
      { bsn: dewi.bsn, van: '2026-02-30', tot: '2026-03-01', reden: 'Een goede reden' },
    ];
    for (const invoer of bad) {
      const r = await as(t, 'auditor-amsterdam', KLANT, { invoer });
      expect(r.data?.controleKlant ?? null).toBeNull();
      expect(r.errors.map((e) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
    }
    // A missing reden is refused by the schema itself.
    expect((await as(t, 'auditor-amsterdam', KLANT, { invoer: { bsn: dewi.bsn, ...aroundToday() } })).errors[0]!.message).toMatch(/reden/);
    expect(await counts(t)).toEqual(before);
    expect(await t.db.prisma.besluit.count()).toBe(decisions);
  });
});

describe('an auditor looks up an employee', () => {
  it('sees every client the employee consulted, by BSN, and each shown client gets a processing-log entry', async () => {
    await janLooksAt(dewi.bsn);
    await janLooksAt(leidenClient.bsn);
    const r = await as(t, 'auditor-amsterdam', MEDEWERKER, { invoer: { medewerker: 'km-jan', ...aroundToday(), reden: 'Steekproef normenkader' } });
    expect(r.errors).toEqual([]);
    const m = r.data!.controleMedewerker;
    expect(m.klanten).toBeGreaterThanOrEqual(1);
    expect(m.raadplegingen).toBeGreaterThanOrEqual(1);
    expect(m.verwerkingen.every((v: any) => v.medewerker === 'km-jan')).toBe(true);
    expect(m.verwerkingen.map((v: any) => v.bsn)).toContain(dewi.bsn);
    expect(m.weigeringen.map((w: any) => w.reden)).toContain('not-on-caseload');
    const shown = new Set(m.verwerkingen.map((v: any) => v.klantKenmerk));
    const trace = (await t.db.prisma.controle.findFirstOrThrow({ where: { kind: 'medewerker', target: 'km-jan' }, orderBy: { id: 'desc' } })).traceId;
    const logged = await t.db.prisma.verwerking.findMany({ where: { traceId: trace } });
    expect(new Set(logged.map((l) => subjectKeyHex(l.subjectKey)))).toEqual(shown);
    expect(logged.every((l) => l.actorRole === 'auditor' && /controle/.test(l.processingActivityId))).toBe(true);
  });
});

describe('scope: an auditor sees only their own organisation', () => {
  it('the auditor of Leiden sees nothing of what Amsterdam’s klantmanager did', async () => {
    await janLooksAt(dewi.bsn);
    await janLooksAt(leidenClient.bsn);
    const klant = await as(t, 'auditor-leiden', KLANT, { invoer: { bsn: dewi.bsn, ...aroundToday(), reden: 'Poging andere gemeente' } });
    expect(klant.errors).toEqual([]);
    expect(klant.data!.controleKlant.verwerkingen).toEqual([]);
    expect(klant.data!.controleKlant.weigeringen).toEqual([]);
    // Even about a Leiden client, Amsterdam's refused attempt is Amsterdam's row, not Leiden's.
    const own = await as(t, 'auditor-leiden', KLANT, { invoer: { bsn: leidenClient.bsn, ...aroundToday(), reden: 'Poging andere gemeente' } });
    expect(own.data!.controleKlant.weigeringen).toEqual([]);
    const jan = await as(t, 'auditor-leiden', MEDEWERKER, { invoer: { medewerker: 'km-jan', ...aroundToday(), reden: 'Poging andere gemeente' } });
    expect(jan.data!.controleMedewerker).toMatchObject({ raadplegingen: 0, klanten: 0, verwerkingen: [], weigeringen: [] });
    const refusals = await as(t, 'auditor-leiden', `query($van: String!, $tot: String!) { controleWeigeringen(van: $van, tot: $tot) { weigeringen { medewerker } } controleMedewerkers(van: $van, tot: $tot) { medewerker } }`, aroundToday());
    expect(refusals.errors).toEqual([]);
    expect(refusals.data!.controleWeigeringen.weigeringen.filter((w: any) => w.medewerker === 'km-jan')).toEqual([]);
    expect(refusals.data!.controleMedewerkers.map((m: any) => m.medewerker)).not.toContain('km-jan');
  });
});
