// PDF attachments: checked by content, stored with their SHA-256, idempotent, size-limited, and
// named with their hash in the report that refers to them.
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPdf, MAX_PDF_BYTES } from '../../gateway/rapportage/attachments.js';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { consentFor, freshTraject, WERKFIT, pdf, postBijlage, postRapportage, rapportage, stored } from './helpers.js';

let t: TestApp;
let consent: { traject: Awaited<ReturnType<typeof freshTraject>>; token: string; consentId: string };
beforeAll(async () => {
  t = await startTestApp();
  // A trajectory of its own, so demo consents and requests on the seeded one do not interfere.
  const traject = await freshTraject(t, findDemoPerson('client-fatima')!.bsn!, WERKFIT);
  consent = { traject, ...(await consentFor(t, 'client-fatima', 'rib-werkfit', traject)) };
});
afterAll(() => t?.close());

describe('attachments', () => {
  it('stores a PDF with its SHA-256 and lets a report refer to it', async () => {
    const file = pdf('verslag mei');
    const res = await postBijlage(t, 'rib-werkfit', consent.traject.id, file, { 'consent-token': consent.token });
    expect(res.status).toBe(201);
    const sha = createHash('sha256').update(file).digest('hex');
    expect(res.body).toMatchObject({ sha256: sha, grootte: file.length, bestandsnaam: 'verslag.pdf' });
    const row = await t.db.prisma.bijlage.findUniqueOrThrow({ where: { id: res.body.bijlageId } });
    expect(Buffer.from(row.content).equals(file)).toBe(true);
    const report = await postRapportage(t, 'rib-werkfit', consent.traject.id, rapportage(consent.traject, { bijlagen: [res.body.bijlageId] }), { 'consent-token': consent.token });
    expect(report.status).toBe(201);
    const stored = await t.db.prisma.rapportage.findUniqueOrThrow({ where: { id: report.body.rapportageId } });
    expect((stored.body as { bijlagen: unknown[] }).bijlagen).toEqual([{ id: res.body.bijlageId, sha256: sha, bestandsnaam: 'verslag.pdf', grootte: file.length }]);
  });

  it('answers a retry with the same receipt and refuses the same key for another file', async () => {
    const key = randomUUID();
    const first = await postBijlage(t, 'rib-werkfit', consent.traject.id, pdf('a'), { 'consent-token': consent.token, 'idempotency-key': key });
    const before = await stored(t);
    const again = await postBijlage(t, 'rib-werkfit', consent.traject.id, pdf('a'), { 'consent-token': consent.token, 'idempotency-key': key });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const other = await postBijlage(t, 'rib-werkfit', consent.traject.id, pdf('b'), { 'consent-token': consent.token, 'idempotency-key': key });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ code: 'CONFLICT', field: 'Idempotency-Key' });
    expect(await stored(t)).toEqual(before);
  });

  it('refuses a file that is not a PDF, whatever its Content-Type says, and stores nothing', async () => {
    const before = await stored(t);
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const res = await postBijlage(t, 'rib-werkfit', consent.traject.id, png, { 'consent-token': consent.token });
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    // A PDF cut off halfway (no %%EOF) is not a whole PDF either.
    const cut = pdf().subarray(0, 30);
    expect((await postBijlage(t, 'rib-werkfit', consent.traject.id, cut, { 'consent-token': consent.token })).body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const asJson = await fetch(`${t.url}/rib/v1/trajecten/${consent.traject.id}/bijlagen`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token('rib-werkfit')}`, 'consent-token': consent.token, 'idempotency-key': randomUUID() },
      body: '{}',
    });
    expect(asJson.status).toBe(415);
    expect(await stored(t)).toEqual(before);
  });

  it('refuses a file over the size limit with PAYLOAD_TOO_LARGE', async () => {
    const before = await stored(t);
    const big = Buffer.concat([pdf(), Buffer.alloc(MAX_PDF_BYTES)]);
    const res = await postBijlage(t, 'rib-werkfit', consent.traject.id, big, { 'consent-token': consent.token });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await stored(t)).toEqual(before);
  });

  it('refuses an upload without consent with CONSENT_REQUIRED', async () => {
    const res = await postBijlage(t, 'rib-werkfit', consent.traject.id, pdf());
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('CONSENT_REQUIRED');
  });

  it('checkPdf accepts trailing whitespace after %%EOF and refuses an empty file', () => {
    expect(() => checkPdf(Buffer.concat([pdf(), Buffer.from('\r\n  \n')]))).not.toThrow();
    expect(() => checkPdf(Buffer.alloc(0))).toThrow();
  });
});
