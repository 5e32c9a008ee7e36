// The pages' session, CSRF and draft rules over plain HTTP (no browser needed): the token stays
// sealed in an HttpOnly cookie, every POST needs the form's CSRF token, and a session that ran out
// keeps what the person typed for that same person only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { createSealer, pagesKey } from '../../gateway/pages/shared/seal.js';
import { sessionCookie, sessionFromToken } from '../../gateway/pages/shared/session.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { graphAs } from './support/rib.js';
import { Visitor } from './support/http.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

/** A session cookie for `personId` whose token ran out a minute ago. */
async function expiredSessionCookie(personId: string): Promise<string> {
  const session = sessionFromToken(await t.token(personId))!;
  return createSealer(pagesKey(t.config)).seal('sessie', { ...session, expiresAt: Date.now() - 60_000 });
}

async function pendingRequestId(): Promise<string> {
  const { data } = await graphAs<{ mijnToestemmingsverzoeken: { id: string; status: string }[] }>(t, 'client-fatima', '{ mijnToestemmingsverzoeken { id status } }');
  const pending = data!.mijnToestemmingsverzoeken.find((r) => r.status === 'openstaand');
  expect(pending, 'the demo seed leaves a request waiting for client-fatima').toBeDefined();
  return pending!.id;
}

describe('logging in to the pages', () => {
  it('shows a Dutch demo login with the security headers, listing clients and klantmanagers only', async () => {
    const page = await new Visitor(t.url).get('/inloggen');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="nl"');
    expect(page.text).toContain('Fatima el Amrani');
    expect(page.text).toContain('Jan Kok');
    expect(page.text).not.toContain(findDemoPerson('rib-werkfit')!.name);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  it('keeps the bearer token sealed in an HttpOnly, SameSite=Lax cookie', async () => {
    const v = new Visitor(t.url);
    const res = await v.login('client-fatima');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/mijn');
    const cookie = res.setCookies.find((c) => c.startsWith('kp_sessie='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    // Sealed: no JWT (eyJ...) and no BSN readable in it.
    expect(cookie).not.toContain('eyJ');
    expect(cookie).not.toContain(findDemoPerson('client-fatima')!.bsn!);
    const page = await v.get('/mijn/toestemmingen');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Werkfit');
  });

  it('marks the cookies Secure with the __Host- prefix when the public URL is https', () => {
    expect(sessionCookie('https://ketenpoort.example.nl')).toEqual({ name: '__Host-kp_sessie', secure: true });
    expect(sessionCookie('http://127.0.0.1:4000')).toEqual({ name: 'kp_sessie', secure: false });
  });

  it('refuses a login POST without the form CSRF token and starts no session', async () => {
    const v = new Visitor(t.url);
    await v.get('/inloggen');
    const res = await v.post('/inloggen', { persoon: 'client-fatima' });
    expect(res.status).toBe(403);
    expect(res.setCookies.some((c) => c.startsWith('kp_sessie='))).toBe(false);
  });

  it('refuses a change posted with a token from another browser', async () => {
    const victim = new Visitor(t.url);
    await victim.login('client-fatima');
    const attacker = new Visitor(t.url);
    const foreignToken = await attacker.csrfFrom('/inloggen');
    const id = await pendingRequestId();
    const res = await victim.post(`/mijn/verzoeken/${id}/goedkeuren`, { _csrf: foreignToken });
    expect(res.status).toBe(403);
    expect(await pendingRequestId()).toBe(id);
  });

  it('sends a visitor without a session to the login page, and a client away from klantmanager pages', async () => {
    const anonymous = await new Visitor(t.url).get('/mijn/toestemmingen');
    expect(anonymous.status).toBe(303);
    expect(anonymous.location).toBe('/inloggen?terug=%2Fmijn%2Ftoestemmingen');
    const client = new Visitor(t.url);
    await client.login('client-fatima');
    const res = await client.get('/klantmanager');
    expect(res.status).toBe(403);
    expect(res.text).toContain('Deze pagina is niet voor u');
  });

  it('does not return to another site after login', async () => {
    const res = await new Visitor(t.url).login('client-fatima', '//evil.example/steal');
    expect(res.location).toBe('/mijn');
  });

  it('logs out on a POST with the CSRF token', async () => {
    const v = new Visitor(t.url);
    await v.login('client-fatima');
    const csrf = await v.csrfFrom('/mijn/toestemmingen');
    const res = await v.post('/uitloggen', { _csrf: csrf });
    expect(res.location).toBe('/inloggen?uitgelogd=1');
    expect(v.cookie('kp_sessie')).toBeUndefined();
    expect((await v.get('/mijn')).status).toBe(303);
  });
});

describe('a session that runs out while the person is typing', () => {
  it('keeps the text, asks to log in again, shows it back on the same form and changes nothing', async () => {
    const id = await pendingRequestId();
    const v = new Visitor(t.url);
    const csrf = await v.csrfFrom('/inloggen');
    v.jar.set('kp_sessie', await expiredSessionCookie('client-fatima'));
    const path = `/mijn/verzoeken/${id}/afwijzen`;
    const typed = 'Ik wil eerst met mijn klantmanager <praten> & dan kiezen';

    const posted = await v.post(path, { _csrf: csrf, reden: typed });
    expect(posted.status).toBe(303);
    expect(posted.location).toBe(`/inloggen?terug=${encodeURIComponent(path)}&verlopen=1`);

    const login = await v.get(posted.location!);
    expect(login.text).toContain('Log opnieuw in als Fatima el Amrani');
    expect(login.text).toContain('Wat u had ingevuld is bewaard');

    const back = await v.login('client-fatima', path);
    expect(back.location).toBe(path);
    const form = await v.get(path);
    expect(form.text).toContain('Ik wil eerst met mijn klantmanager &lt;praten&gt; &amp; dan kiezen');
    expect(form.text).toContain('U was uitgelogd');
    // Nothing was done on the person's behalf: the request still waits for an answer.
    expect(await pendingRequestId()).toBe(id);
    // Shown once: the draft is gone after it was given back.
    expect((await v.get(path)).text).not.toContain('&lt;praten&gt;');
  });

  it('never shows one person’s draft to someone else who logs in on the same browser', async () => {
    const v = new Visitor(t.url);
    const csrf = await v.csrfFrom('/inloggen');
    v.jar.set('kp_sessie', await expiredSessionCookie('km-jan'));
    const posted = await v.post('/klantmanager/zoeken', { _csrf: csrf, naam: 'Amrani' });
    expect(posted.status).toBe(303);
    await v.login('km-sanne', '/klantmanager/zoeken');
    const form = await v.get('/klantmanager/zoeken');
    expect(form.status).toBe(200);
    expect(form.text).not.toContain('value="Amrani"');
  });

  it('gives the klantmanager their own search back after logging in again', async () => {
    const v = new Visitor(t.url);
    const csrf = await v.csrfFrom('/inloggen');
    v.jar.set('kp_sessie', await expiredSessionCookie('km-jan'));
    await v.post('/klantmanager/zoeken', { _csrf: csrf, naam: 'Amrani' });
    await v.login('km-jan', '/klantmanager/zoeken');
    expect((await v.get('/klantmanager/zoeken')).text).toContain('value="Amrani"');
  });
});
