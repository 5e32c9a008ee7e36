// Two gateway instances on one database: a consent revoked through instance A is refused by
// instance B on the very next request, also when B had the consent's state in its cache.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrganisationCaller } from '../../gateway/auth/caller.js';
import { authorizeRibAction } from '../../gateway/consent/enforce.js';
import { KetenError } from '../../gateway/errors.js';
import { traceFromHeader } from '../../gateway/logs/trace.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, usingPostgres, type TestDatabase } from '../support/database.js';
import { postRapportage, rapportage } from '../rapportage/helpers.js';
import { QUIET, activeConsent, clearConsents, gql, REVOKE, WERKFIT } from './helpers.js';

let database: TestDatabase;
let a: TestApp;
let b: TestApp;
beforeAll(async () => {
  database = await createTestDatabase();
  a = await startTestApp({ database, env: QUIET });
  b = await startTestApp({ database, env: QUIET });
  await clearConsents(a);
});
afterAll(async () => {
  await b?.close();
  await a?.close();
  await database?.drop();
});

const werkfit: OrganisationCaller = { role: 'rib', subject: 'rib-werkfit', name: 'Rik Hendriks', oin: WERKFIT };

async function onB(token: string, trajectId: string, action: 'rapportage:schrijven' | 'werkprofiel:lezen') {
  const trace = traceFromHeader(undefined);
  try {
    await (await authorizeRibAction(b.app.services, trace, { caller: werkfit, consentToken: token, action, trajectId })).settled();
    return { outcome: 'PERMIT', source: await sourceOf(trace.traceId) };
  } catch (err) {
    return { outcome: (err as KetenError).code, source: await sourceOf(trace.traceId) };
  }
}

async function sourceOf(traceId: string) {
  const row = await b.db.prisma.besluit.findFirst({ where: { traceId } });
  return (row?.information as { source?: string } | null)?.source;
}

describe('two instances on one database', () => {
  it(`a revoke through A is refused by B on the very next request on ${usingPostgres ? 'PostgreSQL' : 'PGlite'}, five times over`, async () => {
    for (let round = 0; round < 5; round++) {
      const c = await activeConsent(a, 'client-fatima', 'rib-werkfit');
      // B serves the read from its cache before the revoke: the hard case.
      await expect.poll(async () => (await onB(c.token, c.traject.id, 'werkprofiel:lezen')).source, { timeout: 5000, interval: 20 }).toBe('cache');
      expect((await onB(c.token, c.traject.id, 'rapportage:schrijven')).outcome).toBe('PERMIT');

      const revoked = await gql(a, 'client-fatima', REVOKE, { id: c.consentId });
      expect(revoked.errors).toEqual([]);
      expect(revoked.data!.trekToestemmingIn.status).toBe('ingetrokken');

      expect(await onB(c.token, c.traject.id, 'werkprofiel:lezen')).toMatchObject({ outcome: 'CONSENT_REVOKED' });
      expect(await onB(c.token, c.traject.id, 'rapportage:schrijven')).toMatchObject({ outcome: 'CONSENT_REVOKED', source: 'ledger' });
    }
  });

  it('over HTTP: a rapportage B accepted a moment ago is refused by B right after A answered the revoke', async () => {
    const c = await activeConsent(a, 'client-fatima', 'rib-werkfit');
    const accepted = await postRapportage(b, 'rib-werkfit', c.traject.id, rapportage(c.traject), { 'consent-token': c.token });
    expect(accepted.status).toBe(201);
    const stored = await b.db.prisma.rapportage.count();
    const revoked = await gql(a, 'client-fatima', REVOKE, { id: c.consentId });
    expect(revoked.data!.trekToestemmingIn.status).toBe('ingetrokken');
    const refused = await postRapportage(b, 'rib-werkfit', c.traject.id, rapportage(c.traject), { 'consent-token': c.token });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('CONSENT_REVOKED');
    expect(await b.db.prisma.rapportage.count()).toBe(stored);
  });

  it('a revoke on a warm pair answers quickly (the eviction is acknowledged, not waited out)', async () => {
    const c = await activeConsent(a, 'client-fatima', 'rib-werkfit');
    await expect.poll(async () => (await onB(c.token, c.traject.id, 'werkprofiel:lezen')).source, { timeout: 5000, interval: 20 }).toBe('cache');
    const started = performance.now();
    await gql(a, 'client-fatima', REVOKE, { id: c.consentId });
    const took = performance.now() - started;
    expect(await onB(c.token, c.traject.id, 'werkprofiel:lezen')).toMatchObject({ outcome: 'CONSENT_REVOKED' });
    // Far below CONSENT_CACHE_TTL_MS (5 s): B acknowledged the eviction.
    expect(took).toBeLessThan(1500);
  });
});
