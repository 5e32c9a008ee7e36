// The client's pages over HTTP: the consent receipt downloads as a text file whose signature checks
// out against the gateway's published keys, and the processing log shows, in plain words, that the
// klantmanager looked at the client's data, with repeated identical processings as one line and
// the client's own reading worded as theirs.
import { compactVerify, createLocalJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dutchDay } from '../../lib/dutch-day.js';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { Visitor } from './support/http.js';
import { graphAs } from './support/rib.js';
import { ACTIVITIES } from '../../gateway/logs/processing-log.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

describe('the client pages', () => {
  it('download a consent receipt whose signature verifies with /.well-known/jwks.json', async () => {
    const { data } = await graphAs<{ mijnToestemmingen: { id: string; status: string }[] }>(t, 'client-aandeslag', '{ mijnToestemmingen { id status } }');
    const consent = data!.mijnToestemmingen.find((c) => c.status === 'actief')!;
    const v = new Visitor(t.url);
    await v.login('client-aandeslag');
    const list = await v.get('/mijn/toestemmingen');
    expect(list.text).toContain(`/mijn/toestemmingen/${consent.id}/ontvangstbewijs`);

    const file = await v.get(`/mijn/toestemmingen/${consent.id}/ontvangstbewijs`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(file.headers.get('content-disposition')).toBe(`attachment; filename="toestemming-${consent.id}.txt"`);
    expect(file.text).toContain('Ontvangstbewijs van uw toestemming');
    expect(file.text).not.toContain(findDemoPerson('client-aandeslag')!.bsn!);
    const jws = /Handtekening \(JWS\): (\S+)/.exec(file.text)![1]!;
    const content = /Ondertekende inhoud: (.+)/.exec(file.text)![1]!;
    const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as Parameters<typeof createLocalJWKSet>[0];
    const { payload } = await compactVerify(jws, createLocalJWKSet(jwks));
    expect(new TextDecoder().decode(payload)).toBe(content);
  });

  it('refuse another client’s receipt', async () => {
    const { data } = await graphAs<{ mijnToestemmingen: { id: string }[] }>(t, 'client-aandeslag', '{ mijnToestemmingen { id } }');
    const v = new Visitor(t.url);
    await v.login('client-dewi');
    const res = await v.get(`/mijn/toestemmingen/${data!.mijnToestemmingen[0]!.id}/ontvangstbewijs`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.text).not.toContain('Ontvangstbewijs van uw toestemming');
  });

  it('show in plain words that the klantmanager looked at the client’s data', async () => {
    const km = new Visitor(t.url);
    await km.login('km-jan');
    const search = await km.post('/klantmanager/zoeken', { _csrf: await km.csrfFrom('/klantmanager/zoeken'), bsn: findDemoPerson('client-dewi')!.bsn! });
    const link = /href="(\/klantmanager\/klanten\/[^"]+)"/.exec(search.text)![1]!;
    expect(link).not.toContain(findDemoPerson('client-dewi')!.bsn!);
    expect((await km.get(link)).status).toBe(200);

    const client = new Visitor(t.url);
    await client.login('client-dewi');
    const log = await client.get('/mijn/verwerkingen');
    expect(log.status).toBe(200);
    expect(log.text).toMatch(/Gemeente Amsterdam[^<]* heeft op \d+ \w+ \d{4} uw gegevens over werk en inkomen bekeken/);
  });

  it('group the klantmanager’s repeated caseload listings into one line, the log keeping every row, and word the client’s own reading as theirs', async () => {
    const client = new Visitor(t.url);
    await client.login('client-fatima');
    expect((await client.get('/mijn')).status).toBe(200);
    const rows = () => t.db.prisma.verwerking.count({ where: { processingActivityId: ACTIVITIES.caseload } });
    const before = await rows();
    for (let i = 0; i < 3; i++) {
      const listed = await graphAs<{ caseload: { klanten: { bsn: string }[] } }>(t, 'km-jan', '{ caseload(eerste: 50) { klanten { bsn } } }');
      expect(listed.data!.caseload.klanten.map((k) => k.bsn)).toContain(findDemoPerson('client-fatima')!.bsn);
    }
    // Every listing stays in the log: at least one row per listing for this client alone.
    expect((await rows()) - before).toBeGreaterThanOrEqual(3);

    const log = await client.get('/mijn/verwerkingen');
    expect(log.status).toBe(200);
    const items = [...log.text.matchAll(/<li class="kp-log__item">([\s\S]*?)<\/li>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').replace(/ ,/g, ',').trim());
    // The newest line is the three listings, once, with how often and between which times.
    expect(items[0]).toMatch(/^\d+ \w+ \d{4}, [3-9] keer (tussen \d\d:\d\d en \d\d:\d\d|om \d\d:\d\d) Bekeken Gemeente Amsterdam[^.]* uw naam en adres gezien in hun lijst van klanten/);
    expect(items.filter((i) => i === items[0])).toHaveLength(1);
    // The client's own look at their data: "U heeft … bekeken.", not a reason about helping them.
    const own = items.filter((i) => /\bU heeft op\b/.test(i));
    expect(own.some((i) => /U heeft op \d+ \w+ \d{4} uw gegevens over werk en inkomen bekeken\.$/.test(i)), JSON.stringify(items, null, 1)).toBe(true);
    for (const line of own) expect(line).not.toMatch(/om u te|omdat zij u|voor uw klantmanager|omdat het uw gegevens zijn/);
  });

  it('let the client say yes for a shorter time, and refuse a day past what was asked', async () => {
    const requests = async () =>
      (await graphAs<{ mijnToestemmingsverzoeken: { id: string; status: string; gevraagdTot: string }[] }>(t, 'client-fatima', '{ mijnToestemmingsverzoeken { id status gevraagdTot } }')).data!
        .mijnToestemmingsverzoeken;
    const pending = (await requests()).find((r) => r.status === 'openstaand')!;
    const v = new Visitor(t.url);
    await v.login('client-fatima');
    const path = `/mijn/verzoeken/${pending.id}/goedkeuren`;

    const tooLate = await v.post(path, { _csrf: await v.csrfFrom(path), geldigTot: '2099-01-01' });
    expect(tooLate.status).toBe(400);
    expect(tooLate.text).toContain('aria-invalid="true"');
    expect((await requests()).find((r) => r.id === pending.id)!.status).toBe('openstaand');

    const shorter = addDays(dutchDay(new Date()), 7);
    const yes = await v.post(path, { _csrf: await v.csrfFrom(path), geldigTot: shorter });
    expect(yes.status).toBe(303);
    const { data } = await graphAs<{ mijnToestemmingen: { status: string; geldigTot: string }[] }>(t, 'client-fatima', '{ mijnToestemmingen { status geldigTot } }');
    const active = data!.mijnToestemmingen.find((c) => c.status === 'actief')!;
    expect(active.geldigTot < pending.gevraagdTot).toBe(true);
    expect(active.geldigTot).toBe(shorter);
  });
});
