// The consent token's keys: published at /.well-known/jwks.json (with the internal keys), rotation
// keeps older tokens valid; the REST token route serves only the grantee.
import { createLocalJWKSet, jwtVerify, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyConsentToken } from '../../gateway/consent/consent-token.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { QUIET, clearConsents, activeConsent, gql, REVOKE, TOKEN } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: QUIET });
  await clearConsents(t);
});
afterAll(() => t?.close());

async function tokenOverRest(person: string, id: string) {
  const res = await fetch(`${t.url}/toestemmingen/${id}/token`, { headers: { authorization: `Bearer ${await t.token(person)}` } });
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Record<string, string> };
}

describe('consent token keys', () => {
  it('publishes consent and internal keys; a RIB can verify its token with them alone', async () => {
    const c = await activeConsent(t, 'client-fatima', 'rib-werkfit');
    await t.app.keys.signer('internal');
    const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string; d?: string }[] };
    expect(jwks.keys.some((k) => k.kid.startsWith('consent-'))).toBe(true);
    expect(jwks.keys.some((k) => k.kid.startsWith('internal-'))).toBe(true);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
    const { payload } = await jwtVerify(c.token, createLocalJWKSet(jwks as never), { audience: 'urn:ketenpoort:consent', issuer: t.config.publicUrl });
    expect(payload.sub).toBe(c.consentId);
    await gql(t, 'client-fatima', REVOKE, { id: c.consentId });
  });

  it('after a rotation an older token still verifies and a new one carries the new kid', async () => {
    const c = await activeConsent(t, 'client-fatima', 'rib-werkfit');
    const oldKid = decodeProtectedHeader(c.token).kid;
    const newKid = await t.app.keys.rotate('consent');
    expect(newKid).not.toBe(oldKid);
    expect((await verifyConsentToken(t.app.keys, t.config.publicUrl, c.token)).consentId).toBe(c.consentId);
    const fresh = await gql(t, 'rib-werkfit', TOKEN, { id: c.consentId });
    expect(fresh.data!.toestemmingstoken.kid).toBe(newKid);
    expect(decodeProtectedHeader(fresh.data!.toestemmingstoken.token).kid).toBe(newKid);
    const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, newKid]));
    await gql(t, 'client-fatima', REVOKE, { id: c.consentId });
  });

  it('GET /toestemmingen/:id/token answers the grantee only, and nothing after revocation', async () => {
    const c = await activeConsent(t, 'client-fatima', 'rib-werkfit');
    const ok = await tokenOverRest('rib-werkfit', c.consentId);
    expect(ok.status).toBe(200);
    expect(ok.body.token_type).toBe('consent');
    expect((await verifyConsentToken(t.app.keys, t.config.publicUrl, ok.body.consent_token!)).consentId).toBe(c.consentId);
    const other = await tokenOverRest('rib-aandeslag', c.consentId);
    expect(other.status).toBe(404);
    expect(other.type).toContain('application/problem+json');
    expect((await tokenOverRest('client-fatima', c.consentId)).status).toBe(403);
    expect((await fetch(`${t.url}/toestemmingen/${c.consentId}/token`)).status).toBe(401);
    await gql(t, 'client-fatima', REVOKE, { id: c.consentId });
    const after = await tokenOverRest('rib-werkfit', c.consentId);
    expect(after.status).toBe(403);
    expect(after.body.code).toBe('CONSENT_REVOKED');
  });

  it('GET /toestemmingen/:id/ontvangstbewijs gives the client the receipt as text', async () => {
    const c = await activeConsent(t, 'client-fatima', 'rib-werkfit');
    const res = await fetch(`${t.url}/toestemmingen/${c.consentId}/ontvangstbewijs`, {
      headers: { authorization: `Bearer ${await t.token('client-fatima')}`, accept: 'text/plain' },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^Ontvangstbewijs van uw toestemming/);
    await gql(t, 'client-fatima', REVOKE, { id: c.consentId });
  });
});
