// The klantmanager's trajectory work on the client's page, over HTTP as a browser posts it: register
// and assign, another bureau, end; the consent state of the assigned bureau (none, asked, active
// until …, revoked); errors next to their fields; a draft kept across an expired session. Attacks:
// a client outside the caseload, a bureau without a contract, a form without its CSRF token — each
// refused, and no trajectory, block or consent written.
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG } from '../../adapters/population/organisations.js';
import { population } from '../../adapters/population/population.js';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { datum } from '../../gateway/pages/shared/format.js';
import { klantHref } from '../../gateway/pages/klantmanager/klant-ref.js';
import { createSealer, pagesKey } from '../../gateway/pages/shared/seal.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { APPROVE, REQUEST, REVOKE, gql } from '../consent/helpers.js';
import type { Browser } from 'playwright-core';
import { SKIP_NOTICE, launch, loginAs, newContext, screenshot, skipBrowserTests } from './support/browser.js';
import { Visitor } from './support/http.js';

let t: TestApp;
let href: (bsn: string) => string;
const FATIMA = findDemoPerson('client-fatima')!.bsn!;
beforeAll(async () => {
  t = await startTestApp({ env: { PARTNER_TIMEOUT_MS: '5000' } });
  const sealer = createSealer(pagesKey(t.config));
  href = (bsn) => klantHref(sealer, bsn);
});
afterAll(() => t?.close());

const form = (extra: Record<string, string> = {}) => ({
  gemeenteKenmerk: `TRJ-PAGINA-${randomUUID().slice(0, 8)}`,
  titel: `Taal en werk ${randomUUID().slice(0, 8)}`,
  startdatum: '2026-11-02',
  einddatum: '2027-03-31',
  bureauOin: ORG.werkfit.oin,
  ...extra,
});

async function writes() {
  const p = t.db.prisma;
  const [trajecten, blokken, openBlokken, consents, toewijzingen] = await Promise.all([
    p.traject.count(),
    p.rapportageBlok.count(),
    p.rapportageBlok.count({ where: { status: 'open' } }),
    p.consent.count(),
    p.besluit.count({ where: { action: { in: ['traject:toewijzen', 'traject:beeindigen'] }, decision: 'permit' } }),
  ]);
  return { trajecten, blokken, openBlokken, consents, toewijzingen };
}

async function klantmanager(person = 'km-jan') {
  const v = new Visitor(t.url);
  await v.login(person);
  return v;
}

/** The article of one trajectory on the client's page. */
async function article(v: Visitor, bsn: string, titel: string): Promise<string> {
  const page = await v.get(href(bsn));
  expect(page.status).toBe(200);
  const start = page.text.indexOf(`>${titel}</h3>`);
  expect(start).toBeGreaterThan(0);
  return page.text.slice(start, page.text.indexOf('</article>', start));
}

async function register(v: Visitor, bsn: string, fields = form()) {
  const path = `${href(bsn)}/trajecten/nieuw`;
  const posted = await v.post(path, { _csrf: await v.csrfFrom(path), ...fields });
  return { posted, fields, traject: await t.db.prisma.traject.findFirst({ where: { externalId: fields.gemeenteKenmerk }, include: { blokken: { include: { rib: true } } } }) };
}

describe('the klantmanager registers, reassigns and ends a trajectory on the client\'s page', () => {
  it('offers only the contracted bureaus and registers and assigns a trajectory', async () => {
    const v = await klantmanager('km-sanne');
    const leiden = population().find((c) => c.gemeenteOin === ORG.leiden.oin)!;
    const page = await v.get(`${href(leiden.bsn)}/trajecten/nieuw`);
    expect(page.status).toBe(200);
    const options = [...page.text.matchAll(/<option value="(\d{20})"/g)].map((m) => m[1]);
    expect(options).toEqual([ORG.werkfit.oin]);

    const v2 = await klantmanager();
    const { posted, traject, fields } = await register(v2, FATIMA);
    expect(posted.status).toBe(303);
    expect(posted.location).toMatch(/^\/klantmanager\/klanten\/[^/?]+\?klaar=toegewezen$/);
    expect(traject).toMatchObject({ subjectBsn: FATIMA, title: fields.titel, status: 'active' });
    expect(traject!.blokken.map((b) => [b.ribOin, b.status])).toEqual([[ORG.werkfit.oin, 'open']]);
    const shown = await v2.get(posted.location!);
    expect(shown.text).toContain('Het traject is toegewezen.');
    const a = await article(v2, FATIMA, fields.titel);
    expect(a).toContain('Toestemming van de klant: nog niet gevraagd.');
    expect(a).toContain(`Van ${datum('2026-11-02')} tot en met ${datum('2027-03-31')}`);
  });

  it('shows the consent of the assigned bureau as it goes: asked, active until its last day, revoked', async () => {
    const v = await klantmanager();
    const { traject, fields } = await register(v, FATIMA);
    const asked = await gql(t, 'rib-werkfit', REQUEST, { invoer: { trajectId: traject!.id, bevoegdheden: ['rapportage:schrijven'], geldigTot: '2027-03-31' } });
    expect(asked.errors).toEqual([]);
    expect(await article(v, FATIMA, fields.titel)).toContain('Toestemming van de klant: gevraagd');
    const approved = await gql(t, 'client-fatima', APPROVE, { id: asked.data!.vraagToestemming.id });
    expect(approved.errors).toEqual([]);
    expect(await article(v, FATIMA, fields.titel)).toContain(`Toestemming van de klant: geldt tot en met ${datum(approved.data!.keurVerzoekGoed.geldigTot)}.`);
    expect((await gql(t, 'client-fatima', REVOKE, { id: approved.data!.keurVerzoekGoed.id })).errors).toEqual([]);
    expect(await article(v, FATIMA, fields.titel)).toMatch(/Toestemming van de klant: ingetrokken op \d+ \w+ \d{4}\. Het bureau kan niets schrijven\./);
    // The klantmanager's reading of the consent state is in the client's processing log.
    expect(await t.db.prisma.verwerking.count({ where: { name: 'toestemming ingezien', actorSubject: 'km-jan' } })).toBeGreaterThan(0);
  });

  it('gives the trajectory to another bureau: the old block closes, the new one opens', async () => {
    const v = await klantmanager();
    const { traject, fields } = await register(v, FATIMA);
    const path = `${href(FATIMA)}/trajecten/${traject!.id}/bureau`;
    const page = await v.get(path);
    // The bureau that has it now is not offered again.
    expect([...page.text.matchAll(/<option value="(\d{20})"/g)].map((m) => m[1])).toEqual([ORG.aandeslag.oin]);
    const posted = await v.post(path, { _csrf: await v.csrfFrom(path), bureauOin: ORG.aandeslag.oin });
    expect(posted.status).toBe(303);
    const blokken = await t.db.prisma.rapportageBlok.findMany({ where: { trajectId: traject!.id }, orderBy: { openedAt: 'asc' } });
    expect(blokken.map((b) => [b.ribOin, b.status])).toEqual([[ORG.werkfit.oin, 'closed'], [ORG.aandeslag.oin, 'open']]);
    const a = await article(v, FATIMA, fields.titel);
    expect(a).toContain('Rapportageblok van Aan de Slag');
  });

  it('ends a trajectory after saying what stops', async () => {
    const v = await klantmanager();
    const { traject, fields } = await register(v, FATIMA);
    const path = `${href(FATIMA)}/trajecten/${traject!.id}/beeindigen`;
    const page = await v.get(path);
    expect(page.text).toContain('De toestemming die de klant gaf voor dit traject, stopt.');
    const posted = await v.post(path, { _csrf: await v.csrfFrom(path) });
    expect(posted.status).toBe(303);
    expect(await t.db.prisma.traject.findUniqueOrThrow({ where: { id: traject!.id } })).toMatchObject({ status: 'ended' });
    const a = await article(v, FATIMA, fields.titel);
    expect(a).toContain('Beëindigd');
    expect(a).not.toContain('Traject beëindigen');
    // Ended is ended: the forms for it are gone.
    expect((await v.get(path)).status).toBe(404);
  });

  it('names each wrong field next to it and writes nothing', async () => {
    const v = await klantmanager();
    const before = await writes();
    const path = `${href(FATIMA)}/trajecten/nieuw`;
    const res = await v.post(path, { _csrf: await v.csrfFrom(path), ...form({ titel: '', startdatum: '2027-04-01', einddatum: '2027-03-01', bureauOin: '' }) });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="titel-fout">Geef het traject een naam\./);
    expect(res.text).toContain(`id="einddatum-fout">De laatste dag ligt vóór de eerste dag (${datum('2027-04-01')}).`);
    expect(res.text).toContain('id="bureauOin-fout">Kies een bureau uit de lijst.');
    expect(res.text).toContain('aria-invalid="true"');
    // What was typed stays.
    expect(res.text).toContain('value="2027-04-01"');
    expect(await writes()).toEqual(before);
  });

  it('keeps what was typed when the session ran out, and gives it back after logging in', async () => {
    const v = await klantmanager();
    const path = `${href(FATIMA)}/trajecten/nieuw`;
    const csrf = await v.csrfFrom(path);
    const at = new Date(Date.now() - (t.config.PAGES_IDLE_MINUTES + 1) * 60_000);
    await t.db.prisma.paginaSessie.update({ where: { idHash: createHash('sha256').update(v.cookie('kp_sessie')!).digest('hex') }, data: { lastSeenAt: at, createdAt: at } });
    const before = await writes();
    const fields = form();
    const posted = await v.post(path, { _csrf: csrf, ...fields });
    expect(posted.status).toBe(303);
    expect(posted.location).toMatch(/^\/inloggen\?terug=/);
    expect(await writes()).toEqual(before);
    await v.login('km-jan', path);
    const again = await v.get(path);
    expect(again.text).toContain('U was uitgelogd.');
    expect(again.text).toContain(`value="${fields.titel}"`);
  });
});

describe('attacks on the trajectory forms', () => {
  it('refuses a client outside the caseload, whatever the form says, and writes nothing', async () => {
    const leiden = population().find((c) => c.gemeenteOin === ORG.leiden.oin)!;
    const v = await klantmanager();
    const csrf = await v.csrfFrom('/klantmanager/zoeken');
    const before = await writes();
    const res = await v.post(`${href(leiden.bsn)}/trajecten/nieuw`, { _csrf: csrf, ...form() });
    expect(res.status).toBe(403);
    expect(res.text).toContain('Geen toegang');
    expect(await writes()).toEqual(before);
    const denial = await t.db.prisma.besluit.findFirst({ where: { actorSubject: 'km-jan', decision: 'deny', reason: 'not-on-caseload' }, orderBy: { id: 'desc' } });
    expect(denial).not.toBeNull();
  });

  it('refuses a bureau without a contract with the gemeente, named next to the field, and writes nothing', async () => {
    const leiden = population().find((c) => c.gemeenteOin === ORG.leiden.oin)!;
    const v = await klantmanager('km-sanne');
    const path = `${href(leiden.bsn)}/trajecten/nieuw`;
    const before = await writes();
    for (const bureauOin of [ORG.aandeslag.oin, '12345678901234567890', ORG.leiden.oin]) {
      const res = await v.post(path, { _csrf: await v.csrfFrom(path), ...form({ bureauOin }) });
      expect(res.status).toBe(400);
      expect(res.text).toContain('id="bureauOin-fout">Kies een bureau uit de lijst.');
    }
    expect(await writes()).toEqual(before);
  });

  it('refuses a form without its CSRF token and writes nothing', async () => {
    const v = await klantmanager();
    const before = await writes();
    const res = await v.post(`${href(FATIMA)}/trajecten/nieuw`, form());
    expect(res.status).toBe(403);
    expect(await writes()).toEqual(before);
  });
});

describe.skipIf(skipBrowserTests)(`in Chromium (${skipBrowserTests ? SKIP_NOTICE : 'Chromium present'})`, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('registers a trajectory from the client\'s page, sees the consent state, and ends it', async () => {
    const titel = `Werkfit-traject ${randomUUID().slice(0, 6)}`;
    const page = await (await newContext(browser)).newPage();
    await loginAs(page, t.url, 'Jan Kok');
    await page.goto(`${t.url}${href(FATIMA)}`);
    await page.getByRole('link', { name: 'Nieuw traject toewijzen' }).click();
    await page.getByLabel('Kenmerk van het traject').fill(`TRJ-BROWSER-${randomUUID().slice(0, 8)}`);
    await page.getByLabel('Naam van het traject').fill(titel);
    await page.getByLabel('Eerste dag').fill('2026-11-02');
    await page.getByLabel('Laatste dag').fill('2027-03-31');
    await page.getByLabel('Re-integratiebureau').selectOption({ label: 'Werkfit Re-integratie (demo)' });
    await screenshot(page, 'km-traject-nieuw');
    await page.getByRole('button', { name: 'Traject toewijzen' }).click();
    await page.getByText('Het traject is toegewezen.').waitFor();
    const article = page.locator('article', { has: page.getByRole('heading', { name: titel }) });
    await article.getByText('Toestemming van de klant: nog niet gevraagd.').waitFor();
    await screenshot(page, 'km-traject-toegewezen');
    await article.getByRole('link', { name: 'Traject beëindigen' }).click();
    await page.getByRole('button', { name: 'Ja, beëindig dit traject' }).click();
    await page.getByText('Het traject is beëindigd.').waitFor();
    await page.locator('article', { has: page.getByRole('heading', { name: titel }) }).getByText('Beëindigd').waitFor();
    // No internal code or ISO date on the page the klantmanager sees.
    const text = await page.locator('main').innerText();
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}|beeindigd|actief\b/);
  });
});
