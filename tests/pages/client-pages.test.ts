// The client's pages over HTTP: the consent receipt downloads as a text file whose signature checks
// out against the gateway's published keys, and the processing log shows, in plain words, that the
// klantmanager looked at the client's data.
import { compactVerify, createLocalJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { Visitor } from './support/http.js';
import { graphAs } from './support/rib.js';

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

    const shorter = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const yes = await v.post(path, { _csrf: await v.csrfFrom(path), geldigTot: shorter });
    expect(yes.status).toBe(303);
    const { data } = await graphAs<{ mijnToestemmingen: { status: string; geldigTot: string }[] }>(t, 'client-fatima', '{ mijnToestemmingen { status geldigTot } }');
    const active = data!.mijnToestemmingen.find((c) => c.status === 'actief')!;
    expect(new Date(active.geldigTot).getTime()).toBeLessThan(new Date(pending.gevraagdTot).getTime());
    expect(new Date(active.geldigTot).toLocaleDateString('sv-SE', { timeZone: 'Europe/Amsterdam' })).toBe(shorter);
  });
});
