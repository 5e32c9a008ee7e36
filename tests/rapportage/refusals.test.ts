// Every refused RIB write: the right code, nothing stored, and a decision-log entry for the request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dutchDay, toDateColumn } from '../../lib/dutch-day.js';
import { authorizeRibAction } from '../../gateway/consent/enforce.js';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { BLOK_POLICY } from '../../gateway/rapportage/policy.js';
import { appendRapportage } from '../../gateway/rapportage/store.js';
import { parseRapportage } from '../../gateway/rapportage/validation.js';
import { traceFromHeader } from '../../gateway/logs/trace.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { AANDESLAG, consentFor, decisionsOf, freshTraject, gql, newTrace, postRapportage, rapportage, stored, WERKFIT } from './helpers.js';

let t: TestApp;
const fatima = findDemoPerson('client-fatima')!.bsn!;
const aandeslagClient = findDemoPerson('client-aandeslag')!.bsn!;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

/** Posts a report that must be refused with `code`; checks nothing was stored and the decision was logged. */
async function refused(person: string, trajectId: string, traject: { startsOn: Date }, code: string, headers: Record<string, string | undefined>) {
  const before = await stored(t);
  const trace = newTrace();
  const res = await postRapportage(t, person, trajectId, rapportage(traject), { ...headers, traceparent: trace.traceparent });
  expect(res.body.code).toBe(code);
  expect(res.status).toBe(403);
  expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(await stored(t)).toEqual(before);
  const decisions = await decisionsOf(t, trace.traceId);
  expect(decisions.map((d) => d.decision)).toContain('deny');
  expect(decisions.some((d) => d.decision === 'permit')).toBe(false);
  return { res, decisions };
}

const END = `mutation($id: ID!) { beeindigTraject(trajectId: $id) { status blokken { status } } }`;
const ASSIGN = `mutation($w: TrajectToewijzingInput!) { wijsTrajectToe(toewijzing: $w) { trajectId status blokken { bureau { oin } status } } }`;

describe('refused writes', () => {
  it('without a consent token: CONSENT_REQUIRED', async () => {
    const traject = await freshTraject(t, fatima, WERKFIT);
    const { decisions } = await refused('rib-werkfit', traject.id, traject, 'CONSENT_REQUIRED', {});
    expect(decisions[0]!.reason).toBe('token-missing');
  });

  it("into another RIB's block, with a valid consent of its own: FORBIDDEN", async () => {
    const own = await freshTraject(t, aandeslagClient, AANDESLAG);
    const { token } = await consentFor(t, 'client-aandeslag', 'rib-aandeslag', own);
    const other = await freshTraject(t, fatima, WERKFIT);
    const { decisions } = await refused('rib-aandeslag', other.id, other, 'FORBIDDEN', { 'consent-token': token });
    expect(decisions[0]!.reason).toBe('traject-mismatch');
    // And a RIB presenting another RIB's token is no better off.
    const werkfit = await consentFor(t, 'client-fatima', 'rib-werkfit', other);
    expect((await refused('rib-aandeslag', other.id, other, 'FORBIDDEN', { 'consent-token': werkfit.token })).decisions[0]!.reason).toBe('not-grantee');
  });

  it('after the client revoked the consent: CONSENT_REVOKED', async () => {
    const traject = await freshTraject(t, fatima, WERKFIT);
    const { consentId, token } = await consentFor(t, 'client-fatima', 'rib-werkfit', traject);
    const revoke = await gql(t, 'client-fatima', `mutation($id: ID!) { trekToestemmingIn(toestemmingId: $id) { status } }`, { id: consentId });
    expect(revoke.errors).toEqual([]);
    await refused('rib-werkfit', traject.id, traject, 'CONSENT_REVOKED', { 'consent-token': token });
  });

  it('after the consent expired: CONSENT_EXPIRED', async () => {
    const traject = await freshTraject(t, fatima, WERKFIT);
    const { consentId, token } = await consentFor(t, 'client-fatima', 'rib-werkfit', traject);
    // Time passes: the ledger's last day is over (the token itself is still within its own expiry).
    await t.db.prisma.consent.update({ where: { id: consentId }, data: { validThrough: toDateColumn(addDays(dutchDay(new Date()), -1)) } });
    await refused('rib-werkfit', traject.id, traject, 'CONSENT_EXPIRED', { 'consent-token': token });
  });

  it('after the klantmanager ended the trajectory: refused, blocks closed, consents ended', async () => {
    const traject = await freshTraject(t, fatima, WERKFIT);
    const { consentId, token } = await consentFor(t, 'client-fatima', 'rib-werkfit', traject);
    const ended = await gql(t, 'km-jan', END, { id: traject.id });
    expect(ended.errors).toEqual([]);
    expect(ended.data!.beeindigTraject).toEqual({ status: 'beeindigd', blokken: [{ status: 'gesloten' }] });
    expect((await t.db.prisma.consent.findUniqueOrThrow({ where: { id: consentId } })).status).toBe('ended');
    await refused('rib-werkfit', traject.id, traject, 'CONSENT_REVOKED', { 'consent-token': token });
  });

  it('with a consent token for another trajectory or another client: FORBIDDEN', async () => {
    const mine = await freshTraject(t, fatima, WERKFIT);
    const { token } = await consentFor(t, 'client-fatima', 'rib-werkfit', mine);
    const sameClient = await freshTraject(t, fatima, WERKFIT);
    expect((await refused('rib-werkfit', sameClient.id, sameClient, 'FORBIDDEN', { 'consent-token': token })).decisions[0]!.reason).toBe('traject-mismatch');
    const otherClient = await freshTraject(t, aandeslagClient, WERKFIT);
    expect((await refused('rib-werkfit', otherClient.id, otherClient, 'FORBIDDEN', { 'consent-token': token })).decisions[0]!.reason).toBe('traject-mismatch');
  });

  it('after the trajectory was reassigned to another RIB: the old RIB is refused', async () => {
    const traject = await freshTraject(t, fatima, WERKFIT);
    const { token } = await consentFor(t, 'client-fatima', 'rib-werkfit', traject);
    const reassigned = await gql(t, 'km-jan', ASSIGN, {
      w: { bsn: fatima, gemeenteKenmerk: traject.externalId, titel: traject.title, startdatum: traject.startsOn.toISOString().slice(0, 10), einddatum: traject.endsOn.toISOString().slice(0, 10), bureauOin: AANDESLAG },
    });
    expect(reassigned.errors).toEqual([]);
    expect(reassigned.data!.wijsTrajectToe.blokken).toEqual([
      { bureau: { oin: WERKFIT }, status: 'gesloten' },
      { bureau: { oin: AANDESLAG }, status: 'open' },
    ]);
    expect((await refused('rib-werkfit', traject.id, traject, 'CONSENT_REVOKED', { 'consent-token': token })).decisions[0]!.reason).toBe('blok-closed');
  });

  it('the store itself refuses a permit that outlived its block (checked inside the write transaction)', async () => {
    const traject = await freshTraject(t, fatima, WERKFIT);
    const { token } = await consentFor(t, 'client-fatima', 'rib-werkfit', traject);
    const services = t.app.services;
    const rib = { role: 'rib' as const, subject: 'rib-werkfit', name: 'Rik', oin: WERKFIT };
    const trace = traceFromHeader(newTrace().traceparent);
    const permit = await authorizeRibAction(services, trace, { caller: rib, consentToken: token, action: 'rapportage:schrijven', trajectId: traject.id });
    // Between the consent check and the write, the block closes (a reassignment on another instance).
    await t.db.prisma.rapportageBlok.updateMany({ where: { trajectId: traject.id }, data: { status: 'closed', closedAt: new Date(), closedBy: 'test' } });
    const before = await stored(t);
    const input = parseRapportage(rapportage(traject));
    await expect(appendRapportage(services, trace, permit, rib, { trajectId: traject.id, idempotencyKey: 'test-key-0001', input })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await stored(t)).toEqual(before);
    const decisions = await decisionsOf(t, trace.traceId);
    expect(decisions.find((d) => d.policyId === BLOK_POLICY.id)).toMatchObject({ decision: 'deny', reason: 'blok-closed' });
    // A permit for one trajectory does not open another.
    const other = await freshTraject(t, fatima, WERKFIT);
    await expect(appendRapportage(services, trace, permit, rib, { trajectId: other.id, idempotencyKey: 'test-key-0002', input })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await stored(t)).toEqual(before);
  });

  it('only a klantmanager of the gemeente assigns or ends a trajectory', async () => {
    const traject = await freshTraject(t, fatima, WERKFIT);
    expect((await gql(t, 'rib-werkfit', END, { id: traject.id })).codes).toEqual(['FORBIDDEN']);
    // Leiden's klantmanager does not learn that Amsterdam's trajectory exists.
    expect((await gql(t, 'km-sanne', END, { id: traject.id })).codes).toEqual(['NOT_FOUND']);
    expect((await t.db.prisma.traject.findUniqueOrThrow({ where: { id: traject.id } })).status).toBe('active');
  });
});
