// When a partner is down the pages say which one and what is missing, and show the rest: the
// klantmanager's client view and the client's own overview, with UWV's source unreachable.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { PHONE, SKIP_NOTICE, axeViolations, launch, loginAs, newContext, screenshot, skipBrowserTests } from './support/browser.js';
import { expectPlainDutch } from './support/plain-dutch.js';

describe.skipIf(skipBrowserTests)(`a partner that is down (${skipBrowserTests ? SKIP_NOTICE : 'Chromium present'})`, () => {
  let t: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    // Port 9 (discard) on loopback: nothing listens, so UWV's source refuses every call at once.
    // A generous timeout for the others, so a busy test machine does not make them look down too.
    [t, browser] = await Promise.all([startTestApp({ env: { UWV_SOURCE_URL: 'http://127.0.0.1:9', UWV_SOURCE_CREDENTIAL: 'nobody-listens-there-anyway', PARTNER_TIMEOUT_MS: '5000' } }), launch()]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('names UWV on the klantmanager’s client view and still shows the werk side', async () => {
    const page = await (await newContext(browser)).newPage();
    await loginAs(page, t.url, 'Jan Kok');
    await page.getByRole('link', { name: 'Klant zoeken' }).click();
    await page.getByLabel('BSN').fill(findDemoPerson('client-fatima')!.bsn!);
    await page.getByRole('button', { name: 'Zoeken' }).click();
    await page.getByRole('link', { name: 'Fatima el Amrani' }).click();
    const notice = page.getByRole('alert').filter({ hasText: 'Onvolledig beeld' });
    await expect(notice.textContent()).resolves.toContain('UWV: uitkeringen van UWV');
    await page.getByText('UWV geeft nu geen antwoord').waitFor();
    // The other partners' parts are there.
    await page.getByRole('heading', { name: 'Werkprofiel' }).waitFor();
    await page.getByRole('heading', { name: 'Trajecten en rapportages' }).waitFor();
    await screenshot(page, 'storing-uwv-klantmanager');
    expect(await axeViolations(page)).toEqual([]);
    await expectPlainDutch(page, 'storing-uwv-klantmanager');
  }, 180_000);

  it('tells the client in plain words that UWV does not answer now', async () => {
    const page = await (await newContext(browser, PHONE)).newPage();
    await loginAs(page, t.url, 'Fatima el Amrani');
    const notice = page.getByRole('alert').filter({ hasText: 'Niet alles is nu te zien' });
    await expect(notice.textContent()).resolves.toContain('UWV');
    await page.getByRole('heading', { name: 'Uw gegevens' }).waitFor();
    await screenshot(page, 'storing-uwv-client-360');
    await expectPlainDutch(page, 'storing-uwv-client-360');
  }, 180_000);
});
