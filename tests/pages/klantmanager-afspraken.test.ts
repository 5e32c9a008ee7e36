// The klantmanager's client page shows the client's coming appointments as the gemeente's agenda
// holds them (issue 12 point 4), read through the same Klantbeeld query as the rest of the page;
// a klantmanager of another gemeente does not get the page at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afsprakenVan } from '../../adapters/gemeente/agenda-data.js';
import { population } from '../../adapters/population/population.js';
import { klantHref } from '../../gateway/pages/klantmanager/klant-ref.js';
import { createSealer, pagesKey } from '../../gateway/pages/shared/seal.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { Visitor } from './support/http.js';

let t: TestApp;
let href: (bsn: string) => string;
beforeAll(async () => {
  t = await startTestApp({ env: { PARTNER_TIMEOUT_MS: '5000' } });
  const sealer = createSealer(pagesKey(t.config));
  href = (bsn) => klantHref(sealer, bsn);
});
afterAll(() => t?.close());

const fatima = population()[0]!;
const compact = (d: string) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;

describe("the klantmanager's client page", () => {
  it('lists the coming appointments with time, place and with whom, and none of the past ones', async () => {
    const v = new Visitor(t.url);
    await v.login('km-jan');
    const page = await v.get(href(fatima.bsn));
    expect(page.status).toBe(200);
    const start = page.text.indexOf('id="afspraken"');
    expect(start, 'the Afspraken card').toBeGreaterThan(0);
    const card = page.text.slice(start, page.text.indexOf('</section>', start));
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Amsterdam' });
    const all = afsprakenVan(fatima);
    const coming = all.filter((a) => compact(a.datum) >= today);
    const past = all.filter((a) => compact(a.datum) < today);
    expect(coming.length).toBeGreaterThan(0);
    for (const a of coming) {
      expect(card).toContain(`${a.begintijd.slice(0, 2)}:${a.begintijd.slice(2)}`);
      expect(card).toContain(a.locatie.split(',')[0]);
      expect(card).toContain(a.medewerker.naam);
    }
    // Only what is still to come: one line per coming appointment, none for the past ones.
    expect(past.length).toBeGreaterThan(0);
    expect(card.match(/<li>/g)?.length).toBe(coming.length);
    expect(card).not.toContain(fatima.bsn);
  });

  it('is refused to a klantmanager of another gemeente, who sees none of the appointments', async () => {
    const v = new Visitor(t.url);
    await v.login('km-sanne');
    const page = await v.get(href(fatima.bsn));
    expect(page.status).toBe(403);
    for (const a of afsprakenVan(fatima)) expect(page.text).not.toContain(a.locatie.split(',')[0]);
  });
});
