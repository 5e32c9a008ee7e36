// The re-integratiebureau's pages ("Ons blok") over HTTP, as a coach's browser uses them: the
// bureau's trajectories with the client's name, consent state and deadline; asking consent; writing
// a report with a PDF, its receipt (shown and downloadable); a correction as a new version; the
// block's history; a draft kept across an expired session. Attacks, each refused with nothing
// written: another bureau's trajectory, a write without consent, a write after the client revoked,
// a form without its CSRF token, another role. No response, page address or log line carries a BSN.
import { createHash, randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG } from '../../adapters/population/organisations.js';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { datum } from '../../gateway/pages/shared/format.js';
import { addDays, dutchDay } from '../../lib/dutch-day.js';
import { startRuntime } from '../../gateway/runtime.js';
import { startTestApp, testConfig, type TestApp } from '../support/app.js';
import { createTestDatabase } from '../support/database.js';
import { APPROVE, REVOKE, gql } from '../consent/helpers.js';
import { Visitor, type Visit } from './support/http.js';
import { subjectKeyBytes } from '../../gateway/logs/subject-id.js';

let t: TestApp;
const logLines: string[] = [];
/** Every answer the tests saw: text, address and redirect, to prove no BSN is in any of them. */
const seen: string[] = [];
const DEWI = findDemoPerson('client-dewi')!;
const TODAY = dutchDay(new Date());
const START = addDays(TODAY, -60);
const END = addDays(TODAY, 120);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const allBsns = () => ['client-dewi', 'client-fatima', 'client-aandeslag'].map((id) => findDemoPerson(id)!.bsn!);

beforeAll(async () => {
  t = await startTestApp({
    env: { PARTNER_TIMEOUT_MS: '5000', LOG_LEVEL: 'info' },
    logDestination: { write: (line: string) => void logLines.push(line) },
  });
  // PGlite on a busy two-core machine can take more than a minute to start.
}, 180_000);
afterAll(() => t?.close(), 120_000);

class Coach extends Visitor {
  override async get(path: string): Promise<Visit> {
    const v = await super.get(path);
    seen.push(path, v.location ?? '', v.text);
    return v;
  }
  override async post(path: string, form: Record<string, string>): Promise<Visit> {
    const v = await super.post(path, form);
    seen.push(path, v.location ?? '', v.text);
    return v;
  }
  /** The report form as a browser sends it: multipart, with PDFs as files. */
  async postForm(path: string, fields: Record<string, string>, files: { name: string; data: Buffer }[] = []) {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const f of files) form.append('bijlagen', new Blob([new Uint8Array(f.data)], { type: 'application/pdf' }), f.name);
    if (!files.length) form.append('bijlagen', new Blob([], { type: 'application/octet-stream' }), '');
    const res = await fetch(`${t.url}${path}`, { method: 'POST', redirect: 'manual', headers: { cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ') }, body: form });
    // Cookies it sets (a draft when the session ran out) go into the jar, as a browser keeps them.
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';')[0]!;
      const value = pair.slice(pair.indexOf('=') + 1).trim();
      if (value) this.jar.set(pair.slice(0, pair.indexOf('=')).trim(), value);
      else this.jar.delete(pair.slice(0, pair.indexOf('=')).trim());
    }
    const out = { status: res.status, location: res.headers.get('location'), text: await res.text() };
    seen.push(path, out.location ?? '', out.text);
    return out;
  }
}

async function coach(person = 'rib-werkfit') {
  const v = new Coach(t.url);
  const landed = await v.login(person);
  expect(landed.location).toBe('/rib');
  return v;
}

const ASSIGN = 'mutation($w: TrajectToewijzingInput!) { wijsTrajectToe(toewijzing: $w) { trajectId } }';

/** A fresh trajectory of client-dewi, assigned by klantmanager Jan to a bureau. */
async function assigned(bureauOin: string = ORG.werkfit.oin) {
  const kenmerk = `TRJ-RIB-${randomUUID().slice(0, 8)}`;
  const titel = `Taal en werk ${kenmerk.slice(-8)}`;
  const r = await gql<{ wijsTrajectToe: { trajectId: string } }>(t, 'km-jan', ASSIGN, {
    w: { bsn: DEWI.bsn, gemeenteKenmerk: kenmerk, titel, startdatum: START, einddatum: END, bureauOin },
  });
  expect(r.errors).toEqual([]);
  return { id: r.data!.wijsTrajectToe.trajectId, titel };
}

async function askConsent(v: Coach, id: string, geldigTot = addDays(TODAY, 90)) {
  const path = `/rib/trajecten/${id}/toestemming`;
  const posted = await v.post(path, { _csrf: await v.csrfFrom(path), geldigTot, werkprofiel: 'ja' });
  expect(posted.status).toBe(303);
  return posted;
}

async function approve(id: string) {
  const request = await t.db.prisma.consentRequest.findFirstOrThrow({ where: { trajectId: id, status: 'pending' } });
  const r = await gql<{ keurVerzoekGoed: { id: string } }>(t, 'client-dewi', APPROVE, { id: request.id });
  expect(r.errors).toEqual([]);
  return r.data!.keurVerzoekGoed.id;
}

/** A trajectory of Werkfit with the client's active consent. */
async function withConsent(v: Coach) {
  const traject = await assigned();
  await askConsent(v, traject.id);
  return { ...traject, consentId: await approve(traject.id) };
}

const reportFields = (extra: Record<string, string> = {}) => ({
  soort: 'voortgangsrapportage',
  van: START,
  tot: TODAY,
  doel1Soort: 'leerdoel',
  doel1Omschrijving: 'Op tijd op de werkervaringsplaats',
  doel1Voortgang: 'loopt',
  act1Datum: TODAY,
  act1Omschrijving: 'Sollicitatietraining',
  act1Uren: '1,5',
  gepland: '4',
  aanwezig: '3',
  afwezigMetBericht: '1',
  afwezigZonderBericht: '0',
  advies: 'Doorgaan met de werkervaringsplaats',
  sleutel: randomUUID(),
  ...extra,
});

async function writes() {
  const p = t.db.prisma;
  const [rapportages, bijlagen, verzoeken, toestemmingen] = await Promise.all([p.rapportage.count(), p.bijlage.count(), p.consentRequest.count(), p.consent.count()]);
  return { rapportages, bijlagen, verzoeken, toestemmingen };
}

async function sendReport(v: Coach, id: string, fields = reportFields(), files = [{ name: 'voortgang.pdf', data: PDF }]) {
  const path = `/rib/trajecten/${id}/rapportage`;
  return v.postForm(path, { _csrf: await v.csrfFrom(`/rib/trajecten/${id}`), ...fields }, files);
}

describe('the coach of a bureau', () => {
  it('lands on Ons blok and sees the bureau’s trajectories with the client’s name, consent state and deadline', async () => {
    const traject = await assigned();
    const v = await coach();
    const page = await v.get('/rib');
    expect(page.status).toBe(200);
    const row = page.text.slice(page.text.indexOf(`href="/rib/trajecten/${traject.id}"`));
    expect(row.slice(0, 2000)).toContain(DEWI.name);
    expect(row.slice(0, 2000)).toContain(traject.titel);
    expect(page.text).toMatch(new RegExp(`id="toestemming-${traject.id}">[^]*?Geen toestemming[^]*?Nog niet gevraagd`));
    // Due 31 days after the block opened: the day before that moment passes.
    expect(row.slice(0, 3000)).toContain(`uiterlijk ${datum(addDays(TODAY, 30))}`);
    // The client's reading of the name by the bureau is in the processing log.
    expect(await t.db.prisma.verwerking.count({ where: { name: 'naam ingezien voor traject', actorSubject: 'rib-werkfit' } })).toBeGreaterThan(0);
    // Only this bureau's trajectories: Aan de Slag's demo trajectory is not on Werkfit's list.
    const other = await assigned(ORG.aandeslag.oin);
    expect((await v.get('/rib')).text).not.toContain(other.id);
  });

  it('reads and logs only the name of the client whose trajectory page is open', async () => {
    const traject = await assigned();
    const v = await coach();
    const names = (person: string) =>
      t.db.prisma.verwerking.count({ where: { name: 'naam ingezien voor traject', actorSubject: 'rib-werkfit', subjectKey: subjectKeyBytes(t.app.services.subjectKey(findDemoPerson(person)!.bsn!)) } });
    const [dewi, fatima] = [await names('client-dewi'), await names('client-fatima')];
    expect((await v.get(`/rib/trajecten/${traject.id}`)).status).toBe(200);
    expect(await names('client-dewi')).toBe(dewi + 1);
    expect(await names('client-fatima')).toBe(fatima);
  });

  it('puts overdue reports first', async () => {
    const late = await assigned();
    // The block opened 40 days ago and has no report: overdue.
    await t.db.prisma.rapportageBlok.updateMany({ where: { trajectId: late.id }, data: { openedAt: new Date(Date.now() - 40 * 864e5) } });
    const v = await coach();
    const page = await v.get('/rib');
    const rows = [...page.text.matchAll(/href="\/rib\/trajecten\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
    const firstOnTime = rows.findIndex((id) => !page.text.slice(page.text.indexOf(`/rib/trajecten/${id}"`)).slice(0, 3000).split('</tr>')[0]!.includes('Te laat'));
    expect(rows.indexOf(late.id)).toBeGreaterThanOrEqual(0);
    expect(rows.indexOf(late.id)).toBeLessThan(firstOnTime);
    expect(page.text).toMatch(/rapportages? (zijn|is) te laat/);
  });

  it('asks the client for consent, sees the request waiting, then active once the client agrees', async () => {
    const traject = await assigned();
    const v = await coach();
    const form = await v.get(`/rib/trajecten/${traject.id}/toestemming`);
    expect(form.status).toBe(200);
    expect(form.text).toContain(`Toestemming vragen aan ${DEWI.name}`);
    const before = await writes();
    const posted = await askConsent(v, traject.id, addDays(TODAY, 60));
    expect(posted.location).toBe(`/rib/trajecten/${traject.id}?klaar=gevraagd`);
    expect((await writes()).verzoeken).toBe(before.verzoeken + 1);
    const request = await t.db.prisma.consentRequest.findFirstOrThrow({ where: { trajectId: traject.id } });
    expect(request.authorizationDetails).toHaveLength(2);
    const waiting = await v.get(`/rib/trajecten/${traject.id}`);
    expect(waiting.text).toContain('wacht op antwoord van de klant');
    expect(waiting.text).toMatch(new RegExp(`id="toestemming-${traject.id}">[^]*?Gevraagd`));
    await approve(traject.id);
    const active = await v.get(`/rib/trajecten/${traject.id}`);
    expect(active.text).toMatch(new RegExp(`id="toestemming-${traject.id}">[^]*?Actief[^]*?tot en met ${datum(addDays(TODAY, 60))}`));
    expect(active.text).toContain('de klant heeft ja gezegd');
    expect(active.text).toContain('Rapportage schrijven');
  });

  it('names a day the consent module refuses next to the field, and asks nothing', async () => {
    const traject = await assigned();
    const v = await coach();
    const path = `/rib/trajecten/${traject.id}/toestemming`;
    const before = await writes();
    const res = await v.post(path, { _csrf: await v.csrfFrom(path), geldigTot: addDays(END, 10) });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="geldigTot-fout">Deze dag kan niet.');
    expect(await writes()).toEqual(before);
  });

  it('writes a report with a PDF, shows the receipt and lets it be downloaded; the history shows it', async () => {
    const v = await coach();
    const traject = await withConsent(v);
    const before = await writes();
    const sent = await sendReport(v, traject.id);
    expect(sent.status).toBe(303);
    expect(sent.location).toMatch(new RegExp(`^/rib/trajecten/${traject.id}/ontvangst\\?b=`));
    const stored = await t.db.prisma.rapportage.findFirstOrThrow({ where: { blok: { trajectId: traject.id } } });
    expect(await writes()).toMatchObject({ rapportages: before.rapportages + 1, bijlagen: before.bijlagen + 1 });
    expect((stored.body as { bijlagen: { bestandsnaam: string }[] }).bijlagen.map((b) => b.bestandsnaam)).toEqual(['voortgang.pdf']);

    const receipt = await v.get(sent.location!);
    expect(receipt.status).toBe(200);
    expect(receipt.text).toContain('Rapportage ontvangen');
    expect(receipt.text).toContain(stored.id);
    expect(receipt.text).toContain(stored.hash.trim().slice(0, 16));
    const download = receipt.text.match(/href="([^"]*ontvangst\/bestand[^"]*)"/)![1]!.replace(/&amp;/g, '&');
    const file = await v.get(download);
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="ontvangstbevestiging-\d+\.json"$/);
    const json = JSON.parse(file.text);
    expect(json).toMatchObject({ rapportageId: stored.id, hash: stored.hash.trim(), volgnummer: stored.sequence, trajectId: traject.id });
    expect(json.ketenhoofd).toMatchObject({ volgnummer: stored.sequence, hash: stored.hash.trim() });
    expect(typeof json.ketenhoofd.handtekening).toBe('string');

    // Sending the same form again stores nothing new and answers the same receipt.
    const again = await sendReport(v, traject.id, reportFields({ sleutel: json.idempotencyKey }));
    expect(again.status).toBe(303);
    expect(await writes()).toMatchObject({ rapportages: before.rapportages + 1, bijlagen: before.bijlagen + 1 });

    const page = await v.get(`/rib/trajecten/${traject.id}`);
    const history = page.text.slice(page.text.indexOf('id="rapportages"'));
    expect(history).toContain('Doorgaan met de werkervaringsplaats');
    expect(history).toContain(`/rib/trajecten/${traject.id}/bijlagen/`);
    const pdf = await v.get(history.match(/href="(\/rib\/trajecten\/[^"]+\/bijlagen\/[^"]+)"/)![1]!);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
  });

  it('corrects a report as a new version that names the one it corrects', async () => {
    const v = await coach();
    const traject = await withConsent(v);
    expect((await sendReport(v, traject.id)).status).toBe(303);
    const first = await t.db.prisma.rapportage.findFirstOrThrow({ where: { blok: { trajectId: traject.id } } });
    const form = await v.get(`/rib/trajecten/${traject.id}/rapportage?corrigeert=${first.id}`);
    expect(form.text).toContain('Rapportage verbeteren');
    expect(form.text).toContain('value="Op tijd op de werkervaringsplaats"');
    expect(form.text).toContain(`name="corrigeert" value="${first.id}"`);
    const sent = await sendReport(v, traject.id, reportFields({ corrigeert: first.id, advies: 'Vanaf januari vier dagen per week' }), []);
    expect(sent.status).toBe(303);
    const second = await t.db.prisma.rapportage.findFirstOrThrow({ where: { blok: { trajectId: traject.id }, correctsId: first.id } });
    expect(second.sequence).toBe(first.sequence + 1);
    const page = await v.get(`/rib/trajecten/${traject.id}`);
    expect(page.text).toContain('versie 2');
    expect(page.text).toContain('(vervangen)');
  });

  it('names a field the API refuses next to that field, keeps the PDF it received, and stores no report', async () => {
    const v = await coach();
    const traject = await withConsent(v);
    const before = await writes();
    const res = await sendReport(v, traject.id, reportFields({ tot: addDays(TODAY, 5) }));
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="tot-fout">Deze dag ligt in de toekomst.');
    expect(res.text).toMatch(/name="ontvangen" value="[0-9a-f-]{36}\|voortgang\.pdf"/);
    expect((await writes()).rapportages).toBe(before.rapportages);
  });

  it('keeps the report being typed when the session ran out, and gives it back after logging in', async () => {
    const v = await coach();
    const traject = await withConsent(v);
    const csrf = await v.csrfFrom(`/rib/trajecten/${traject.id}/rapportage`);
    const at = new Date(Date.now() - (t.config.PAGES_IDLE_MINUTES + 1) * 60_000);
    await t.db.prisma.paginaSessie.update({ where: { idHash: createHash('sha256').update(v.cookie('kp_sessie')!).digest('hex') }, data: { lastSeenAt: at, createdAt: at } });
    const before = await writes();
    const path = `/rib/trajecten/${traject.id}/rapportage`;
    const posted = await v.postForm(path, { _csrf: csrf, ...reportFields({ advies: 'Bewaard concept van de coach' }) }, [{ name: 'x.pdf', data: PDF }]);
    expect(posted.status).toBe(303);
    expect(posted.location).toMatch(/^\/inloggen\?terug=.*verlopen=1$/);
    expect(await writes()).toEqual(before);
    // The login page keeps the draft cookie the POST set: carry it over.
    await v.login('rib-werkfit', path);
    const again = await v.get(path);
    expect(again.text).toContain('U was uitgelogd.');
    expect(again.text).toContain('Bewaard concept van de coach');
  });
});

describe('attacks on the bureau’s pages', () => {
  it('refuses another bureau’s trajectory everywhere, and writes nothing', async () => {
    const theirs = await assigned(ORG.aandeslag.oin);
    const v = await coach();
    const before = await writes();
    for (const path of [`/rib/trajecten/${theirs.id}`, `/rib/trajecten/${theirs.id}/toestemming`, `/rib/trajecten/${theirs.id}/rapportage`]) {
      const page = await v.get(path);
      expect(page.status, path).toBe(404);
      expect(page.text).not.toContain(DEWI.name);
    }
    const csrf = await v.csrfFrom('/rib/trajecten/' + (await assigned()).id);
    expect((await v.post(`/rib/trajecten/${theirs.id}/toestemming`, { _csrf: csrf, geldigTot: addDays(TODAY, 30) })).status).toBe(404);
    expect((await v.postForm(`/rib/trajecten/${theirs.id}/rapportage`, { _csrf: csrf, ...reportFields() }, [{ name: 'a.pdf', data: PDF }])).status).toBe(404);
    expect(await writes()).toMatchObject({ rapportages: before.rapportages, bijlagen: before.bijlagen });
  });

  it('refuses a report while the client gave no consent, in Dutch, and writes nothing', async () => {
    const traject = await assigned();
    const v = await coach();
    const form = await v.get(`/rib/trajecten/${traject.id}/rapportage`);
    expect(form.status).toBe(403);
    expect(form.text).toContain('Geen toestemming');
    const before = await writes();
    const res = await sendReport(v, traject.id);
    expect(res.status).toBe(403);
    expect(res.text).toContain('Versturen kan niet: de klant heeft geen toestemming gegeven.');
    expect(await writes()).toEqual(before);
    const denial = await t.db.prisma.besluit.findFirst({ where: { actorSubject: 'rib-werkfit', decision: 'deny', resource: `traject/${traject.id}` } });
    expect(denial).not.toBeNull();
  });

  it('refuses a report after the client revoked, shows "geen toestemming", and writes nothing', async () => {
    const v = await coach();
    const traject = await withConsent(v);
    const form = await v.get(`/rib/trajecten/${traject.id}/rapportage`);
    const csrf = form.text.match(/name="_csrf" value="([^"]+)"/)![1]!;
    expect((await gql(t, 'client-dewi', REVOKE, { id: traject.consentId })).errors).toEqual([]);
    const before = await writes();
    const res = await v.postForm(`/rib/trajecten/${traject.id}/rapportage`, { _csrf: csrf, ...reportFields() }, [{ name: 'na-intrekken.pdf', data: PDF }]);
    expect(res.status).toBe(403);
    expect(res.text).toContain('Versturen kan niet: de klant heeft de toestemming ingetrokken. Er is niets opgeslagen.');
    expect(await writes()).toEqual(before);
    const page = await v.get(`/rib/trajecten/${traject.id}`);
    expect(page.text).toMatch(new RegExp(`id="toestemming-${traject.id}">[^]*?Geen toestemming[^]*?ingetrokken`));
    expect(page.text).not.toContain('>Rapportage schrijven<');
  });

  it('refuses a form without its CSRF token and writes nothing', async () => {
    const v = await coach();
    const traject = await withConsent(v);
    const before = await writes();
    const res = await v.postForm(`/rib/trajecten/${traject.id}/rapportage`, reportFields(), [{ name: 'a.pdf', data: PDF }]);
    expect(res.status).toBe(403);
    expect((await v.post(`/rib/trajecten/${traject.id}/toestemming`, { geldigTot: addDays(TODAY, 30) })).status).toBe(403);
    expect(await writes()).toEqual(before);
  });

  it('refuses the bureau’s pages to another role, and a receipt to another bureau', async () => {
    const km = new Coach(t.url);
    await km.login('km-jan');
    expect((await km.get('/rib')).status).toBe(403);
    const v = await coach();
    const traject = await withConsent(v);
    const sent = await sendReport(v, traject.id);
    const other = await coach('rib-aandeslag');
    const stolen = await other.get(sent.location!);
    expect(stolen.status).toBe(404);
    expect(stolen.text).not.toContain('Rapportage ontvangen');
  });

  it('the list behind the pages answers only a bureau, with no field that could carry a BSN', async () => {
    for (const person of ['km-jan', 'client-dewi', 'auditor-amsterdam']) {
      const r = await gql(t, person, '{ trajectenVanMijnBureau { trajectId } }');
      expect(r.codes, person).toEqual(['FORBIDDEN']);
    }
    const asked = await gql(t, 'rib-werkfit', '{ trajectenVanMijnBureau { trajectId klantnaam bsn } }');
    expect(asked.codes).toEqual(['BAD_USER_INPUT']);
    expect(JSON.stringify(asked.errors)).toMatch(/Cannot query field \\?"bsn\\?"/);
  });

  it('never shows, links or logs a BSN', async () => {
    // A whole round of its own (ask, consent, report, receipt, history), on top of what the tests before saw.
    const v = await coach();
    const traject = await withConsent(v);
    const sent = await sendReport(v, traject.id);
    for (const path of ['/rib', `/rib/trajecten/${traject.id}`, sent.location!, `/rib/trajecten/${traject.id}/rapportage`]) expect((await v.get(path)).status).toBe(200);
    const everything = seen.join('\n');
    for (const bsn of allBsns()) expect(everything.includes(bsn), `a BSN in a page or address`).toBe(false);
    const logs = logLines.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const bsn of allBsns()) expect(logs.includes(bsn), 'a BSN in the log').toBe(false);
  });
});

describe('a coach who logs in with the bureau’s OpenID Connect provider', () => {
  it('lands on Ons blok with the bureau’s trajectories', async () => {
    // A small provider on loopback that logs in Werkfit's coach (as eHerkenning through a broker would).
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'rib-provider-1', alg: 'ES256', use: 'sig' };
    const nonces = new Map<string, string>();
    const provider = Fastify();
    await provider.register(import('@fastify/formbody'));
    let url = '';
    provider.get('/.well-known/openid-configuration', async () => ({
      issuer: url, authorization_endpoint: `${url}/authorize`, token_endpoint: `${url}/token`, jwks_uri: `${url}/jwks`,
      response_types_supported: ['code'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['ES256'], code_challenge_methods_supported: ['S256'],
    }));
    provider.get('/jwks', async () => ({ keys: [jwk] }));
    provider.get<{ Querystring: Record<string, string> }>('/authorize', async (request, reply) => {
      const code = randomUUID();
      nonces.set(code, request.query.nonce!);
      return reply.redirect(`${request.query.redirect_uri}?code=${code}&state=${encodeURIComponent(request.query.state!)}`, 302);
    });
    provider.post<{ Body: Record<string, string> }>('/token', async (request) => {
      const sign = (claims: Record<string, unknown>, aud: string) =>
        new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: jwk.kid }).setIssuer(url).setAudience(aud).setSubject('eherkenning-rik').setIssuedAt().setExpirationTime('1h').sign(privateKey);
      return {
        access_token: await sign({ role: 'rib', name: 'Rik Hendriks', oin: ORG.werkfit.oin }, 'ketenpoort'),
        id_token: await sign({ nonce: nonces.get(request.body.code!) }, 'pages'),
        token_type: 'Bearer',
      };
    });
    url = (await provider.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
    const database = await createTestDatabase();
    const runtime = await startRuntime(testConfig({ ...database.env, DEV_ISSUER: 'off', OIDC_ISSUER: url, OIDC_JWKS_URL: `${url}/jwks`, OIDC_CLIENT_ID: 'pages', OIDC_PROVIDER_NAME: 'eHerkenning (test)' }), { demo: true, db: database.db });
    try {
      const v = new Visitor(runtime.url);
      const start = await v.get('/inloggen/oidc?terug=%2F');
      const atProvider = await fetch(start.location!, { redirect: 'manual' });
      const back = new URL(atProvider.headers.get('location')!);
      const done = await v.get(`${back.pathname}${back.search}`);
      expect(done.status).toBe(303);
      expect(done.location).toBe('/rib');
      const page = await v.get('/rib');
      expect(page.status).toBe(200);
      expect(page.text).toContain('Ingelogd als <strong>Rik Hendriks</strong>');
      // The demo seed gives Werkfit Fatima's trajectory, with her request waiting.
      expect(page.text).toContain(findDemoPerson('client-fatima')!.name);
      expect(page.text).toContain('Gevraagd');
    } finally {
      await runtime.close();
      await database.drop();
      await provider.close();
    }
  }, 180_000);
});
