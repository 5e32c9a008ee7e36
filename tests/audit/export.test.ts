// The auditor's export over HTTP: a month as CSV or JSON, both logs merged oldest first, clients
// by pseudonymous key only, formulas defused; a reason required and stored; only the auditor's own
// organisation.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_COLUMNS } from '../../gateway/audit/export.js';
import { dayOf } from '../../gateway/audit/period.js';
import { population } from '../../adapters/population/population.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { ORG, amsterdam, as, counts, madeUpBsn, writeProcessings, writeRefusals } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { PARTNER_TIMEOUT_MS: '5000' } });
});
afterAll(() => t?.close());

const A = ORG.amsterdam.oin;
const dewi = population()[1]!;
const leidenClient = population().find((c) => c.gemeenteOin === ORG.leiden.oin)!;
const thisMonth = () => dayOf(new Date()).slice(0, 7);

async function exportAs(person: string, body: Record<string, unknown>) {
  const res = await fetch(`${t.url}/controle/v1/export`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token(person)}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const rowsOf = (csv: string) => parse(csv, { columns: true, bom: true }) as Record<string, string>[];

describe('the export', () => {
  it('gives the month as CSV: processings and refusals, oldest first, clients by key, never a BSN; the reason is stored', async () => {
    await as(t, 'km-jan', 'query($bsn: ID!) { klant(bsn: $bsn) { naam { volledigeNaam } } }', { bsn: dewi.bsn });
    await as(t, 'km-jan', 'query($bsn: ID!) { klant(bsn: $bsn) { naam { volledigeNaam } } }', { bsn: leidenClient.bsn });
    const reason = 'Maandrapportage normenkader';
    const res = await exportAs('auditor-amsterdam', { maand: thisMonth(), formaat: 'csv', reden: reason });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="ketenpoort-controle-${thisMonth()}.csv"`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.text.split('\r\n')[0]).toBe(EXPORT_COLUMNS.join(','));
    const rows = rowsOf(res.text);
    const key = (bsn: string) => t.app.services.subjectKey(bsn);
    expect(rows).toContainEqual(expect.objectContaining({ soort: 'verwerking', medewerker: 'km-jan', rol: 'klantmanager', handeling: 'klantbeeld bekeken', uitkomst: 'gelukt', klantkenmerk: key(dewi.bsn), organisatie: A }));
    expect(rows).toContainEqual(expect.objectContaining({ soort: 'weigering', medewerker: 'km-jan', uitkomst: 'geweigerd: not-on-caseload', klantkenmerk: key(leidenClient.bsn), object: `klant:${key(leidenClient.bsn)}` }));
    expect(rows.map((r) => r.tijdstip)).toEqual([...rows.map((r) => r.tijdstip)].sort());
    expect(rows.every((r) => r.organisatie === A)).toBe(true);
    for (const c of population()) expect(res.text).not.toContain(c.bsn);
    expect(await t.db.prisma.controle.findFirst({ where: { kind: 'export', reason }, orderBy: { id: 'desc' } })).toMatchObject({ auditorSubject: 'auditor-amsterdam', organisationOin: A });
  });

  it('gives JSON too, and one employee when asked', async () => {
    const res = await exportAs('auditor-amsterdam', { maand: thisMonth(), formaat: 'json', reden: 'Controle één medewerker', medewerker: 'km-jan' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const rows = JSON.parse(res.text) as Record<string, string>[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.medewerker === 'km-jan')).toBe(true);
    expect(Object.keys(rows[0]!)).toEqual([...EXPORT_COLUMNS]);
  });

  it('reads big months a page at a time and keeps the order across pages', async () => {
    const day = '2026-09-15';
    const bsns = Array.from({ length: 50 }, (_, i) => madeUpBsn(5000 + i));
    await writeProcessings(t, Array.from({ length: 2300 }, (_, i) => ({ who: `km-bulk${i % 7}`, oin: A, bsn: bsns[i % 50]!, at: new Date(amsterdam(day, '08:00').getTime() + i * 7_000) })));
    await writeRefusals(t, Array.from({ length: 1100 }, (_, i) => ({ who: 'km-bulk1', oin: A, at: new Date(amsterdam(day, '08:00').getTime() + i * 13_000 + 500) })));
    const res = await exportAs('auditor-amsterdam', { maand: '2026-09', reden: 'Volledigheid van de export' });
    const rows = rowsOf(res.text);
    expect(rows.filter((r) => r.soort === 'verwerking')).toHaveLength(2300);
    expect(rows.filter((r) => r.soort === 'weigering')).toHaveLength(1100);
    expect(rows.map((r) => r.tijdstip)).toEqual([...rows.map((r) => r.tijdstip)].sort());
  });

  it('defuses cells a spreadsheet would run as a formula', async () => {
    await writeProcessings(t, [{ who: '=HYPERLINK("http://example.invalid","klik")', oin: A, bsn: madeUpBsn(77), at: amsterdam('2026-08-10', '10:00') }]);
    const rows = rowsOf((await exportAs('auditor-amsterdam', { maand: '2026-08', reden: 'Formules in de export' })).text);
    expect(rows.map((r) => r.medewerker)).toEqual([`'=HYPERLINK("http://example.invalid","klik")`]);
  });

  it('refuses an export without a reason, or with a bad month or format, and writes nothing', async () => {
    for (const [body, field] of [
      [{ maand: thisMonth() }, 'reden'],
      [{ maand: thisMonth(), reden: '' }, 'reden'],
      [{ maand: '2026-13', reden: 'Een goede reden' }, 'maand'],
      [{ van: '2026-01-01', reden: 'Een goede reden' }, 'tot'],
      [{ maand: thisMonth(), reden: 'Een goede reden', formaat: 'xlsx' }, 'formaat'],
    ] as const) {
      const before = await counts(t);
      const res = await exportAs('auditor-amsterdam', body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      const problem = JSON.parse(res.text);
      expect(problem.code).toBe('BAD_USER_INPUT');
      expect(problem.detail).toMatch(new RegExp(`^${field}:`));
      expect(await counts(t)).toEqual(before);
    }
  });

  it('another organisation’s auditor exports only their own rows', async () => {
    await as(t, 'km-jan', 'query($bsn: ID!) { klant(bsn: $bsn) { naam { volledigeNaam } } }', { bsn: dewi.bsn });
    const rows = rowsOf((await exportAs('auditor-leiden', { maand: thisMonth(), reden: 'Eigen maandrapport' })).text);
    expect(rows.every((r) => r.organisatie === ORG.leiden.oin)).toBe(true);
    expect(rows.map((r) => r.medewerker)).not.toContain('km-jan');
  });
});
