// The whole story in a real browser: a client approves a RIB's request, the RIB writes a report
// through the API, the klantmanager sees it arrive with a signal, the client reads it and revokes,
// and the RIB's next write is refused. Every step leaves a screenshot in test-artifacts/pages/, and
// its text is checked for codes, ISO dates and English (support/plain-dutch.ts).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { SKIP_NOTICE, launch, loginAs, newContext, screenshot as takeScreenshot, skipBrowserTests } from './support/browser.js';
import { expectPlainDutch } from './support/plain-dutch.js';
import { activeConsentOf, consentToken, deliverReport, report } from './support/rib.js';

/** Each step: a screenshot, and the page in words a Dutch reader understands. */
async function screenshot(page: Page, name: string) {
  await takeScreenshot(page, name);
  await expectPlainDutch(page, name);
}

describe.skipIf(skipBrowserTests)(`walk-through in Chromium (${skipBrowserTests ? SKIP_NOTICE : 'Chromium present'})`, () => {
  let t: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    // Partners get time to answer on a busy test machine: these tests are not about timeouts.
    [t, browser] = await Promise.all([startTestApp({ env: { PARTNER_TIMEOUT_MS: '5000' } }), launch()]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  }, 180_000);

  it('approve, report, signal, read, revoke, refuse', async () => {
    const advies = `Doorgaan met solliciteren (${Date.now()})`;
    const client = await (await newContext(browser)).newPage();

    // 1. The client sees the request waiting, first on the page, and says yes.
    await loginAs(client, t.url, 'Fatima el Amrani');
    await client.getByRole('link', { name: 'Wie mag meekijken' }).click();
    const waiting = client.locator('section', { has: client.getByRole('heading', { name: 'Vragen die op uw antwoord wachten' }) });
    await waiting.getByRole('heading', { name: /Werkfit.*vraagt uw toestemming/ }).waitFor();
    await screenshot(client, '01-client-verzoek');
    await waiting.getByRole('link', { name: 'Ja, dat mag' }).click();
    await client.getByRole('heading', { name: 'Wat gebeurt er als u ja zegt?' }).waitFor();
    await screenshot(client, '02-client-bevestigt');
    await client.getByRole('button', { name: 'Ja, ik geef toestemming' }).click();
    await client.getByText('U hebt toestemming gegeven.').waitFor();
    await screenshot(client, '03-client-toestemming-gegeven');

    // 2. The RIB's system fetches its consent token and delivers a report through the REST API.
    const consent = await activeConsentOf(t, 'rib-werkfit');
    expect(consent).toBeDefined();
    const traject = await t.db.prisma.traject.findUniqueOrThrow({ where: { id: consent!.trajectId } });
    const token = await consentToken(t, 'rib-werkfit', consent!.id);
    const body = report(traject.startsOn.toISOString().slice(0, 10), advies);
    const written = await deliverReport(t, 'rib-werkfit', consent!.trajectId, token, body);
    expect(written.status).toBe(201);

    // 3. The klantmanager sees the new report as a signal on the caseload, and in the client's view.
    const km = await (await newContext(browser)).newPage();
    await loginAs(km, t.url, 'Jan Kok');
    const signals = km.locator('section', { has: km.getByRole('heading', { name: /^Signalen/ }) });
    await signals.getByText('Nieuwe rapportage').first().waitFor();
    await screenshot(km, '04-klantmanager-signaal');
    await signals.getByRole('link', { name: 'Fatima el Amrani' }).first().click();
    await km.getByRole('heading', { level: 1, name: 'Fatima el Amrani' }).waitFor();
    await km.getByText(advies).waitFor();
    await screenshot(km, '05-klantmanager-klantbeeld');

    // 4. The client reads the report.
    await client.getByRole('link', { name: 'Rapportages' }).click();
    await client.getByRole('link', { name: /Voortgangsrapportage/ }).first().click();
    await client.getByText(advies).waitFor();
    await screenshot(client, '06-client-leest-rapportage');

    // 5. The client revokes; the confirmation says what stops.
    await client.getByRole('link', { name: 'Wie mag meekijken' }).click();
    await client.getByRole('link', { name: 'Toestemming intrekken' }).click();
    await client.getByRole('heading', { name: 'Wat stopt er?' }).waitFor();
    await client.getByText('geen nieuwe rapportages meer schrijven over uw traject.').waitFor();
    await screenshot(client, '07-client-intrekken-bevestigen');
    await client.getByRole('button', { name: 'Ja, trek mijn toestemming in' }).click();
    await client.getByText('Uw toestemming is ingetrokken.').waitFor();
    await screenshot(client, '08-client-ingetrokken');

    // 6. The RIB's next write, with the same consent token, is refused.
    const refused = await deliverReport(t, 'rib-werkfit', consent!.trajectId, token, report(body.periode.van, 'Na intrekking'));
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('CONSENT_REVOKED');
    await client.reload();
    await screenshot(client, '09-client-na-weigering');
  }, 180_000);
});
