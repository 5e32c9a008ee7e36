// The auditor's walk in a real browser (issue 12, "Done when"): a klantmanager looked at a client
// and tried 30 clients outside the caseload; the client revoked a bureau's consent and the bureau's
// next report was refused. The privacy officer finds the klantmanager's lookups of the client and
// the refusal, sees the anomaly raised for the 30 tries, exports the month as CSV, and the client
// then sees the officer's lookup in their own processing log. Every step leaves a screenshot in
// test-artifacts/pages/ and is checked for plain Dutch (support/plain-dutch.ts).
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { population } from '../../adapters/population/population.js';
import { dayOf } from '../../gateway/audit/period.js';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { madeUpBsn } from '../audit/helpers.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { SKIP_NOTICE, launch, loginAs, newContext, screenshot as takeScreenshot, skipBrowserTests } from './support/browser.js';
import { expectPlainDutch } from './support/plain-dutch.js';
import { activeConsentOf, consentToken, deliverReport, graphAs, report } from './support/rib.js';

async function screenshot(page: Page, name: string) {
  await takeScreenshot(page, name);
  await expectPlainDutch(page, name);
}

const client = findDemoPerson('client-aandeslag')!;

describe.skipIf(skipBrowserTests)(`the auditor's walk in Chromium (${skipBrowserTests ? SKIP_NOTICE : 'Chromium present'})`, () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp({ env: { PARTNER_TIMEOUT_MS: '5000' } }), launch()]);
    // The klantmanager opens the client's view twice.
    for (let i = 0; i < 2; i++) {
      const seen = await graphAs(t, 'km-jan', 'query($bsn: ID!) { klant(bsn: $bsn) { naam { volledigeNaam } } }', { bsn: client.bsn });
      expect(seen.errors).toEqual([]);
    }
    // ... and tries 30 clients who are not on the gemeente's caseload (nobody in the sandbox has these BSNs).
    const known = new Set(population().map((p) => p.bsn));
    const strangers = Array.from({ length: 60 }, (_, i) => madeUpBsn(9000 + i)).filter((b) => !known.has(b)).slice(0, 30);
    expect(strangers).toHaveLength(30);
    for (const bsn of strangers) {
      const tried = await graphAs(t, 'km-jan', 'query($bsn: ID!) { klant(bsn: $bsn) { bsn } }', { bsn });
      expect(tried.errors[0]?.extensions.code).toBe('FORBIDDEN');
    }
    // The client revokes Aan de Slag's consent; the bureau's next report is refused.
    const consent = await activeConsentOf(t, 'rib-aandeslag');
    if (!consent) throw new Error('the demo seed should give Aan de Slag an active consent');
    const token = await consentToken(t, 'rib-aandeslag', consent.id);
    const revoked = await graphAs(t, 'client-aandeslag', 'mutation($id: ID!) { trekToestemmingIn(toestemmingId: $id) { status } }', { id: consent.id });
    expect(revoked.errors).toEqual([]);
    const traject = await t.db.prisma.traject.findUniqueOrThrow({ where: { id: consent.trajectId } });
    const refused = await deliverReport(t, 'rib-aandeslag', consent.trajectId, token, report(traject.startsOn.toISOString().slice(0, 10), 'Na intrekking'));
    expect(refused.status).toBe(403);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  }, 180_000);

  it('finds the lookups and the refusal, sees the anomaly, exports the month; the client sees the lookup', async () => {
    const auditor = await (await newContext(browser)).newPage();

    // 1. The privacy officer logs in and lands on the overview of her own organisation.
    await loginAs(auditor, t.url, 'Ellen Prins');
    await auditor.getByRole('heading', { level: 1, name: 'Controle op gebruik' }).waitFor();
    await auditor.getByRole('link', { name: 'km-jan' }).first().waitFor();
    await screenshot(auditor, 'auditor-01-overzicht');

    // 2. She looks the client up by BSN, with a reason; the BSN goes in the form, not the address.
    await auditor.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Cliënt' }).click();
    await auditor.getByLabel('BSN van de cliënt').fill(client.bsn!);
    await auditor.getByLabel('Reden van uw controle').fill('Vraag van de cliënt wie haar gegevens heeft gebruikt');
    await screenshot(auditor, 'auditor-02-klant-formulier');
    await auditor.getByRole('button', { name: 'Bekijken' }).click();
    await auditor.getByRole('heading', { name: `Verwerkingen van BSN ${client.bsn}` }).waitFor();
    expect(auditor.url()).not.toContain(client.bsn!);
    const processings = auditor.getByRole('table', { name: 'Verwerkingen van deze cliënt' });
    await expect(processings.getByRole('row').filter({ hasText: 'km-jan' }).filter({ hasText: 'klantbeeld bekeken' }).count()).resolves.toBe(2);
    const refusals = auditor.getByRole('table', { name: 'Weigeringen over deze cliënt' });
    await refusals.getByText('de cliënt heeft de toestemming ingetrokken').waitFor();
    await screenshot(auditor, 'auditor-03-klant-gevonden');

    // 3. The anomaly: thirty clients outside the caseload, explained in words.
    await auditor.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Signalen' }).click();
    const signal = auditor.locator('li.kp-signal', { has: auditor.getByRole('heading', { name: 'Cliënten buiten de caseload geprobeerd' }) });
    await signal.getByText(/km-jan probeerde op .* de gegevens te openen van 30 cliënten die niet in de caseload van uw organisatie staan/).waitFor();
    await signal.getByText('Nog niet opgevolgd').waitFor();
    await screenshot(auditor, 'auditor-04-signalen');

    // 4. The month as CSV.
    await auditor.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Exporteren' }).click();
    const month = dayOf(new Date()).slice(0, 7);
    await expect(auditor.getByLabel('Maand').inputValue()).resolves.toBe(month);
    await expect(auditor.getByLabel('CSV, voor een spreadsheet').isChecked()).resolves.toBe(true);
    await auditor.getByLabel('Reden van uw controle').fill('Maandrapportage normenkader');
    await screenshot(auditor, 'auditor-05-export');
    const [download] = await Promise.all([auditor.waitForEvent('download'), auditor.getByRole('button', { name: 'Downloaden' }).click()]);
    expect(download.suggestedFilename()).toBe(`ketenpoort-controle-${month}.csv`);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^soort,tijdstip,medewerker,/);
    expect(csv.match(/^weigering,.*,km-jan,klantmanager,/gm)?.length).toBeGreaterThanOrEqual(30);
    expect(csv).toContain(t.app.services.subjectKey(client.bsn!));
    expect(csv).not.toContain(client.bsn!);
    await auditor.context().close();

    // 5. The client sees the officer's lookup in her own processing log.
    const own = await (await newContext(browser)).newPage();
    await loginAs(own, t.url, client.name);
    await own.getByRole('link', { name: 'Wie zag mijn gegevens' }).click();
    await own.getByText(/De privacyfunctionaris van Gemeente Amsterdam \(demo\) heeft op .* bekeken wie uw gegevens heeft gebruikt/).first().waitFor();
    await screenshot(own, 'auditor-06-client-ziet-controle');
    await own.context().close();
  }, 180_000);
});
