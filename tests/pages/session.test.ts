// The pages' session, CSRF and draft rules over plain HTTP (no browser needed): the cookie holds
// only a random id, the session itself lives on the server (so logging out ends every copy of the
// cookie, and an idle session runs out), every POST needs the form's CSRF token, and a session that
// ran out keeps what the person typed for that same person only.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { SESSION_POLICY, sessionCookie } from '../../gateway/pages/shared/session.js';
import { startTestApp, testConfig, type TestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { graphAs } from './support/rib.js';
import { Visitor } from './support/http.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const hashOf = (id: string) => createHash('sha256').update(id).digest('hex');

/** The server's row behind a visitor's session cookie. */
function sessionRow(app: TestApp, cookie: string | undefined) {
  return app.db.prisma.paginaSessie.findUniqueOrThrow({ where: { idHash: hashOf(cookie!) } });
}

/** Makes a visitor's session run out as time would: its last use `minutes` ago. */
async function idleFor(app: TestApp, v: Visitor, minutes: number) {
  const at = new Date(Date.now() - minutes * 60_000);
  await app.db.prisma.paginaSessie.update({ where: { idHash: hashOf(v.cookie('kp_sessie')!) }, data: { lastSeenAt: at, createdAt: at } });
}

/** A visitor whose session (as `personId`) ran out: idle for longer than PAGES_IDLE_MINUTES. */
async function expiredVisitor(personId: string): Promise<{ v: Visitor; csrf: string }> {
  const v = new Visitor(t.url);
  await v.login(personId);
  const csrf = await v.csrfFrom('/inloggen');
  await idleFor(t, v, t.config.PAGES_IDLE_MINUTES + 1);
  return { v, csrf };
}

/** The refusals of ended sessions in the decision log for `subject` on `path`. */
function refusals(app: TestApp, subject: string, path: string) {
  return app.db.prisma.besluit.findMany({ where: { policyId: SESSION_POLICY.id, actorSubject: subject, resource: `pagina:${path}` } });
}

/** Everything a page could have changed: consent, its events, the processing log, sessions. */
async function writes(app: TestApp) {
  const p = app.db.prisma;
  const [consents, events, verwerkingen, requests, sessions] = await Promise.all([
    p.consent.count(),
    p.consentEvent.count(),
    p.verwerking.count(),
    p.consentRequest.findMany({ select: { id: true, status: true }, orderBy: { id: 'asc' } }),
    p.paginaSessie.count(),
  ]);
  return { consents, events, verwerkingen, requests, sessions };
}

async function pendingRequestId(app: TestApp = t): Promise<string> {
  const { data } = await graphAs<{ mijnToestemmingsverzoeken: { id: string; status: string }[] }>(app, 'client-fatima', '{ mijnToestemmingsverzoeken { id status } }');
  const pending = data!.mijnToestemmingsverzoeken.find((r) => r.status === 'openstaand');
  expect(pending, 'the demo seed leaves a request waiting for client-fatima').toBeDefined();
  return pending!.id;
}

describe('logging in to the pages', () => {
  it('shows a Dutch demo login with the security headers, listing a person of every role that has pages', async () => {
    const page = await new Visitor(t.url).get('/inloggen');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="nl"');
    expect(page.text).toContain('Fatima el Amrani');
    expect(page.text).toContain('Jan Kok');
    // Every role has pages now (issue 12): the bureau's coach and the auditor are on the list too.
    expect(page.text).toContain(findDemoPerson('rib-werkfit')!.name);
    expect(page.text).toContain(findDemoPerson('auditor-amsterdam')!.name);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  it('keeps only a random id in an HttpOnly, SameSite=Lax cookie; the token stays on the server, sealed', async () => {
    const v = new Visitor(t.url);
    const res = await v.login('client-fatima');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/mijn');
    const cookie = res.setCookies.find((c) => c.startsWith('kp_sessie='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    // 256 random bits and nothing else: no JWT (eyJ...), no BSN.
    expect(v.cookie('kp_sessie')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The server keeps the id's hash, and the token and BSN only sealed.
    const row = await sessionRow(t, v.cookie('kp_sessie'));
    expect(row).toMatchObject({ subject: 'client-fatima', role: 'client', organisationOin: null, endedAt: null });
    expect(row.sealed).not.toContain('eyJ');
    expect(row.sealed).not.toContain(findDemoPerson('client-fatima')!.bsn!);
    expect(await t.db.prisma.paginaSessie.count({ where: { idHash: v.cookie('kp_sessie')! } })).toBe(0);
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
    const { v, csrf } = await expiredVisitor('client-fatima');
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
    const { v, csrf } = await expiredVisitor('km-jan');
    const posted = await v.post('/klantmanager/zoeken', { _csrf: csrf, naam: 'Amrani' });
    expect(posted.status).toBe(303);
    await v.login('km-sanne', '/klantmanager/zoeken');
    const form = await v.get('/klantmanager/zoeken');
    expect(form.status).toBe(200);
    expect(form.text).not.toContain('value="Amrani"');
  });

  it('gives the klantmanager their own search back after logging in again', async () => {
    const { v, csrf } = await expiredVisitor('km-jan');
    await v.post('/klantmanager/zoeken', { _csrf: csrf, naam: 'Amrani' });
    await v.login('km-jan', '/klantmanager/zoeken');
    expect((await v.get('/klantmanager/zoeken')).text).toContain('value="Amrani"');
  });
});

describe('logging out ends the session on the server', () => {
  it('refuses a copy of the cookie after logout: to the login page, nothing changed, the refusal in the decision log', async () => {
    const id = await pendingRequestId();
    const victim = new Visitor(t.url);
    await victim.login('client-fatima');
    const copy = victim.cookie('kp_sessie')!;
    // Someone copied the cookie (a shared computer, a proxy log) and has a form token of their own.
    const attacker = new Visitor(t.url);
    attacker.jar.set('kp_sessie', copy);
    expect((await attacker.get('/mijn/toestemmingen')).status).toBe(200);
    const attackerCsrf = await attacker.csrfFrom('/mijn/toestemmingen');

    const out = await victim.post('/uitloggen', { _csrf: await victim.csrfFrom('/mijn') });
    expect(out.location).toBe('/inloggen?uitgelogd=1');
    expect(victim.cookie('kp_sessie')).toBeUndefined();
    const ended = await sessionRow(t, copy);
    expect(ended.endedAt).not.toBeNull();
    expect(ended.endReason).toBe('uitgelogd');

    const approve = `/mijn/verzoeken/${id}/goedkeuren`;
    const before = await writes(t);
    const [getsBefore, postsBefore] = [(await refusals(t, 'client-fatima', '/mijn/toestemmingen')).length, (await refusals(t, 'client-fatima', approve)).length];

    const page = await attacker.get('/mijn/toestemmingen');
    expect(page.status).toBe(303);
    // Not "your session ran out, log in again as Fatima": an ended session is nobody's any more.
    expect(page.location).toBe('/inloggen?terug=%2Fmijn%2Ftoestemmingen');
    expect(page.text).not.toContain('Werkfit');
    expect(attacker.cookie('kp_sessie')).toBeUndefined();

    attacker.jar.set('kp_sessie', copy);
    const post = await attacker.post(approve, { _csrf: attackerCsrf });
    expect(post.status).toBe(303);
    expect(post.location).toMatch(/^\/inloggen\?/);

    expect(await writes(t)).toEqual(before);
    expect((await sessionRow(t, copy)).lastSeenAt).toEqual(ended.lastSeenAt);
    const gets = await refusals(t, 'client-fatima', '/mijn/toestemmingen');
    const posts = await refusals(t, 'client-fatima', approve);
    expect(gets).toHaveLength(getsBefore + 1);
    expect(posts).toHaveLength(postsBefore + 1);
    expect(gets.at(-1)).toMatchObject({ decision: 'deny', reason: 'session-ended', action: 'pages:GET', actorRole: 'client', policyVersion: SESSION_POLICY.version });
    expect(posts.at(-1)).toMatchObject({ decision: 'deny', reason: 'session-ended', action: 'pages:POST', actorRole: 'client' });
    expect(posts.at(-1)!.information).toMatchObject({ endReason: 'uitgelogd' });
    expect(await pendingRequestId()).toBe(id);
  });

  it('ends the session a browser had when someone logs in again on it, with a new id', async () => {
    const v = new Visitor(t.url);
    await v.login('client-fatima');
    const first = v.cookie('kp_sessie')!;
    await v.login('km-jan');
    const second = v.cookie('kp_sessie')!;
    expect(second).not.toBe(first);
    expect(await sessionRow(t, first)).toMatchObject({ endReason: 'opnieuw-ingelogd' });
    const copy = new Visitor(t.url);
    copy.jar.set('kp_sessie', first);
    expect((await copy.get('/mijn')).status).toBe(303);
    expect((await v.get('/klantmanager')).status).toBe(200);
  });

  it('refuses a klantmanager’s copied cookie after logout, with the organisation in the refusal', async () => {
    const v = new Visitor(t.url);
    await v.login('km-jan');
    const copy = v.cookie('kp_sessie')!;
    await v.post('/uitloggen', { _csrf: await v.csrfFrom('/klantmanager') });
    const attacker = new Visitor(t.url);
    attacker.jar.set('kp_sessie', copy);
    const before = (await refusals(t, 'km-jan', '/klantmanager')).length;
    const res = await attacker.get('/klantmanager');
    expect(res.status).toBe(303);
    const after = await refusals(t, 'km-jan', '/klantmanager');
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)).toMatchObject({ actorRole: 'klantmanager', actorOin: findDemoPerson('km-jan')!.oin });
  });
});

describe('a session left idle', () => {
  it('runs out after PAGES_IDLE_MINUTES: the next page asks to log in again and a change is not made', async () => {
    const id = await pendingRequestId();
    const v = new Visitor(t.url);
    await v.login('client-fatima');
    const path = `/mijn/verzoeken/${id}/goedkeuren`;
    const csrf = await v.csrfFrom(path);
    await idleFor(t, v, t.config.PAGES_IDLE_MINUTES + 1);
    const idle = await sessionRow(t, v.cookie('kp_sessie'));
    const before = await writes(t);

    const post = await v.post(path, { _csrf: csrf });
    expect(post.status).toBe(303);
    expect(post.location).toBe(`/inloggen?terug=${encodeURIComponent(path)}&verlopen=1`);
    const page = await v.get('/mijn');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/inloggen?terug=%2Fmijn&verlopen=1');

    expect(await writes(t)).toEqual(before);
    // Still idle: a refused request does not count as use.
    expect((await sessionRow(t, v.cookie('kp_sessie'))).lastSeenAt).toEqual(idle.lastSeenAt);
    expect(await pendingRequestId()).toBe(id);
  });

  it('stays alive while it is used, and writes its last use at most once a minute', async () => {
    const v = new Visitor(t.url);
    await v.login('client-fatima');
    await idleFor(t, v, t.config.PAGES_IDLE_MINUTES - 2);
    expect((await v.get('/mijn/toestemmingen')).status).toBe(200);
    const touched = (await sessionRow(t, v.cookie('kp_sessie'))).lastSeenAt;
    expect(Date.now() - touched.getTime()).toBeLessThan(30_000);
    expect((await v.get('/mijn/toestemmingen')).status).toBe(200);
    expect((await sessionRow(t, v.cookie('kp_sessie'))).lastSeenAt).toEqual(touched);
  });

  it('ends with its token, however busy it is', async () => {
    const v = new Visitor(t.url);
    await v.login('client-fatima');
    await t.db.prisma.paginaSessie.update({ where: { idHash: hashOf(v.cookie('kp_sessie')!) }, data: { expiresAt: new Date(Date.now() + 30_000) } });
    const page = await v.get('/mijn');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/inloggen?terug=%2Fmijn&verlopen=1');
  });

  it('takes PAGES_IDLE_MINUTES from the validated configuration', () => {
    expect(testConfig().PAGES_IDLE_MINUTES).toBe(15);
    expect(testConfig({ PAGES_IDLE_MINUTES: '5' }).PAGES_IDLE_MINUTES).toBe(5);
    for (const bad of ['0', '721', '1.5', 'kwartier']) expect(() => testConfig({ PAGES_IDLE_MINUTES: bad })).toThrow(/^PAGES_IDLE_MINUTES: /);
  });
});

describe('two gateway instances on one database', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    database = await createTestDatabase();
    a = await startTestApp({ database });
    b = await startTestApp({ database });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await database?.drop();
  });

  it('a logout on one ends the session on the other at its very next request, and a change posted there is not made', async () => {
    const id = await pendingRequestId(a);
    // One browser behind a load balancer: the same cookies reach A and B.
    const onA = new Visitor(a.url);
    await onA.login('client-fatima');
    const onB = new Visitor(b.url);
    for (const [k, v] of onA.jar) onB.jar.set(k, v);
    const path = `/mijn/verzoeken/${id}/goedkeuren`;
    expect((await onB.get(path)).status).toBe(200);
    const csrf = await onB.csrfFrom(path);
    const copy = onB.cookie('kp_sessie')!;

    await onA.post('/uitloggen', { _csrf: await onA.csrfFrom('/mijn') });
    const before = await writes(b);
    const refusedBefore = (await refusals(b, 'client-fatima', path)).length;

    const post = await onB.post(path, { _csrf: csrf });
    expect(post.status).toBe(303);
    expect(post.location).toMatch(/^\/inloggen\?/);
    expect(await writes(b)).toEqual(before);
    expect(await refusals(b, 'client-fatima', path)).toHaveLength(refusedBefore + 1);
    onB.jar.set('kp_sessie', copy);
    expect((await onB.get('/mijn')).status).toBe(303);
    expect(await pendingRequestId(b)).toBe(id);
  });
});
