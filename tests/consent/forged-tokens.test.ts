// Forged and mangled consent tokens: all refused, and nothing written but the one deny record.
import { KeyObject } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrganisationCaller } from '../../gateway/auth/caller.js';
import { CONSENT_TOKEN_AUDIENCE, CONSENT_TOKEN_TYPE } from '../../gateway/consent/consent-token.js';
import { authorizeRibAction } from '../../gateway/consent/enforce.js';
import { KetenError } from '../../gateway/errors.js';
import { traceFromHeader } from '../../gateway/logs/trace.js';
import { population } from '../../adapters/population/population.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { postRapportage, rapportage } from '../rapportage/helpers.js';
import { QUIET, clearConsents, activeConsent, AANDESLAG, rowCounts, WERKFIT } from './helpers.js';

let t: TestApp;
let fatima: Awaited<ReturnType<typeof activeConsent>>;
let dewiTraject: string;
beforeAll(async () => {
  t = await startTestApp({ env: QUIET });
  await clearConsents(t);
  fatima = await activeConsent(t, 'client-fatima', 'rib-werkfit');
  // Another client's trajectory, also assigned to Werkfit.
  const other = population().find((c) => c.index > 0 && c.trajecten[0]?.ribOin === WERKFIT)!;
  dewiTraject = (await t.db.prisma.traject.findFirstOrThrow({ where: { subjectBsn: other.bsn } })).id;
});
afterAll(() => t?.close());

const werkfit: OrganisationCaller = { role: 'rib', subject: 'rib-werkfit', name: 'Rik Hendriks', oin: WERKFIT };
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const partsOf = (jwt: string) => jwt.split('.') as [string, string, string];
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(partsOf(jwt)[1], 'base64url').toString()) as Record<string, unknown>;

/** Signs `claims` with the gateway's real consent key (only the claims are wrong). */
async function signReal(claims: Record<string, unknown>, header: Record<string, unknown> = {}) {
  const { kid, key } = await t.app.keys.signer('consent');
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid, typ: CONSENT_TOKEN_TYPE, ...header }).sign(key);
}

async function attempt(token: string | undefined, trajectId = fatima.traject.id, caller = werkfit) {
  const before = await rowCounts(t);
  const decisionsBefore = await t.db.prisma.besluit.count();
  let code = 'PERMIT';
  try {
    // A permit is used only once its decision is on record (RibPermit.settled).
    await (await authorizeRibAction(t.app.services, traceFromHeader(undefined), { caller, consentToken: token, action: 'rapportage:schrijven', trajectId })).settled();
  } catch (err) {
    code = (err as KetenError).code;
  }
  expect(await rowCounts(t)).toEqual(before);
  expect(await t.db.prisma.besluit.count()).toBe(decisionsBefore + 1);
  return code;
}

describe('forged consent tokens', () => {
  it('the genuine token is accepted (the baseline the forgeries are measured against)', async () => {
    expect(await attempt(fatima.token)).toBe('PERMIT');
  });

  it('wrong signature: same claims and kid, signed with another key', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const [h, p] = partsOf(fatima.token);
    const forged = await new SignJWT(claimsOf(fatima.token)).setProtectedHeader(JSON.parse(Buffer.from(h, 'base64url').toString())).sign(privateKey);
    expect(partsOf(forged)[1]).toBe(p);
    expect(await attempt(forged)).toBe('FORBIDDEN');
    // and a genuine token with one signature byte changed
    const [hh, pp, ss] = partsOf(fatima.token);
    const flipped = `${hh}.${pp}.${ss.startsWith('A') ? 'B' : 'A'}${ss.slice(1)}`;
    expect(await attempt(flipped)).toBe('FORBIDDEN');
  });

  it('alg: none', async () => {
    const [h] = partsOf(fatima.token);
    const header = { ...JSON.parse(Buffer.from(h, 'base64url').toString()), alg: 'none' };
    expect(await attempt(`${b64(header)}.${partsOf(fatima.token)[1]}.`)).toBe('FORBIDDEN');
  });

  it('HS256 signed with the public key as the HMAC secret', async () => {
    const { kid } = await t.app.keys.signer('consent');
    const publicKey = await t.app.keys.publicKey('consent', kid);
    const pem = KeyObject.from(publicKey!).export({ type: 'spki', format: 'pem' }) as string;
    const forged = await new SignJWT(claimsOf(fatima.token))
      .setProtectedHeader({ alg: 'HS256', kid, typ: CONSENT_TOKEN_TYPE })
      .sign(new TextEncoder().encode(pem));
    expect(await attempt(forged)).toBe('FORBIDDEN');
  });

  it('wrong audience, wrong issuer, wrong type', async () => {
    const c = claimsOf(fatima.token);
    expect(await attempt(await signReal({ ...c, aud: 'ketenpoort' }))).toBe('FORBIDDEN');
    expect(await attempt(await signReal({ ...c, iss: 'https://elders.example' }))).toBe('FORBIDDEN');
    expect(await attempt(await signReal(c, { typ: 'JWT' }))).toBe('FORBIDDEN');
  });

  it('expired', async () => {
    const c = claimsOf(fatima.token);
    const past = Math.floor(Date.now() / 1000) - 60;
    expect(await attempt(await signReal({ ...c, aud: CONSENT_TOKEN_AUDIENCE, iat: past - 60, exp: past }))).toBe('CONSENT_EXPIRED');
  });

  it('a consent token of another RIB', async () => {
    const other = await activeConsent(t, 'client-aandeslag', 'rib-aandeslag');
    // Werkfit presents Aan de Slag's genuine token: for Aan de Slag's trajectory and for its own.
    expect(await attempt(other.token, other.traject.id)).toBe('FORBIDDEN');
    expect(await attempt(other.token, fatima.traject.id)).toBe('FORBIDDEN');
    // And a token naming Werkfit as grantee of Aan de Slag's consent, signed with our key: the ledger disagrees.
    const relabelled = await signReal({ ...claimsOf(other.token), azp: WERKFIT });
    expect(await attempt(relabelled, other.traject.id)).toBe('FORBIDDEN');
    const mila: OrganisationCaller = { role: 'rib', subject: 'rib-aandeslag', name: 'Mila Groen', oin: AANDESLAG };
    expect(await attempt(other.token, other.traject.id, mila)).toBe('PERMIT');
  });

  it("another client's consent: Werkfit's genuine token used on another client's trajectory", async () => {
    expect(await attempt(fatima.token, dewiTraject)).toBe('FORBIDDEN');
    // A token claiming that trajectory for Fatima's consent, signed with our key: the ledger disagrees.
    const relabelled = await signReal({ ...claimsOf(fatima.token), traject_id: dewiTraject });
    expect(await attempt(relabelled, dewiTraject)).toBe('FORBIDDEN');
  });

  it('over HTTP: a rapportage sent with any forgery is refused and nothing is stored', async () => {
    const c = claimsOf(fatima.token);
    const [h, p] = partsOf(fatima.token);
    const { kid } = await t.app.keys.signer('consent');
    const pem = KeyObject.from((await t.app.keys.publicKey('consent', kid))!).export({ type: 'spki', format: 'pem' }) as string;
    const past = Math.floor(Date.now() / 1000) - 60;
    const forgeries: [string, string, string][] = [
      ['alg none', `${b64({ ...JSON.parse(Buffer.from(h, 'base64url').toString()), alg: 'none' })}.${p}.`, 'FORBIDDEN'],
      ['HS256 with the public key', await new SignJWT(c).setProtectedHeader({ alg: 'HS256', kid, typ: CONSENT_TOKEN_TYPE }).sign(new TextEncoder().encode(pem)), 'FORBIDDEN'],
      ['wrong audience', await signReal({ ...c, aud: 'ketenpoort' }), 'FORBIDDEN'],
      ['expired', await signReal({ ...c, iat: past - 60, exp: past }), 'CONSENT_EXPIRED'],
      ['other trajectory', await signReal({ ...c, traject_id: dewiTraject }), 'FORBIDDEN'],
    ];
    for (const [name, token, code] of forgeries) {
      const before = await rowCounts(t);
      const res = await postRapportage(t, 'rib-werkfit', fatima.traject.id, rapportage(fatima.traject), { 'consent-token': token });
      expect([name, res.status, res.body.code]).toEqual([name, 403, code]);
      expect(await rowCounts(t)).toEqual(before);
    }
    // Aan de Slag presenting Werkfit's genuine token for Werkfit's block.
    const before = await rowCounts(t);
    const res = await postRapportage(t, 'rib-aandeslag', fatima.traject.id, rapportage(fatima.traject), { 'consent-token': fatima.token });
    expect(res.status).toBe(403);
    expect(await rowCounts(t)).toEqual(before);
  });

  it('garbage and an empty token', async () => {
    expect(await attempt('not-a-jwt')).toBe('FORBIDDEN');
    expect(await attempt('')).toBe('CONSENT_REQUIRED');
  });
});
