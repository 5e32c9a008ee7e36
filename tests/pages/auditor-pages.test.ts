// The auditor's pages over HTTP, tried as an attacker would: every other role (klantmanager,
// client, a RIB's coach) is refused at every auditor page, reading or posting, and each refusal
// leaves nothing behind; an auditor of another organisation sees none of this organisation's rows;
// a BSN travels only in a POSTed form (never in a URL, a link or a log line); a lookup without a
// reason is refused before anything is read or recorded. And what works: the client lookup, the
// employee lookup, refusals, signals with their follow-up, the monthly report with the chain state,
// and a month's export through the page session.
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { population } from '../../adapters/population/population.js';
import { EXPORT_COLUMNS } from '../../gateway/audit/export.js';
import { dayOf } from '../../gateway/audit/period.js';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { pagesKey } from '../../gateway/pages/shared/seal.js';
import { sessionFromToken } from '../../gateway/pages/shared/session.js';
import { createSessionStore } from '../../gateway/pages/shared/session-store.js';
import { ORG, writeRefusals } from '../audit/helpers.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { Visitor } from './support/http.js';
import { activeConsentOf, consentToken, deliverReport, graphAs, report } from './support/rib.js';

let t: TestApp;
const lines: string[] = [];
const dewi = findDemoPerson('client-dewi')!.bsn!;
const leidenClient = population().find((c) => c.gemeenteOin === ORG.leiden.oin)!.bsn;
const today = () => dayOf(new Date());
const thisMonth = () => today().slice(0, 7);
const REASON = 'Klacht van de cliënt, zaak 2026-41';

beforeAll(async () => {
  const logDestination = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  // Debug: every line the gateway can write, so a BSN in any of them is found.
  t = await startTestApp({ env: { LOG_LEVEL: 'debug', PARTNER_TIMEOUT_MS: '5000' }, logDestination });
  // Jan (Amsterdam) looks at Dewi twice and tries a Leiden client; someone tries six clients
  // outside the caseload today (a signal to follow up).
  for (const bsn of [dewi, dewi, leidenClient]) await graphAs(t, 'km-jan', 'query($bsn: ID!) { klant(bsn: $bsn) { naam { volledigeNaam } } }', { bsn });
  await writeRefusals(t, Array.from({ length: 6 }, (_, i) => ({ who: 'km-nieuwsgierig', oin: ORG.amsterdam.oin, at: new Date(Date.now() - (i + 1) * 60_000) })));
});
afterAll(() => t?.close());

async function written() {
  const p = t.db.prisma;
  const [controle, opvolging, verwerking, besluit] = await Promise.all([p.controle.count(), p.signaalOpvolging.count(), p.verwerking.count(), p.besluit.count()]);
  return { controle, opvolging, verwerking, besluit };
}

async function loggedIn(person: string) {
  const v = new Visitor(t.url);
  const res = await v.login(person);
  expect(res.status).toBe(303);
  return v;
}

/** A RIB's coach has no demo login on the pages: a session as their OIDC login would start it. */
async function ribSession() {
  const store = createSessionStore({ prisma: t.app.services.prisma, pagesKey: pagesKey(t.app.config), idleMinutes: 15 });
  const v = new Visitor(t.url);
  v.jar.set('kp_sessie', await store.start(sessionFromToken(await t.token('rib-werkfit'))!));
  return v;
}

const csrfOf = (text: string) => /name="_csrf" value="([^"]+)"/.exec(text)?.[1];

describe('who reaches the auditor’s pages', () => {
  it('an auditor logs in and lands on the overview of their own organisation', async () => {
    const v = new Visitor(t.url);
    const res = await v.login('auditor-amsterdam');
    expect(res.location).toBe('/auditor');
    const home = await v.get('/auditor');
    expect(home.status).toBe(200);
    expect(home.text).toContain('Controle op gebruik');
    expect(home.text).toContain('km-jan');
    expect(home.text).toContain('km-nieuwsgierig');
  });

  it('nobody logged in is sent to log in, and nothing is read', async () => {
    const before = await written();
    const res = await new Visitor(t.url).get('/auditor/rapport');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/inloggen?terug=%2Fauditor%2Frapport');
    expect(await written()).toEqual(before);
  });

  const pagesToTry = ['/auditor', '/auditor/klant', '/auditor/medewerker', '/auditor/weigeringen', '/auditor/signalen', '/auditor/rapport', '/auditor/export'];
  const postsToTry: [string, Record<string, string>][] = [
    ['/auditor/klant', { bsn: dewi, van: today(), tot: today(), reden: REASON }],
    ['/auditor/medewerker', { medewerker: 'km-jan', van: today(), tot: today(), reden: REASON }],
    ['/auditor/export', { maand: thisMonth(), formaat: 'csv', reden: REASON }],
    ['/auditor/signalen/opvolging', { signaalId: `buiten_caseload.${today()}.0123456789abcdef0123`, status: 'geen_misbruik', toelichting: 'Alles in orde' }],
  ];

  for (const person of ['km-jan', 'client-dewi', 'rib-werkfit', 'km-sanne']) {
    it(`${person} is refused at every auditor page and every auditor form, and nothing is written`, async () => {
      const v = person === 'rib-werkfit' ? await ribSession() : await loggedIn(person);
      // A valid CSRF token of this browser, so it is the role that is refused, not the form.
      const csrf = csrfOf((await v.get('/inloggen')).text)!;
      const before = await written();
      for (const path of pagesToTry) {
        const res = await v.get(path);
        expect(res.status, path).toBe(403);
        expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
        expect(res.text).toContain('Deze pagina is niet voor u');
        expect(res.text).not.toContain('km-jan');
      }
      for (const [path, form] of postsToTry) {
        const res = await v.post(path, { _csrf: csrf, ...form });
        expect(res.status, path).toBe(403);
        expect(res.text).not.toContain('km-jan');
      }
      expect(await written()).toEqual(before);
    });
  }

  it('a forged form (no CSRF token) from an auditor’s own browser is refused, and nothing is written', async () => {
    const v = await loggedIn('auditor-amsterdam');
    const before = await written();
    const res = await v.post('/auditor/klant', { bsn: dewi, van: today(), tot: today(), reden: REASON });
    expect(res.status).toBe(403);
    expect(res.text).not.toContain(dewi);
    expect(await written()).toEqual(before);
  });
});

describe('looking up a client', () => {
  it('shows the klantmanager’s processings and the refusals, with the reason recorded; the BSN is in no URL and no log line', async () => {
    const v = await loggedIn('auditor-amsterdam');
    const csrf = await v.csrfFrom('/auditor/klant');
    const res = await v.post('/auditor/klant', { _csrf: csrf, bsn: dewi, van: today(), tot: today(), reden: REASON });
    expect(res.status).toBe(200);
    expect(res.location).toBeNull();
    expect(res.text).toContain(`Verwerkingen van BSN ${dewi}`);
    expect(res.text.match(/klantbeeld bekeken/g)?.length).toBe(2);
    expect(res.text).toContain('klantbeeld werk en inkomen');
    const controle = await t.db.prisma.controle.findFirstOrThrow({ where: { kind: 'klant', target: t.app.services.subjectKey(dewi) }, orderBy: { id: 'desc' } });
    expect(controle).toMatchObject({ reason: REASON, auditorSubject: 'auditor-amsterdam' });

    // Never in an address: no link, form action or redirect on the page names the BSN.
    for (const m of res.text.matchAll(/(?:href|action)="([^"]*)"/g)) expect(m[1]).not.toContain(dewi);
    // Nor in any log line the gateway wrote (its own request lines, the graph's, the errors).
    expect(lines.join('')).not.toContain(dewi);

    // The refusal of Jan's attempt at a Leiden client is on that client's record.
    const other = await v.post('/auditor/klant', { _csrf: csrf, bsn: leidenClient, van: today(), tot: today(), reden: REASON });
    expect(other.text).toContain('Weigeringen over deze cliënt (1)');
    expect(other.text).toContain('de cliënt staat niet in de caseload van de organisatie');
    expect(lines.join('')).not.toContain(leidenClient);
  });

  for (const [what, form, message] of [
    ['without a reason', { reden: '' }, 'Schrijf op waarom u dit bekijkt'],
    ['with a reason too short to mean anything', { reden: 'ok' }, 'Schrijf op waarom u dit bekijkt'],
    ['with a BSN that fails the elfproef', { bsn: '123456788' }, 'klopt niet volgens de elfproef'],
    ['with a last day before the first', { van: today(), tot: '2020-01-01' }, 'De laatste dag ligt vóór de eerste dag'],
  ] as const) {
    it(`is refused ${what}, named next to the field, and nothing is read or recorded`, async () => {
      const v = await loggedIn('auditor-amsterdam');
      const csrf = await v.csrfFrom('/auditor/klant');
      const before = await written();
      const fields: Record<string, string> = { _csrf: csrf, bsn: dewi, van: today(), tot: today(), reden: REASON };
      const res = await v.post('/auditor/klant', { ...fields, ...form });
      expect(res.status).toBe(400);
      expect(res.text).toContain(message);
      expect(res.text).toContain('aria-invalid="true"');
      expect(res.text).not.toContain('klantbeeld bekeken');
      expect(await written()).toEqual(before);
    });
  }

  it('an auditor of another organisation sees none of this organisation’s processings of the client', async () => {
    const v = await loggedIn('auditor-leiden');
    const res = await v.post('/auditor/klant', { _csrf: await v.csrfFrom('/auditor/klant'), bsn: dewi, van: today(), tot: today(), reden: REASON });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('km-jan');
    expect(res.text).toContain('Geen verwerkingen in deze periode.');
    const home = await v.get('/auditor');
    expect(home.text).not.toContain('km-jan');
    expect(home.text).not.toContain('km-nieuwsgierig');
    const employee = await v.post('/auditor/medewerker', { _csrf: await v.csrfFrom('/auditor/medewerker'), medewerker: 'km-jan', van: today(), tot: today(), reden: REASON });
    expect(employee.text).not.toContain(dewi);
    expect(employee.text).toContain('Geen verwerkingen in deze periode.');
  });
});

describe('the other pages', () => {
  it('the employee lookup lists the clients one klantmanager consulted, with purpose and outcome, and their refusals', async () => {
    const v = await loggedIn('auditor-amsterdam');
    const form = await v.get(`/auditor/medewerker?medewerker=km-jan&van=${today()}&tot=${today()}`);
    expect(form.text).toContain('value="km-jan"');
    const res = await v.post('/auditor/medewerker', { _csrf: csrfOf(form.text)!, medewerker: 'km-jan', van: today(), tot: today(), reden: REASON });
    expect(res.status).toBe(200);
    expect(res.text).toContain(`BSN ${dewi}`);
    expect(res.text).toContain('klantbeeld werk en inkomen');
    expect(res.text).toContain('Gelukt');
    expect(res.text).toMatch(/Weigeringen \([1-9]\d*\)/);
    expect(await t.db.prisma.controle.count({ where: { kind: 'medewerker', target: 'km-jan', reason: REASON } })).toBeGreaterThan(0);
  });

  it('the refusals page lists every refusal with its reason in words', async () => {
    const v = await loggedIn('auditor-amsterdam');
    const res = await v.get(`/auditor/weigeringen?van=${today()}&tot=${today()}`);
    expect(res.status).toBe(200);
    expect(res.text.match(/km-nieuwsgierig/g)?.length).toBe(6);
    expect(res.text).toContain('de cliënt staat niet in de caseload van de organisatie');
  });

  it('the signals page explains a signal in words, and records its follow-up; a follow-up without a note is refused and writes nothing', async () => {
    const v = await loggedIn('auditor-amsterdam');
    const page = await v.get(`/auditor/signalen?van=${today()}&tot=${today()}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Cliënten buiten de caseload geprobeerd');
    expect(page.text).toMatch(/km-nieuwsgierig probeerde op .* de gegevens te openen van 6 cliënten/);
    expect(page.text).toContain('Nog niet opgevolgd');
    const signaalId = /name="signaalId" value="(buiten_caseload\.[^"]+)"/.exec(page.text)![1]!;
    const csrf = csrfOf(page.text)!;

    const before = await written();
    const refused = await v.post('/auditor/signalen/opvolging', { _csrf: csrf, signaalId, status: 'in_onderzoek', toelichting: '', van: today(), tot: today() });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Schrijf op wat er is gedaan of gevonden');
    // The page shown again reads the signals (a permit in the decision log); the follow-up itself was never asked for.
    const after = await written();
    expect({ ...after, besluit: 0 }).toEqual({ ...before, besluit: 0 });
    expect(await t.db.prisma.besluit.count({ where: { action: 'controle:opvolging' } })).toBe(0);

    const saved = await v.post('/auditor/signalen/opvolging', { _csrf: csrf, signaalId, status: 'in_onderzoek', toelichting: 'Gesprek met de medewerker gepland', van: today(), tot: today() });
    expect(saved.status).toBe(303);
    const shown = await v.get(saved.location!);
    expect(shown.text).toContain('De opvolging is vastgelegd.');
    expect(shown.text).toContain('Gesprek met de medewerker gepland');
    expect(shown.text).toContain('In onderzoek');
    expect(await t.db.prisma.signaalOpvolging.count({ where: { signaalId } })).toBe(1);
  });

  it('the monthly report gives the numbers, the signals, each employee and the state of the report chains', async () => {
    const v = await loggedIn('auditor-amsterdam');
    const res = await v.get(`/auditor/rapport?maand=${thisMonth()}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Gemeente Amsterdam');
    expect(res.text).toContain('Controles door de privacyfunctionaris');
    expect(res.text).toContain('Cliënten buiten de caseload geprobeerd');
    expect(res.text).toContain('Zijn de rapportages onveranderd?');
    expect(res.text).toContain(`/auditor/export?maand=${thisMonth()}`);
    const wrong = await v.get('/auditor/rapport?maand=1999-01');
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('Kies een maand uit de lijst.');
  });
});

describe('the state of the report chains', () => {
  it('names a report changed behind Ketenpoort’s back, and is whole again once it is put back', async () => {
    const consent = await activeConsentOf(t, 'rib-aandeslag');
    if (!consent) throw new Error('the demo seed should give Aan de Slag an active consent');
    const traject = await t.db.prisma.traject.findUniqueOrThrow({ where: { id: consent.trajectId } });
    const written = await deliverReport(t, 'rib-aandeslag', consent.trajectId, await consentToken(t, 'rib-aandeslag', consent.id), report(traject.startsOn.toISOString().slice(0, 10), 'Verder zo'));
    expect(written.status).toBe(201);
    const row = await t.db.prisma.rapportage.findUniqueOrThrow({ where: { id: written.body.rapportageId! } });
    const v = await loggedIn('auditor-amsterdam');
    expect((await v.get('/auditor/rapport')).text).toContain('Alle ketens kloppen');

    // Someone with database access changes the advice, past the append-only trigger.
    const behindTheTrigger = (sql: string) =>
      t.db.prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe('ALTER TABLE rapportage DISABLE TRIGGER rapportage_append_only');
        await tx.$executeRawUnsafe(sql);
        await tx.$executeRawUnsafe('ALTER TABLE rapportage ENABLE TRIGGER rapportage_append_only');
      });
    await behindTheTrigger(`UPDATE rapportage SET body = jsonb_set(body, '{advies}', '"Anders"') WHERE id = '${row.id}'`);
    try {
      const broken = await v.get('/auditor/rapport');
      expect(broken.text).toContain('In 1 blok klopt de keten niet.');
      expect(broken.text).toContain(`Traject <code>${consent.trajectId}</code>, rapportage nummer ${row.sequence}: de inhoud van deze rapportage is veranderd nadat hij is opgeslagen.`);
    } finally {
      await behindTheTrigger(`UPDATE rapportage SET body = '${JSON.stringify(row.body).replace(/'/g, "''")}'::jsonb WHERE id = '${row.id}'`);
    }
    expect((await v.get('/auditor/rapport')).text).toContain('Alle ketens kloppen');
  });
});

describe('exporting a month from the page', () => {
  it('downloads the month as CSV with the page session, the reason stored; clients by key, never a BSN', async () => {
    const v = await loggedIn('auditor-amsterdam');
    const form = await v.get(`/auditor/export?maand=${thisMonth()}`);
    const res = await v.post('/auditor/export', { _csrf: csrfOf(form.text)!, maand: thisMonth(), formaat: 'csv', reden: 'Maandrapportage normenkader' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="ketenpoort-controle-${thisMonth()}.csv"`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.text.split('\r\n')[0]).toBe(EXPORT_COLUMNS.join(','));
    const rows = parse(res.text, { columns: true }) as Record<string, string>[];
    expect(rows).toContainEqual(expect.objectContaining({ soort: 'verwerking', medewerker: 'km-jan', klantkenmerk: t.app.services.subjectKey(dewi) }));
    expect(rows.filter((r) => r.medewerker === 'km-nieuwsgierig')).toHaveLength(6);
    expect(res.text).not.toContain(dewi);
    expect(await t.db.prisma.controle.count({ where: { kind: 'export', reason: 'Maandrapportage normenkader' } })).toBe(1);

    const json = await v.post('/auditor/export', { _csrf: csrfOf(form.text)!, maand: thisMonth(), formaat: 'json', reden: 'Maandrapportage normenkader' });
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(JSON.parse(json.text)).toHaveLength(rows.length);
  });

  it('refuses an export without a reason, or of a month not offered, and writes nothing', async () => {
    const v = await loggedIn('auditor-amsterdam');
    const csrf = await v.csrfFrom('/auditor/export');
    const before = await written();
    const noReason = await v.post('/auditor/export', { _csrf: csrf, maand: thisMonth(), formaat: 'csv', reden: '' });
    expect(noReason.status).toBe(400);
    expect(noReason.headers.get('content-type')).toMatch(/^text\/html/);
    expect(noReason.text).toContain('Schrijf op waarom u dit bekijkt');
    const oldMonth = await v.post('/auditor/export', { _csrf: csrf, maand: '1999-01', formaat: 'csv', reden: REASON });
    expect(oldMonth.status).toBe(400);
    expect(await written()).toEqual(before);
  });
});

// A client the auditor looked up sees it in their own processing log (the page, in words).
describe('the client’s own log', () => {
  it('shows that the privacy officer looked', async () => {
    const auditor = await loggedIn('auditor-amsterdam');
    await auditor.post('/auditor/klant', { _csrf: await auditor.csrfFrom('/auditor/klant'), bsn: dewi, van: today(), tot: today(), reden: REASON });
    const client = await loggedIn('client-dewi');
    const log = await client.get('/mijn/verwerkingen');
    expect(log.text).toMatch(/De privacyfunctionaris van Gemeente Amsterdam \(demo\) heeft op .* bekeken wie uw gegevens heeft gebruikt/);
  });
});
