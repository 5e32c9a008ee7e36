// Every page, at phone (360 px) and desktop width, in Chromium: axe-core finds no serious or
// critical WCAG 2.1 A/AA violation, nothing overflows sideways on a phone, and the keyboard alone
// reaches the content (skip link first, visible focus), and nothing a Dutch reader sees is an
// internal code, an ISO date or English (support/plain-dutch.ts). Screenshots land in test-artifacts/pages/.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { DESKTOP, PHONE, SKIP_NOTICE, axeViolations, launch, loginAs, newContext, screenshot, skipBrowserTests } from './support/browser.js';
import { expectPlainDutch } from './support/plain-dutch.js';
import { activeConsentOf, consentToken, deliverReport, graphAs, report } from './support/rib.js';
import { scanBenefitChanges } from '../../gateway/signals/benefit-changes.js';
import { madeUpBsn } from '../audit/helpers.js';

const name = (id: string) => findDemoPerson(id)!.name;

describe.skipIf(skipBrowserTests)(`accessibility of every page (${skipBrowserTests ? SKIP_NOTICE : 'Chromium present'})`, () => {
  let t: TestApp;
  let browser: Browser;
  let pendingId: string;
  let consentId: string;

  beforeAll(async () => {
    // Partners get time to answer on a busy test machine: these tests are not about timeouts.
    [t, browser] = await Promise.all([startTestApp({ env: { PARTNER_TIMEOUT_MS: '5000' } }), launch()]);
    // Signals of ended and changed benefits (UWV's change feed), so their words are checked too; first,
    // so the new report's signal below is the newest.
    await scanBenefitChanges(t.app.services, { uwv: t.runtime.partners.urls.uwv, gemeente: t.runtime.partners.urls.gemeente }, new Date('2020-01-01T00:00:00Z'));
    // A report by Aan de Slag (the demo seed gave it client-aandeslag's consent), so the report
    // pages and the klantmanager's signal and block have content to check.
    const consent = await activeConsentOf(t, 'rib-aandeslag');
    if (!consent) throw new Error('the demo seed should give Aan de Slag an active consent');
    consentId = consent.id;
    const traject = await t.db.prisma.traject.findUniqueOrThrow({ where: { id: consent.trajectId } });
    const written = await deliverReport(t, 'rib-aandeslag', consent.trajectId, await consentToken(t, 'rib-aandeslag', consent.id), report(traject.startsOn.toISOString().slice(0, 10), 'Verder met de werkervaringsplaats'));
    if (written.status !== 201) throw new Error(`report not written: ${written.status}`);
    // The klantmanager lists the caseload a few times: the client's log groups the repeats.
    for (let i = 0; i < 3; i++) await graphAs(t, 'km-jan', '{ caseload(eerste: 50) { klanten { bsn } } }');
    const { data } = await graphAs<{ mijnToestemmingsverzoeken: { id: string; status: string }[] }>(t, 'client-fatima', '{ mijnToestemmingsverzoeken { id status } }');
    pendingId = data!.mijnToestemmingsverzoeken.find((r) => r.status === 'openstaand')!.id;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function check(page: Page, label: string) {
    const violations = await axeViolations(page);
    expect(violations, `${label}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
    const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: document.documentElement.clientWidth }));
    expect(scroll, `${label} is wider than the screen`).toBeLessThanOrEqual(width + 1);
    expect(await page.locator('h1').count(), `${label} has one h1`).toBe(1);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('nl');
    await expectPlainDutch(page, label);
  }

  async function visitAll(person: string | undefined, paths: (() => string[]) | string[], tag: string) {
    for (const viewport of [PHONE, DESKTOP]) {
      const page = await (await newContext(browser, viewport)).newPage();
      if (person) await loginAs(page, t.url, name(person));
      for (const path of typeof paths === 'function' ? paths() : paths) {
        const res = await page.goto(`${t.url}${path}`);
        expect(res?.status(), `${path} answers`).toBeLessThan(400);
        const label = `${tag}${path.replace(/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/g, 'id').replace(/[^a-z0-9]+/gi, '-')}-${viewport.width}`;
        await screenshot(page, `a11y-${label}`);
        await check(page, label);
      }
      await page.context().close();
    }
  }

  it('the login page', async () => {
    await visitAll(undefined, ['/inloggen'], 'login');
  }, 180_000);

  it('the client pages', async () => {
    await visitAll('client-fatima', () => ['/mijn', '/mijn/toestemmingen', `/mijn/verzoeken/${pendingId}/goedkeuren`, `/mijn/verzoeken/${pendingId}/afwijzen`, '/mijn/verwerkingen'], 'client');
  }, 180_000);

  it('the client pages with a consent and a report', async () => {
    const page = await (await newContext(browser, PHONE)).newPage();
    await loginAs(page, t.url, name('client-aandeslag'));
    await page.goto(`${t.url}/mijn/rapportages`);
    const link = page.getByRole('link', { name: /Voortgangsrapportage/ }).first();
    const reportPath = new URL((await link.getAttribute('href'))!, t.url).pathname;
    await page.context().close();
    await visitAll('client-aandeslag', ['/mijn/toestemmingen', `/mijn/toestemmingen/${consentId}/intrekken`, '/mijn/rapportages', reportPath], 'client2');
  }, 180_000);

  it('the klantmanager pages, with a client’s whole view and a search that finds and one that fails', async () => {
    for (const viewport of [PHONE, DESKTOP]) {
      const page = await (await newContext(browser, viewport)).newPage();
      await loginAs(page, t.url, name('km-jan'));
      await screenshot(page, `a11y-km-caseload-${viewport.width}`);
      await check(page, 'caseload');
      await page.locator('section', { has: page.getByRole('heading', { name: /^Signalen/ }) }).getByRole('link', { name: name('client-aandeslag') }).first().click();
      await screenshot(page, `a11y-km-klant-${viewport.width}`);
      await check(page, 'klant');
      await page.goto(`${t.url}/klantmanager/zoeken`);
      await page.getByLabel('Naam').fill('Janssen');
      await page.getByRole('button', { name: 'Zoeken' }).click();
      await expect(page.getByRole('heading', { name: /gevonden/ }).textContent()).resolves.toMatch(/klant/);
      await screenshot(page, `a11y-km-zoeken-${viewport.width}`);
      await check(page, 'zoeken');
      await page.getByLabel('BSN').fill('123');
      await page.getByLabel('Naam').fill('');
      await page.getByRole('button', { name: 'Zoeken' }).click();
      await page.getByText('Dit is geen geldig BSN').first().waitFor();
      await expect(page.getByLabel('BSN').getAttribute('aria-invalid')).resolves.toBe('true');
      await screenshot(page, `a11y-km-zoeken-fout-${viewport.width}`);
      await check(page, 'zoeken-fout');
      // Nine digits that fail the elfproef are told so, not that a BSN has nine digits.
      await page.getByLabel('BSN').fill('123456788');
      await page.getByRole('button', { name: 'Zoeken' }).click();
      await page.getByText('klopt niet volgens de elfproef').first().waitFor();
      await expect(page.getByText('Een BSN heeft negen cijfers').count()).resolves.toBe(0);
      await check(page, 'zoeken-elfproef');
      await page.context().close();
    }
  }, 180_000);

  it('the auditor pages, with a client found, a form with mistakes, a signal and the monthly report', async () => {
    // Five clients outside the caseload tried today: a signal on the auditor's pages.
    for (let i = 0; i < 5; i++) await graphAs(t, 'km-jan', 'query($bsn: ID!) { klant(bsn: $bsn) { bsn } }', { bsn: madeUpBsn(7000 + i) });
    await visitAll('auditor-amsterdam', ['/auditor', '/auditor/klant', '/auditor/medewerker?medewerker=km-jan', '/auditor/weigeringen', '/auditor/signalen', '/auditor/rapport', '/auditor/export'], 'auditor');
    for (const viewport of [PHONE, DESKTOP]) {
      const page = await (await newContext(browser, viewport)).newPage();
      await loginAs(page, t.url, name('auditor-amsterdam'));
      await page.goto(`${t.url}/auditor/klant`);
      await page.getByLabel('BSN van de cliënt').fill('123456788');
      await page.getByRole('button', { name: 'Bekijken' }).click();
      await page.getByText('klopt niet volgens de elfproef').first().waitFor();
      await expect(page.getByLabel('BSN van de cliënt').getAttribute('aria-invalid')).resolves.toBe('true');
      await screenshot(page, `a11y-auditor-klant-fout-${viewport.width}`);
      await check(page, 'auditor-klant-fout');
      await page.getByLabel('BSN van de cliënt').fill(findDemoPerson('client-aandeslag')!.bsn!);
      await page.getByLabel('Reden van uw controle').fill('Controle van de toegankelijkheid');
      await page.getByRole('button', { name: 'Bekijken' }).click();
      await page.getByRole('heading', { name: /^Verwerkingen van BSN/ }).waitFor();
      await screenshot(page, `a11y-auditor-klant-${viewport.width}`);
      await check(page, 'auditor-klant');
      await page.goto(`${t.url}/auditor/medewerker?medewerker=km-jan`);
      await page.getByLabel('Reden van uw controle').fill('Controle van de toegankelijkheid');
      await page.getByRole('button', { name: 'Bekijken' }).click();
      await page.getByRole('heading', { name: 'Wat km-jan deed' }).waitFor();
      await screenshot(page, `a11y-auditor-medewerker-${viewport.width}`);
      await check(page, 'auditor-medewerker');
      await page.goto(`${t.url}/auditor/signalen`);
      await page.getByText('Opvolging vastleggen').first().click();
      await page.getByRole('button', { name: 'Opvolging vastleggen' }).first().click();
      await page.getByText('De opvolging is niet vastgelegd.').waitFor();
      await screenshot(page, `a11y-auditor-signalen-fout-${viewport.width}`);
      await check(page, 'auditor-signalen-fout');
      await page.context().close();
    }
  }, 240_000);

  it('the re-integratiebureau pages: Ons blok, a trajectory with its history, the forms, a form with mistakes, a receipt', async () => {
    // Aan de Slag has the demo consent and the report of beforeAll; Werkfit's demo request waits.
    const aandeslag = (await activeConsentOf(t, 'rib-aandeslag'))!.trajectId;
    const werkfit = (await t.db.prisma.consentRequest.findUniqueOrThrow({ where: { id: pendingId } })).trajectId;
    await visitAll('rib-aandeslag', ['/rib', `/rib/trajecten/${aandeslag}`, `/rib/trajecten/${aandeslag}/toestemming`, `/rib/trajecten/${aandeslag}/rapportage`], 'rib');
    await visitAll('rib-werkfit', ['/rib', `/rib/trajecten/${werkfit}`], 'rib-werkfit');
    for (const viewport of [PHONE, DESKTOP]) {
      const page = await (await newContext(browser, viewport)).newPage();
      await loginAs(page, t.url, name('rib-aandeslag'));
      await page.goto(`${t.url}/rib/trajecten/${aandeslag}/rapportage`);
      await page.getByLabel('Doel 1: omschrijving').fill('Zelf een werkgever benaderen');
      // Attendance left empty: named next to each of its fields.
      await page.getByRole('button', { name: 'Rapportage versturen' }).click();
      await expect(page.getByLabel('Geplande afspraken').getAttribute('aria-invalid')).resolves.toBe('true');
      await screenshot(page, `a11y-rib-rapportage-fout-${viewport.width}`);
      await check(page, 'rib-rapportage-fout');
      for (const [label, value] of [['Geplande afspraken', '2'], ['Aanwezig', '2'], ['Afgemeld', '0'], ['Niet gekomen zonder bericht', '0']] as const) {
        await page.getByLabel(label, { exact: true }).fill(value);
      }
      await page.getByRole('button', { name: 'Rapportage versturen' }).click();
      await page.getByRole('heading', { level: 1, name: 'Rapportage ontvangen' }).waitFor();
      await screenshot(page, `a11y-rib-ontvangen-${viewport.width}`);
      await check(page, 'rib-ontvangen');
      await page.context().close();
    }
  }, 240_000);

  it('a page address that does not exist, logged in or not: a page in Dutch, not the API’s answer', async () => {
    for (const [person, path] of [['client-fatima', '/mijn/bestaat-niet'], [undefined, '/klantmanager/oude/pagina']] as const) {
      const page = await (await newContext(browser, PHONE)).newPage();
      if (person) await loginAs(page, t.url, name(person));
      const res = await page.goto(`${t.url}${path}`);
      expect(res?.status()).toBe(404);
      expect(res?.headers()['content-type']).toMatch(/^text\/html/);
      await page.getByRole('heading', { level: 1, name: 'Deze pagina bestaat niet' }).waitFor();
      await check(page, `niet-gevonden${path.replace(/\//g, '-')}`);
      await page.context().close();
    }
  }, 180_000);

  it('lets the keyboard reach the content first, with a visible focus', async () => {
    const page = await (await newContext(browser, PHONE)).newPage();
    await loginAs(page, t.url, name('client-fatima'));
    await page.goto(`${t.url}/mijn/toestemmingen`);
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Ga direct naar de inhoud' });
    await expect(skip.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    const box = await skip.boundingBox();
    expect(box && box.width > 20 && box.height > 20, 'the skip link shows when it has focus').toBe(true);
    const outline = await skip.evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(outline).not.toBe('none');
    await screenshot(page, 'keyboard-skip-link');
    await page.keyboard.press('Enter');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('inhoud');
    // The next Tab lands inside the content, on the first action of the waiting request.
    await page.keyboard.press('Tab');
    const inMain = await page.evaluate(() => Boolean(document.activeElement?.closest('main')));
    expect(inMain).toBe(true);
    await page.context().close();
  }, 180_000);
});
