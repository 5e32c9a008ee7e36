// Opening a report's PDF, through HTTP as each person would: the RIB its own block's file (with its
// consent token), the client and the klantmanager of the client's gemeente the files a report names
// (REST and their pages). Each opening: the exact bytes as application/pdf, a download with a safe
// file name, nosniff, one processing-log row for the client and a decision-log permit. Each refusal
// (another gemeente, another client, another bureau, a revoked consent, a file changed in the
// database): its code, nothing of the file, no processing-log row, a denial on record.
import { createHash, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG } from '../../adapters/population/organisations.js';
import { population } from '../../adapters/population/population.js';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { asciiFileName, contentDisposition } from '../../gateway/rapportage/pdf-answer.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { Visitor } from '../pages/support/http.js';
import { REVOKE } from '../consent/helpers.js';
import { consentFor, freshTraject, gql, newTrace, pdf, postRapportage, rapportage, WERKFIT } from './helpers.js';

let t: TestApp;
const errors: Record<string, unknown>[] = [];
const FILE_NAME = 'Voortgang "juni"; één|twee.pdf';

interface Setup {
  traject: Awaited<ReturnType<typeof freshTraject>>;
  token: string;
  consentId: string;
  named: { id: string; content: Buffer };
  unnamed: { id: string; content: Buffer };
}

/** A trajectory of Fatima's at Werkfit with consent, one PDF named in a report and one not. */
async function setup(): Promise<Setup> {
  const traject = await freshTraject(t, findDemoPerson('client-fatima')!.bsn!, WERKFIT);
  const c = await consentFor(t, 'client-fatima', 'rib-werkfit', traject);
  const upload = async (content: Buffer, name: string) => {
    const res = await fetch(`${t.url}/rib/v1/trajecten/${traject.id}/bijlagen?bestandsnaam=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/pdf', authorization: `Bearer ${await t.token('rib-werkfit')}`, 'consent-token': c.token, 'idempotency-key': randomUUID() },
      body: new Uint8Array(content),
    });
    expect(res.status).toBe(201);
    return { id: ((await res.json()) as { bijlageId: string }).bijlageId, content };
  };
  const named = await upload(pdf(`verslag ${randomUUID()}`), FILE_NAME);
  const unnamed = await upload(pdf(`concept ${randomUUID()}`), 'concept.pdf');
  const report = await postRapportage(t, 'rib-werkfit', traject.id, rapportage(traject, { bijlagen: [named.id] }), { 'consent-token': c.token });
  expect(report.status).toBe(201);
  return { traject, ...c, named, unnamed };
}

let s: Setup;
beforeAll(async () => {
  const logDestination = new Writable({
    write(chunk, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l.startsWith('{')) errors.push(JSON.parse(l));
      done();
    },
  });
  t = await startTestApp({ env: { LOG_LEVEL: 'error' }, logDestination });
  s = await setup();
});
afterAll(() => t?.close());

async function get(person: string, path: string, headers: Record<string, string> = {}) {
  const trace = newTrace();
  const res = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${await t.token(person)}`, traceparent: trace.traceparent, ...headers } });
  const body = Buffer.from(await res.arrayBuffer());
  const [processing, decisions] = await Promise.all([
    t.db.prisma.verwerking.findMany({ where: { traceId: trace.traceId } }),
    t.db.prisma.besluit.findMany({ where: { traceId: trace.traceId }, orderBy: { id: 'asc' } }),
  ]);
  return { status: res.status, headers: res.headers, body, processing, decisions };
}

const ribPath = (id: string, trajectId = s.traject.id) => `/rib/v1/trajecten/${trajectId}/bijlagen/${id}`;

function expectPdf(r: Awaited<ReturnType<typeof get>>, content: Buffer, role: string) {
  expect(r.status).toBe(200);
  expect(r.body.equals(content)).toBe(true);
  expect(r.headers.get('content-type')).toBe('application/pdf');
  expect(r.headers.get('content-disposition')).toBe(`attachment; filename="Voortgang _juni_ een_twee.pdf"; filename*=UTF-8''Voortgang%20%22juni%22%3B%20%C3%A9%C3%A9n%7Ctwee.pdf`);
  expect(r.headers.get('x-content-type-options')).toBe('nosniff');
  expect(r.headers.get('cache-control')).toBe('no-store');
  expect(r.processing).toHaveLength(1);
  expect(r.processing[0]).toMatchObject({ name: 'bijlage geopend', actorRole: role, operation: 'read', fields: ['bijlage'] });
  expect(r.processing[0]!.processingActivityId).toBe('https://ketenpoort.nl/verwerkingen/rapportage-inzien');
  expect(r.decisions.map((d) => d.decision)).toEqual(['permit']);
}

/** A refusal: the code, problem+json with no byte of the file, no processing-log row, a denial. */
function expectRefused(r: Awaited<ReturnType<typeof get>>, status: number, code: string, content = s.named.content) {
  expect(r.status).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(r.body.toString()).code).toBe(code);
  expect(r.body.includes(content.subarray(0, 40))).toBe(false);
  expect(r.processing).toEqual([]);
}

describe('opening an attachment', () => {
  it('gives the RIB its own file, with its consent token', async () => {
    const r = await get('rib-werkfit', ribPath(s.named.id), { 'consent-token': s.token });
    expectPdf(r, s.named.content, 'rib');
    expect(r.headers.get('repr-digest')).toBe(`sha-256=:${createHash('sha256').update(s.named.content).digest('base64')}:`);
    // The RIB's own uploads, named in a report or not.
    expect((await get('rib-werkfit', ribPath(s.unnamed.id), { 'consent-token': s.token })).status).toBe(200);
  });

  it('gives the client the files of reports about them', async () => {
    expectPdf(await get('client-fatima', `/bijlagen/${s.named.id}`), s.named.content, 'client');
  });

  it('gives the klantmanager of the client\'s gemeente the files, with the caseload rule on record', async () => {
    const r = await get('km-jan', `/bijlagen/${s.named.id}`);
    expectPdf(r, s.named.content, 'klantmanager');
    expect(r.decisions.map((d) => [d.action, d.reason])).toEqual([['bijlage:lezen', 'on-caseload']]);
  });

  it('opens from the pages of the client and the klantmanager, linked from the report', async () => {
    for (const [person, list, base] of [['client-fatima', '/mijn/rapportages', '/mijn/bijlagen'], ['km-jan', '/klantmanager', '/klantmanager/bijlagen']] as const) {
      const v = new Visitor(t.url);
      await v.login(person);
      if (person === 'client-fatima') {
        const page = await v.get(list);
        const report = /href="(\/mijn\/rapportages\/[0-9a-f-]{36})"/.exec(page.text)![1]!;
        expect((await v.get(report)).text).toContain(`href="${base}/${s.named.id}"`);
      }
      const before = await t.db.prisma.verwerking.count({ where: { name: 'bijlage geopend' } });
      const file = await v.get(`${base}/${s.named.id}`);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('application/pdf');
      expect(file.headers.get('content-disposition')).toBe(contentDisposition(FILE_NAME));
      expect(file.headers.get('x-content-type-options')).toBe('nosniff');
      expect(file.text).toBe(s.named.content.toString());
      expect(await t.db.prisma.verwerking.count({ where: { name: 'bijlage geopend' } })).toBe(before + 1);
      // Someone else's file: a page in Dutch, no file.
      const other = await v.get(`${base}/${randomUUID()}`);
      expect(other.status).toBe(403);
      expect(other.headers.get('content-type')).toMatch(/^text\/html/);
      expect(other.text).toContain('U mag dit bestand niet openen');
    }
  });
});

describe('refusals', () => {
  it('refuses a klantmanager of another gemeente', async () => {
    const r = await get('km-sanne', `/bijlagen/${s.named.id}`);
    expectRefused(r, 403, 'FORBIDDEN');
    expect(r.decisions.map((d) => [d.decision, d.reason])).toEqual([['deny', 'not-own-gemeente']]);
  });

  it('refuses a klantmanager of the gemeente once the client is off the caseload', async () => {
    // An Amsterdam trajectory of a client the gemeente now places in Leiden's caseload.
    const moved = population().find((c) => c.gemeenteOin === ORG.leiden.oin)!;
    const traject = await freshTraject(t, moved.bsn, WERKFIT);
    const blokId = (await t.db.prisma.rapportageBlok.findFirstOrThrow({ where: { trajectId: traject.id } })).id;
    // Written before the move (rows as the store writes them; the chain is not what this tests).
    const content = pdf('verhuisd');
    const sha = createHash('sha256').update(content).digest('hex');
    const bijlage = await t.db.prisma.bijlage.create({
      data: { blokId, fileName: 'a.pdf', contentType: 'application/pdf', size: content.length, sha256: sha, content: new Uint8Array(content), idempotencyKey: randomUUID(), consentId: s.consentId, authorSubject: 'test' },
    });
    await t.db.prisma.rapportage.create({
      data: {
        blokId, sequence: 1, soort: 'voortgangsrapportage', periodStart: traject.startsOn, periodEnd: traject.startsOn, hash: 'a'.repeat(64), idempotencyKey: randomUUID(),
        requestHash: 'b'.repeat(64), consentId: s.consentId, authorSubject: 'test',
        body: { doelen: [], bijlagen: [{ id: bijlage.id, sha256: sha, bestandsnaam: 'a.pdf', grootte: content.length }] },
      },
    });
    const r = await get('km-jan', `/bijlagen/${bijlage.id}`);
    expectRefused(r, 403, 'FORBIDDEN', content);
    expect(r.decisions.map((d) => [d.decision, d.action, d.reason])).toEqual([['deny', 'bijlage:lezen', 'not-on-caseload']]);
  });

  it('refuses another client, and the same way a file that does not exist', async () => {
    const other = await get('client-dewi', `/bijlagen/${s.named.id}`);
    expectRefused(other, 403, 'FORBIDDEN');
    expect(other.decisions.map((d) => [d.decision, d.reason])).toEqual([['deny', 'not-own-data']]);
    const none = await get('client-fatima', `/bijlagen/${randomUUID()}`);
    expectRefused(none, 403, 'FORBIDDEN');
    expect(JSON.parse(none.body.toString()).detail).toBe(JSON.parse(other.body.toString()).detail);
  });

  it('refuses the client and the klantmanager a file no report names (the bureau\'s own upload)', async () => {
    for (const person of ['client-fatima', 'km-jan']) {
      const r = await get(person, `/bijlagen/${s.unnamed.id}`);
      expectRefused(r, 403, 'FORBIDDEN', s.unnamed.content);
      expect(r.decisions.map((d) => d.reason)).toEqual(['bijlage-not-in-rapportage']);
    }
  });

  it('refuses another bureau, with or without the consent token, and a RIB on the client\'s route', async () => {
    const stolen = await get('rib-aandeslag', ribPath(s.named.id), { 'consent-token': s.token });
    expectRefused(stolen, 403, 'FORBIDDEN');
    expect(stolen.decisions.map((d) => [d.decision, d.reason])).toEqual([['deny', 'not-grantee']]);
    expectRefused(await get('rib-aandeslag', ribPath(s.named.id)), 403, 'CONSENT_REQUIRED');
    const direct = await get('rib-werkfit', `/bijlagen/${s.named.id}`);
    expectRefused(direct, 403, 'FORBIDDEN');
    expect(direct.decisions.map((d) => d.reason)).toEqual(['role-not-allowed']);
  });

  it('refuses a file of another block with a valid consent for this trajectory', async () => {
    const elsewhere = await setup();
    const r = await get('rib-werkfit', ribPath(elsewhere.named.id), { 'consent-token': s.token });
    expectRefused(r, 403, 'FORBIDDEN', elsewhere.named.content);
    expect(r.decisions.map((d) => [d.decision, d.reason])).toEqual([['permit', 'consent-active'], ['deny', 'bijlage-not-in-blok']]);
  });

  it('refuses the RIB once the client revoked the consent', async () => {
    const own = await setup();
    expect((await gql(t, 'client-fatima', REVOKE, { id: own.consentId })).data).not.toBeNull();
    const r = await get('rib-werkfit', ribPath(own.named.id, own.traject.id), { 'consent-token': own.token });
    expectRefused(r, 403, 'CONSENT_REVOKED', own.named.content);
    expect(r.decisions.map((d) => d.decision)).toEqual(['deny']);
  });

  it('sends nothing when the stored file no longer matches its SHA-256, and logs an error', async () => {
    const own = await setup();
    // Someone with database access changes the file (the table refuses updates, so they lift that first).
    const tampered = pdf('vervalst');
    await t.db.prisma.$executeRawUnsafe('ALTER TABLE bijlage DISABLE TRIGGER bijlage_append_only');
    try {
      await t.db.prisma.$executeRaw`UPDATE bijlage SET content = ${new Uint8Array(tampered)} WHERE id = ${own.named.id}::uuid`;
    } finally {
      await t.db.prisma.$executeRawUnsafe('ALTER TABLE bijlage ENABLE TRIGGER bijlage_append_only');
    }
    for (const [person, path, headers] of [
      ['rib-werkfit', ribPath(own.named.id, own.traject.id), { 'consent-token': own.token }],
      ['client-fatima', `/bijlagen/${own.named.id}`, {}],
      ['km-jan', `/bijlagen/${own.named.id}`, {}],
    ] as const) {
      const r = await get(person, path, headers);
      expectRefused(r, 409, 'INTEGRITY_FAILED', tampered);
      expect(r.body.includes(own.named.content.subarray(0, 40))).toBe(false);
    }
    const logged = errors.filter((l) => l.msg === 'attachment content does not match its stored SHA-256; not sent' && l.bijlageId === own.named.id);
    expect(logged).toHaveLength(3);
    expect(logged.every((l) => l.level === 50)).toBe(true);
  });
});

describe('the file name', () => {
  it('keeps the header safe whatever the bureau called the file', () => {
    expect(asciiFileName('verslag.pdf')).toBe('verslag.pdf');
    expect(asciiFileName('rapport "mei"; x=1')).toBe('rapport _mei_ x_1.pdf');
    expect(asciiFileName('..')).toBe('bijlage.pdf');
    expect(asciiFileName('日本語.pdf')).toBe('bijlage.pdf');
    expect(contentDisposition("a'b (c)*.pdf")).toBe(`attachment; filename="a_b (c)_.pdf"; filename*=UTF-8''a%27b%20%28c%29%2A.pdf`);
  });
});
