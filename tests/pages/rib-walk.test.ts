// A re-integratiebureau's coach in a real browser: asks the client for consent on "Ons blok", the
// client says yes in a second browser context, the coach reloads and sees "Actief", writes a
// voortgangsrapportage with a PDF and downloads the receipt; the client revokes, and the coach's
// next send (from a form opened before) is refused with a clear Dutch message, nothing stored.
// Every step leaves a screenshot in test-artifacts/pages/ and is checked for plain Dutch.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG } from '../../adapters/population/organisations.js';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { addDays, dutchDay } from '../../lib/dutch-day.js';
import { gql } from '../consent/helpers.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { SKIP_NOTICE, launch, loginAs, newContext, screenshot as takeScreenshot, skipBrowserTests } from './support/browser.js';
import { expectPlainDutch } from './support/plain-dutch.js';

async function screenshot(page: Page, name: string) {
  await takeScreenshot(page, name);
  await expectPlainDutch(page, name);
}

const DEWI = findDemoPerson('client-dewi')!;
const COACH = findDemoPerson('rib-werkfit')!;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');

describe.skipIf(skipBrowserTests)(`the bureau's coach in Chromium (${skipBrowserTests ? SKIP_NOTICE : 'Chromium present'})`, () => {
  let t: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp({ env: { PARTNER_TIMEOUT_MS: '5000' } }), launch()]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  }, 180_000);

  it('asks consent, sees it active, writes a report with a PDF and keeps the receipt; after a revoke the send is refused', async () => {
    // The gemeente assigns a new trajectory of Dewi to Werkfit.
    const today = dutchDay(new Date());
    const titel = `Taal en werk ${randomUUID().slice(0, 6)}`;
    const assigned = await gql<{ wijsTrajectToe: { trajectId: string } }>(t, 'km-jan', 'mutation($w: TrajectToewijzingInput!) { wijsTrajectToe(toewijzing: $w) { trajectId } }', {
      w: { bsn: DEWI.bsn, gemeenteKenmerk: `TRJ-WALK-${randomUUID().slice(0, 8)}`, titel, startdatum: addDays(today, -30), einddatum: addDays(today, 150), bureauOin: ORG.werkfit.oin },
    });
    expect(assigned.errors).toEqual([]);
    const trajectId = assigned.data!.wijsTrajectToe.trajectId;
    const state = (p: Page) => p.locator(`#toestemming-${trajectId}`);

    // 1. The coach logs in, lands on Ons blok and finds Dewi's trajectory with no consent yet.
    const coach = await (await newContext(browser)).newPage();
    await loginAs(coach, t.url, COACH.name);
    await coach.getByRole('heading', { level: 1, name: 'Ons blok' }).waitFor();
    await expect(state(coach).textContent()).resolves.toContain('Nog niet gevraagd');
    await screenshot(coach, 'rib-01-ons-blok');
    await coach.locator('tr', { hasText: titel }).getByRole('link', { name: DEWI.name }).click();
    await coach.getByRole('heading', { level: 1, name: `${DEWI.name}: ${titel}` }).waitFor();
    await screenshot(coach, 'rib-02-traject');

    // 2. The coach asks consent, for reports and the work profile, until the proposed day.
    await coach.getByRole('link', { name: 'Toestemming vragen' }).click();
    await coach.getByLabel(/werkprofiel van de klant bekijken/).check();
    await screenshot(coach, 'rib-03-toestemming-vragen');
    await coach.getByRole('button', { name: 'Toestemming vragen' }).click();
    await coach.getByText('Uw verzoek om toestemming is naar de klant gestuurd.').waitFor();
    await expect(state(coach).textContent()).resolves.toContain('Gevraagd');
    await screenshot(coach, 'rib-04-gevraagd');

    // 3. The client, in a browser of their own, says yes.
    const client = await (await newContext(browser)).newPage();
    await loginAs(client, t.url, DEWI.name);
    await client.getByRole('link', { name: 'Wie mag meekijken' }).click();
    const waiting = client.locator('section', { has: client.getByRole('heading', { name: 'Vragen die op uw antwoord wachten' }) });
    await waiting.getByRole('link', { name: 'Ja, dat mag' }).first().click();
    await client.getByRole('button', { name: 'Ja, ik geef toestemming' }).click();
    await client.getByText('U hebt toestemming gegeven.').waitFor();

    // 4. The coach reloads and sees the consent active.
    await coach.reload();
    await expect(state(coach).textContent()).resolves.toMatch(/Actief\s+tot en met/);
    await screenshot(coach, 'rib-05-actief');

    // 5. The coach writes a voortgangsrapportage with a PDF and sends it.
    await coach.getByRole('link', { name: 'Rapportage schrijven' }).click();
    await coach.getByLabel('Eerste dag van de periode').fill(addDays(today, -30));
    await coach.getByLabel('Laatste dag van de periode').fill(today);
    await coach.getByLabel('Doel 1: omschrijving').fill('Elke dag op tijd op de werkervaringsplaats');
    await coach.getByLabel('Geplande afspraken').fill('8');
    await coach.getByLabel('Aanwezig', { exact: true }).fill('7');
    await coach.getByLabel('Afgemeld').fill('1');
    await coach.getByLabel('Niet gekomen zonder bericht').fill('0');
    await coach.getByLabel('Advies', { exact: true }).fill('Doorgaan; vanaf januari vier dagen per week');
    await coach.getByLabel('Bijlagen (PDF)').setInputFiles({ name: 'voortgang-december.pdf', mimeType: 'application/pdf', buffer: PDF });
    await screenshot(coach, 'rib-06-rapportage-schrijven');
    await coach.getByRole('button', { name: 'Rapportage versturen' }).click();
    await coach.getByRole('heading', { level: 1, name: 'Rapportage ontvangen' }).waitFor();
    await screenshot(coach, 'rib-07-ontvangen');
    const stored = await t.db.prisma.rapportage.findFirstOrThrow({ where: { blok: { trajectId } } });
    await coach.getByText(stored.id).first().waitFor();

    // 6. The receipt downloads as the API gave it.
    const [download] = await Promise.all([coach.waitForEvent('download'), coach.getByRole('link', { name: 'Ontvangstbevestiging downloaden' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^ontvangstbevestiging-\d+\.json$/);
    const receipt = JSON.parse(await readFile((await download.path())!, 'utf8'));
    expect(receipt).toMatchObject({ rapportageId: stored.id, hash: stored.hash.trim(), volgnummer: stored.sequence });
    expect(receipt.ketenhoofd.volgnummer).toBe(stored.sequence);

    // 7. The history of the block shows the report and its PDF.
    await coach.getByRole('link', { name: 'Terug naar het traject' }).click();
    await coach.locator('#rapportages').getByText('Doorgaan; vanaf januari vier dagen per week').waitFor();
    await coach.locator('#rapportages').getByRole('link', { name: 'voortgang-december.pdf' }).waitFor();
    await screenshot(coach, 'rib-08-geschiedenis');

    // 8. The coach opens a new report; meanwhile the client revokes.
    await coach.getByRole('link', { name: 'Rapportage schrijven' }).click();
    await coach.getByLabel('Doel 1: omschrijving').fill('Zelf een werkgever benaderen');
    await coach.getByLabel('Geplande afspraken').fill('2');
    await coach.getByLabel('Aanwezig', { exact: true }).fill('2');
    await coach.getByLabel('Afgemeld').fill('0');
    await coach.getByLabel('Niet gekomen zonder bericht').fill('0');
    await client.getByRole('link', { name: 'Wie mag meekijken' }).click();
    await client.getByRole('link', { name: 'Toestemming intrekken' }).first().click();
    await client.getByRole('button', { name: 'Ja, trek mijn toestemming in' }).click();
    await client.getByText('Uw toestemming is ingetrokken.').waitFor();
    const before = await t.db.prisma.rapportage.count();

    // 9. The coach's send is refused, in Dutch, and nothing is stored.
    await coach.getByRole('button', { name: 'Rapportage versturen' }).click();
    await coach.getByText('Versturen kan niet: de klant heeft de toestemming ingetrokken. Er is niets opgeslagen.').waitFor();
    await screenshot(coach, 'rib-09-geweigerd');
    expect(await t.db.prisma.rapportage.count()).toBe(before);
    await coach.goto(`${t.url}/rib`);
    await expect(state(coach).textContent()).resolves.toContain('Geen toestemming');
    await screenshot(coach, 'rib-10-geen-toestemming');
  }, 180_000);
});
