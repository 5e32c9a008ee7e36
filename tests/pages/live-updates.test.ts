// Pages that update by themselves (issue 12 point 3), over HTTP as a browser's EventSource sees
// them: GET /live with the page session cookie. Each role hears only what the API would show it,
// each event sent is in the processing log of the client it is about, an event that cannot be
// logged is not sent, and a stream without a session, or whose session ends, ends. Attacks: another
// gemeente's klantmanager, another client, another bureau, a forged client reference, no session,
// an expired session, an auditor.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG } from '../../adapters/population/organisations.js';
import { population } from '../../adapters/population/population.js';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { endOf, gql, REQUEST } from '../consent/helpers.js';
import { consentFor, freshTraject, postRapportage, rapportage, WERKFIT, AANDESLAG } from '../rapportage/helpers.js';
import { scanBenefitChanges } from '../../gateway/signals/benefit-changes.js';
import { Visitor } from './support/http.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { LIVE_SESSION_CHECK_SECONDS: '1' } });
});
afterAll(() => t?.close());

const bsnOf = (id: string) => findDemoPerson(id)!.bsn!;

interface Frame {
  event: string;
  data: any;
}

interface Stream {
  status: number;
  frames: Frame[];
  /** Resolves with the first frame (already here or coming) that matches. */
  next(p: (f: Frame) => boolean): Promise<Frame>;
  /** Resolves when the server ended the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Opens /live as EventSource would: GET, Accept: text/event-stream, the page's cookies. */
async function open(visitor: Visitor | undefined, query = ''): Promise<Stream> {
  const abort = new AbortController();
  const cookie = visitor ? [...visitor.jar].map(([k, v]) => `${k}=${v}`).join('; ') : '';
  const res = await fetch(`${t.url}/live${query}`, { headers: { accept: 'text/event-stream', cookie }, signal: abort.signal });
  const frames: Frame[] = [];
  const waiters: { p: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  const ended = (async () => {
    if (!res.body || !res.headers.get('content-type')?.startsWith('text/event-stream')) return;
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = res.body.getReader();
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        buffer += decoder.decode(r.value, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (!event) continue;
          const f = { event, data: data ? JSON.parse(data) : undefined };
          frames.push(f);
          for (const w of [...waiters]) if (w.p(f)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(f));
        }
      }
    } catch {
      // aborted by the test
    }
  })();
  return {
    status: res.status,
    frames,
    next: (p) => new Promise((resolve) => (frames.find(p) ? resolve(frames.find(p)!) : waiters.push({ p, resolve }))),
    ended,
    close: () => abort.abort(),
  };
}

async function loggedIn(person: string): Promise<Visitor> {
  const v = new Visitor(t.url);
  const res = await v.login(person);
  expect(res.status).toBe(303);
  return v;
}

/** A new trajectory (gemeente, client, bureau) and a consent request on it: one `toestemming` event. */
async function askConsent(gemeenteOin: string, bsn: string, rib: 'rib-werkfit' | 'rib-aandeslag') {
  const traject = await t.db.prisma.traject.create({
    data: {
      gemeenteOin, externalId: `TRJ-LIVE-${randomUUID()}`, subjectBsn: bsn, title: 'Traject live', createdBy: 'test',
      startsOn: new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`), endsOn: new Date(Date.now() + 100 * 864e5),
      blokken: { create: { ribOin: rib === 'rib-werkfit' ? WERKFIT : AANDESLAG, openedBy: 'test' } },
    },
  });
  const asked = await gql(t, rib, REQUEST, { invoer: { trajectId: traject.id, bevoegdheden: ['rapportage:schrijven'], geldigTot: endOf(traject) } });
  expect(asked.errors).toEqual([]);
  return traject.id;
}

const about = (trajectId: string) => (f: Frame) => f.data?.trajectId === trajectId;
/** Rows of the processing log written for live deliveries to one person. */
const deliveredTo = (subject: string) => t.db.prisma.verwerking.count({ where: { actorSubject: subject, name: { startsWith: 'melding ' } } });

describe('GET /live: who hears what', () => {
  it("a klantmanager hears of a new report on their gemeente's client, logged for that client; the browser gets no BSN", async () => {
    const jan = await open(await loggedIn('km-jan'));
    expect(jan.status).toBe(200);
    const traject = await freshTraject(t, bsnOf('client-fatima'), WERKFIT);
    const { token } = await consentFor(t, 'client-fatima', 'rib-werkfit', traject);
    const logged = await t.db.prisma.verwerking.count({ where: { name: 'melding nieuwe rapportage', actorSubject: 'km-jan' } });
    const res = await postRapportage(t, 'rib-werkfit', traject.id, rapportage(traject), { 'consent-token': token });
    expect(res.status).toBe(201);
    const news = await jan.next((f) => f.event === 'rapportage' && about(traject.id)(f));
    expect(news.data).toEqual({ soort: 'rapportage', tekst: 'Nieuwe voortgangsrapportage', trajectId: traject.id });
    expect(JSON.stringify(jan.frames)).not.toContain(bsnOf('client-fatima'));
    expect(await t.db.prisma.verwerking.count({ where: { name: 'melding nieuwe rapportage', actorSubject: 'km-jan' } })).toBe(logged + 1);
    // The client reads it in their own processing log.
    const { data } = await gql<{ mijnVerwerkingen: { tekst: string }[] }>(t, 'client-fatima', '{ mijnVerwerkingen(aantal: 500) { tekst } }');
    expect(data!.mijnVerwerkingen.some((r) => r.tekst.startsWith(`${ORG.amsterdam.name} heeft op `) && r.tekst.includes('bericht gekregen dat er een rapportage over uw traject is'))).toBe(true);
    jan.close();
  });

  it("another gemeente's klantmanager hears nothing of it, and nothing is logged for them", async () => {
    const sanne = await open(await loggedIn('km-sanne'));
    const before = await deliveredTo('km-sanne');
    const amsterdam = await askConsent(ORG.amsterdam.oin, bsnOf('client-dewi'), 'rib-werkfit');
    // Events reach a stream in the order the changes committed: once Leiden's is here, Amsterdam's
    // would have been too.
    const leiden = await askConsent(ORG.leiden.oin, population()[40]!.bsn, 'rib-werkfit');
    await sanne.next(about(leiden));
    expect(sanne.frames.some(about(amsterdam))).toBe(false);
    expect(await deliveredTo('km-sanne')).toBe(before + 1);
    sanne.close();
  });

  it("on one client's page a klantmanager hears of that client only; a forged client reference is refused", async () => {
    const jan = await loggedIn('km-jan');
    const found = await jan.post('/klantmanager/zoeken', { _csrf: await jan.csrfFrom('/klantmanager/zoeken'), bsn: bsnOf('client-dewi') });
    const ref = /\/klantmanager\/klanten\/([^"?]+)"/.exec(found.text)?.[1];
    expect(ref).toBeDefined();
    const dewiPage = await open(jan, `?klant=${ref}`);
    const other = await askConsent(ORG.amsterdam.oin, bsnOf('client-fatima'), 'rib-werkfit');
    const own = await askConsent(ORG.amsterdam.oin, bsnOf('client-dewi'), 'rib-werkfit');
    await dewiPage.next(about(own));
    expect(dewiPage.frames.some(about(other))).toBe(false);
    dewiPage.close();

    const before = await deliveredTo('km-jan');
    const forged = await open(jan, `?klant=${ref!.slice(0, -4)}AAAA`);
    expect(forged.status).toBe(403);
    await askConsent(ORG.amsterdam.oin, bsnOf('client-dewi'), 'rib-werkfit');
    expect(await deliveredTo('km-jan')).toBe(before);

    // Jan's reference in Sanne's hands narrows her stream to that client; it does not open
    // Amsterdam's events to her. She hears of that client's trajectory in Leiden only.
    const sanne = await open(await loggedIn('km-sanne'), `?klant=${ref}`);
    const inAmsterdam = await askConsent(ORG.amsterdam.oin, bsnOf('client-dewi'), 'rib-werkfit');
    const inLeiden = await askConsent(ORG.leiden.oin, bsnOf('client-dewi'), 'rib-werkfit');
    await sanne.next(about(inLeiden));
    expect(sanne.frames.some(about(inAmsterdam))).toBe(false);
    sanne.close();
  });

  it('a client hears of their own consent requests only', async () => {
    const fatima = await open(await loggedIn('client-fatima'));
    const dewi = await open(await loggedIn('client-dewi'));
    const forFatima = await askConsent(ORG.amsterdam.oin, bsnOf('client-fatima'), 'rib-werkfit');
    const forDewi = await askConsent(ORG.amsterdam.oin, bsnOf('client-dewi'), 'rib-aandeslag');
    expect((await fatima.next(about(forFatima))).data.tekst).toBe('Nieuwe vraag om toestemming');
    await dewi.next(about(forDewi));
    expect(fatima.frames.some(about(forDewi))).toBe(false);
    expect(dewi.frames.some(about(forFatima))).toBe(false);
    // The client's own reading is in their log too, worded as theirs.
    const { data } = await gql<{ mijnVerwerkingen: { tekst: string }[] }>(t, 'client-fatima', '{ mijnVerwerkingen(aantal: 500) { tekst } }');
    expect(data!.mijnVerwerkingen.some((r) => r.tekst.startsWith('U heeft op ') && r.tekst.includes('bericht gekregen dat uw toestemming is gevraagd of gewijzigd'))).toBe(true);
    fatima.close();
    dewi.close();
  });

  it("a bureau's coach hears of its own bureau's work only, also on a trajectory two bureaus share", async () => {
    // One trajectory with a block for each bureau; each asks the client's consent for its own.
    const shared = await t.db.prisma.traject.create({
      data: {
        gemeenteOin: ORG.amsterdam.oin, externalId: `TRJ-LIVE-${randomUUID()}`, subjectBsn: bsnOf('client-fatima'), title: 'Gedeeld traject', createdBy: 'test',
        startsOn: new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`), endsOn: new Date(Date.now() + 100 * 864e5),
        blokken: { create: [{ ribOin: WERKFIT, openedBy: 'test' }, { ribOin: AANDESLAG, openedBy: 'test' }] },
      },
    });
    const werkfit = await open(await loggedIn('rib-werkfit'), `?traject=${shared.id}`);
    const aandeslag = await open(await loggedIn('rib-aandeslag'));
    const before = await deliveredTo('rib-werkfit');
    const ask = async (rib: string) => expect((await gql(t, rib, REQUEST, { invoer: { trajectId: shared.id, bevoegdheden: ['rapportage:schrijven'], geldigTot: endOf(shared) } })).errors).toEqual([]);
    await ask('rib-aandeslag');
    await ask('rib-werkfit');
    const later = await askConsent(ORG.amsterdam.oin, bsnOf('client-dewi'), 'rib-aandeslag');
    // Events reach a stream in the order the changes committed.
    await werkfit.next(about(shared.id));
    expect(werkfit.frames.filter(about(shared.id))).toHaveLength(1);
    await aandeslag.next(about(later));
    expect(aandeslag.frames.filter(about(shared.id))).toHaveLength(1);
    expect(await deliveredTo('rib-werkfit')).toBe(before + 1);
    // A RIB never gets a BSN, not even in an event about its own trajectory.
    expect(JSON.stringify([...werkfit.frames, ...aandeslag.frames])).not.toContain(bsnOf('client-fatima'));
    werkfit.close();
    aandeslag.close();
  });

  it("a benefit change reaches the klantmanagers of the client's gemeente only, each delivery logged", async () => {
    const jan = await open(await loggedIn('km-jan'));
    const sanne = await open(await loggedIn('km-sanne'));
    const logged = () => t.db.prisma.verwerking.count({ where: { name: 'melding uitkeringswijziging', actorSubject: { in: ['km-jan', 'km-sanne'] } } });
    const before = await logged();
    // The scan the scheduler runs (SIGNAL_SCAN_INTERVAL_MS), here by hand.
    const scan = await scanBenefitChanges(t.app.services, { uwv: t.runtime.partners.urls.uwv, gemeente: t.runtime.partners.urls.gemeente }, new Date('2020-01-01T00:00:00Z'));
    expect(scan.signals).toBeGreaterThan(0);
    const made = async (oin: string) => t.db.prisma.signalering.count({ where: { organisationOin: oin, kind: { startsWith: 'uitkering-' } } });
    const [amsterdam, leiden] = [await made(ORG.amsterdam.oin), await made(ORG.leiden.oin)];
    expect(amsterdam).toBeGreaterThan(0);
    // Later events, one for each gemeente: once each has arrived, every signal before it has too.
    const [markA, markL] = [await askConsent(ORG.amsterdam.oin, bsnOf('client-dewi'), 'rib-werkfit'), await askConsent(ORG.leiden.oin, population()[40]!.bsn, 'rib-werkfit')];
    await jan.next(about(markA));
    await sanne.next(about(markL));
    const signals = (s: Stream) => s.frames.filter((f) => f.event === 'signalering');
    expect(signals(jan)).toHaveLength(amsterdam);
    expect(signals(sanne)).toHaveLength(leiden);
    for (const f of [...signals(jan), ...signals(sanne)]) expect(['Uitkering beëindigd', 'Uitkering gewijzigd']).toContain(f.data.tekst);
    expect(await logged()).toBe(before + amsterdam + leiden);
    jan.close();
    sanne.close();
  });

  it('an auditor has no live pages; a page asking for what its role cannot hear is refused', async () => {
    const auditor = await open(await loggedIn('auditor-amsterdam'));
    expect(auditor.status).toBe(403);
    const client = await open(await loggedIn('client-fatima'), '?soort=signalering');
    expect(client.status).toBe(403);
    expect(auditor.frames).toEqual([]);
  });
});

describe('GET /live: sessions', () => {
  it('without a session the stream says it ended and sends nothing else', async () => {
    const anonymous = await open(undefined);
    expect(anonymous.status).toBe(200);
    await anonymous.ended;
    expect(anonymous.frames).toEqual([{ event: 'einde', data: { reden: 'niet-ingelogd' } }]);
    const stranger = new Visitor(t.url);
    stranger.jar.set('kp_sessie', 'A'.repeat(43));
    const forged = await open(stranger);
    await forged.ended;
    expect(forged.frames).toEqual([{ event: 'einde', data: { reden: 'niet-ingelogd' } }]);
  });

  it('logging out ends the stream, and the cookie opens no new one', async () => {
    const fatima = await loggedIn('client-fatima');
    const copy = new Visitor(t.url);
    for (const [k, v] of fatima.jar) copy.jar.set(k, v);
    const stream = await open(fatima);
    const csrf = await fatima.csrfFrom('/mijn');
    expect((await fatima.post('/uitloggen', { _csrf: csrf })).status).toBe(303);
    await stream.ended;
    expect(stream.frames.at(-1)).toEqual({ event: 'einde', data: { reden: 'uitgelogd' } });
    const again = await open(copy);
    await again.ended;
    expect(again.frames).toEqual([{ event: 'einde', data: { reden: 'niet-ingelogd' } }]);
  });

  it('a session that ran out ends the stream; nothing is sent or logged after', async () => {
    const jan = await loggedIn('km-jan');
    const stream = await open(jan);
    // As if the token had run out: the session row says so.
    await t.db.prisma.paginaSessie.updateMany({ where: { subject: 'km-jan', endedAt: null }, data: { expiresAt: new Date() } });
    await stream.ended;
    expect(stream.frames.at(-1)).toEqual({ event: 'einde', data: { reden: 'uitgelogd' } });
    const before = await deliveredTo('km-jan');
    await askConsent(ORG.amsterdam.oin, bsnOf('client-dewi'), 'rib-werkfit');
    const after = await open(jan);
    await after.ended;
    expect(after.frames).toEqual([{ event: 'einde', data: { reden: 'niet-ingelogd' } }]);
    expect(await deliveredTo('km-jan')).toBe(before);
  });
});

describe('GET /live: fail closed', () => {
  it('an event that cannot be logged as processing is not sent', async () => {
    const traject = await freshTraject(t, bsnOf('client-dewi'), WERKFIT);
    const { token } = await consentFor(t, 'client-dewi', 'rib-werkfit', traject);
    const report = async () => expect((await postRapportage(t, 'rib-werkfit', traject.id, rapportage(traject), { 'consent-token': token })).status).toBe(201);
    const reports = (n: number) => (f: Frame) => f.event === 'rapportage' && stream.frames.filter((g) => g.event === 'rapportage').length >= n;
    const stream = await open(await loggedIn('client-dewi'));
    // Events reach a stream in the order the changes committed: each report marks a point in it.
    await report();
    await stream.next(reports(1));
    const before = await deliveredTo('client-dewi');
    // The database refuses Dewi's consent news, as a full disk or a lost connection would.
    await t.db.prisma.$executeRawUnsafe(`CREATE FUNCTION kp_live_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`);
    await t.db.prisma.$executeRawUnsafe(`CREATE TRIGGER kp_live_refuse BEFORE INSERT ON verwerking FOR EACH ROW WHEN (NEW.actor_subject = 'client-dewi' AND NEW.name = 'melding toestemming gewijzigd') EXECUTE FUNCTION kp_live_refuse()`);
    let refused: string;
    try {
      refused = await askConsent(ORG.amsterdam.oin, bsnOf('client-dewi'), 'rib-aandeslag');
      await report();
      await stream.next(reports(2));
    } finally {
      await t.db.prisma.$executeRawUnsafe('DROP TRIGGER kp_live_refuse ON verwerking');
      await t.db.prisma.$executeRawUnsafe('DROP FUNCTION kp_live_refuse()');
    }
    expect(stream.frames.some(about(refused))).toBe(false);
    // Only the report's delivery was logged (and sent).
    expect(await deliveredTo('client-dewi')).toBe(before + 1);
    stream.close();
  });
});
