// The consent check does not wait for the disk, but nothing a permit allows happens before the
// permit's decision is on record: when the decision log refuses the row, the upload is refused
// with SERVICE_UNAVAILABLE and nothing is stored (fail closed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { consentFor, decisionsOf, freshTraject, newTrace, pdf, postBijlage, postRapportage, rapportage, stored, WERKFIT } from './helpers.js';

let t: TestApp;
const fatima = findDemoPerson('client-fatima')!.bsn!;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

/** From now on the database refuses every permit row of the consent policy (denials still go in). */
async function refusePermitDecisions() {
  await t.db.prisma.$executeRawUnsafe(`ALTER TABLE besluit ADD CONSTRAINT kp_test_no_permits CHECK (decision <> 'permit') NOT VALID`);
  return () => t.db.prisma.$executeRawUnsafe(`ALTER TABLE besluit DROP CONSTRAINT kp_test_no_permits`);
}

describe('a permit whose decision cannot be recorded', () => {
  it('stores no report and no attachment, and says the service is unavailable', async () => {
    const traject = await freshTraject(t, fatima, WERKFIT);
    const { token } = await consentFor(t, 'client-fatima', 'rib-werkfit', traject);
    const before = await stored(t);
    const allow = await refusePermitDecisions();
    try {
      const trace = newTrace();
      const report = await postRapportage(t, 'rib-werkfit', traject.id, rapportage(traject), { 'consent-token': token, traceparent: trace.traceparent });
      expect(report.status).toBe(503);
      expect(report.body.code).toBe('SERVICE_UNAVAILABLE');
      const attachment = await postBijlage(t, 'rib-werkfit', traject.id, pdf(), { 'consent-token': token });
      expect(attachment.status).toBe(503);
      expect(await stored(t)).toEqual(before);
      expect(await decisionsOf(t, trace.traceId)).toEqual([]);
    } finally {
      await allow();
    }
    // Once the log takes rows again, the same upload goes through, with its decision on record.
    const trace = newTrace();
    const ok = await postRapportage(t, 'rib-werkfit', traject.id, rapportage(traject), { 'consent-token': token, traceparent: trace.traceparent });
    expect(ok.status).toBe(201);
    expect((await decisionsOf(t, trace.traceId)).map((d) => d.decision)).toEqual(['permit']);
  });
});
