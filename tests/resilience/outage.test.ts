// The database goes away and comes back. While it is away every way in answers "temporarily
// unavailable, try again" — GraphQL SERVICE_UNAVAILABLE with 503, REST problem+json 503, a page 503
// in plain Dutch that keeps what the person typed — each with Retry-After, never INTERNAL; /ready
// says so too. When it is back, everything answers again, and the kept form can simply be sent.
// The outage is a TCP proxy between the gateway and PostgreSQL that the test cuts and restores
// (tests/support/tcp-proxy.ts): PostgreSQL only, PGlite runs inside the process.
// Also: a revoke while this instance's LISTEN connection is down has committed, so it answers so,
// within its own budget (the consent cache's lifetime), not "a partner did not answer".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { signDevTokenFor } from '../../gateway/auth/dev-issuer.js';
import { openDatabase, type Database } from '../../gateway/db/database.js';
import { startRuntime, type Runtime } from '../../gateway/runtime.js';
import { testConfig, type TestApp } from '../support/app.js';
import { freshDatabase, usingPostgres } from '../support/database.js';
import { LISTENER_APPLICATION_NAME } from '../../gateway/db/listener.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { Visitor } from '../pages/support/http.js';
import { activeConsent, clearConsents, gql, QUIET } from '../consent/helpers.js';
import { postRapportage, rapportage } from '../rapportage/helpers.js';

const NOTICE = 'Outage tests skipped: they need PostgreSQL (DATABASE_URL); PGlite runs inside the process and cannot be cut off.';
if (!usingPostgres) console.warn(`\n  ${NOTICE}\n`);

const MINE = 'query { mijnToestemmingen { id status } }';
const REVOKE = 'mutation($id: ID!) { trekToestemmingIn(toestemmingId: $id) { id status } }';

describe.skipIf(!usingPostgres)('the database goes away and comes back (PostgreSQL only)', () => {
  let fresh: { url: string; drop(): Promise<void> };
  let proxy: TcpProxy;
  let runtime: Runtime;
  let direct: Database;
  let t: TestApp;

  beforeAll(async () => {
    fresh = await freshDatabase(process.env.DATABASE_URL!);
    const target = new URL(fresh.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const config = testConfig({ ...QUIET, DATABASE_URL: proxy.via(fresh.url) });
    runtime = await startRuntime(config, { demo: true });
    // Past the proxy, for counting rows while the gateway cannot reach them.
    direct = await openDatabase({ url: fresh.url, dataDir: '' });
    t = {
      app: runtime.app,
      runtime,
      config,
      db: direct,
      url: runtime.url,
      token: async (id) => (await signDevTokenFor(runtime.app.keys, id, { publicUrl: config.publicUrl }))!,
      close: () => runtime.close(),
    };
    await clearConsents(t);
  });

  afterAll(async () => {
    await proxy?.restore();
    await runtime?.close();
    await direct?.close();
    await proxy?.close();
    await fresh?.drop();
  });

  it('answers 503 with Retry-After on GraphQL, REST and pages while away, and everything again once back', async () => {
    const c = await activeConsent(t, 'client-fatima', 'rib-werkfit');
    const visitor = new Visitor(t.url);
    await visitor.login('client-fatima');
    const form = `/mijn/toestemmingen/${c.consentId}/intrekken`;
    const csrf = await visitor.csrfFrom(form);
    expect((await gql(t, 'client-fatima', MINE)).status).toBe(200);
    const before = await direct.prisma.rapportage.count();
    let keptPage = '';

    await proxy.cut();
    try {
      const ready = await fetch(`${t.url}/ready`);
      expect(ready.status).toBe(503);

      const graph = await gql(t, 'client-fatima', MINE);
      expect(graph.status).toBe(503);
      expect(graph.codes.length).toBeGreaterThan(0);
      expect(new Set(graph.codes)).toEqual(new Set(['SERVICE_UNAVAILABLE']));
      expect(graph.data).toBeNull();
      const graphRes = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token('client-fatima')}` },
        body: JSON.stringify({ query: MINE }),
      });
      expect(graphRes.headers.get('retry-after')).toMatch(/^\d+$/);

      const revoke = await gql(t, 'client-fatima', REVOKE, { id: c.consentId });
      expect(revoke.status).toBe(503);
      expect(revoke.codes).not.toContain('INTERNAL');
      expect(revoke.codes).toContain('SERVICE_UNAVAILABLE');

      const receipt = await fetch(`${t.url}/toestemmingen/${c.consentId}/ontvangstbewijs`, { headers: { authorization: `Bearer ${await t.token('client-fatima')}` } });
      expect(receipt.status).toBe(503);
      expect(receipt.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(receipt.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((await receipt.json()).code).toBe('SERVICE_UNAVAILABLE');

      const upload = await postRapportage(t, 'rib-werkfit', c.traject.id, rapportage(c.traject), { 'consent-token': c.token });
      expect(upload.status).toBe(503);
      expect(upload.body.code).toBe('SERVICE_UNAVAILABLE');
      expect(upload.headers.get('retry-after')).toMatch(/^\d+$/);

      // The page: plain Dutch, 503, Retry-After, and the form again with what was typed.
      const typed = 'Ik wil <niet> dat "zij" nog meekijken & schrijven';
      const page = await visitor.post(form, { _csrf: csrf, reden: typed });
      expect(page.status).toBe(503);
      expect(page.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(page.text).toContain('Even niet beschikbaar');
      expect(page.text).toContain('Er is niets veranderd');
      expect(page.text).not.toContain('Er ging iets mis');
      expect(page.text).toContain(`action="${form}"`);
      expect(page.text).toContain('Ik wil &lt;niet&gt; dat &quot;zij&quot; nog meekijken &amp; schrijven</textarea>');
      keptPage = page.text;
    } finally {
      await proxy.restore();
    }

    // Nothing was written while away: the consent is still active, no report stored.
    expect((await direct.prisma.consent.findUniqueOrThrow({ where: { id: c.consentId } })).status).toBe('active');
    expect(await direct.prisma.rapportage.count()).toBe(before);

    await expect.poll(async () => (await fetch(`${t.url}/ready`)).status, { timeout: 15_000, interval: 100 }).toBe(200);
    const again = await gql(t, 'client-fatima', MINE);
    expect(again.status).toBe(200);
    expect(again.errors).toEqual([]);

    // The kept form, sent once more as it stands (with the fresh CSRF token of the 503 page).
    const retryCsrf = /<form method="post" action="[^"]+" class="kp-form">\s*<input type="hidden" name="_csrf" value="([^"]+)">/.exec(keptPage)![1]!;
    const done = await visitor.post(form, { _csrf: retryCsrf, reden: 'Ik wil niet dat zij nog meekijken' });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/mijn/toestemmingen?klaar=ingetrokken');
    const after = await direct.prisma.consent.findUniqueOrThrow({ where: { id: c.consentId } });
    expect(after.status).toBe('revoked');
    expect(after.revokedReason).toBe('Ik wil niet dat zij nog meekijken');
  });

  it('a revoke while its own listener is down answers that it happened, within the cache lifetime', async () => {
    const c = await activeConsent(t, 'client-fatima', 'rib-werkfit');
    const admin = new pg.Client({ connectionString: fresh.url });
    await admin.connect();
    try {
      // The listener is cut off and kept away: no eviction ack can reach this instance.
      proxy.turnAway(LISTENER_APPLICATION_NAME);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [runtime.db.listener.status().applicationName]);
      await expect.poll(() => runtime.db.listener.status().state, { timeout: 5000, interval: 20 }).toBe('down');

      const started = performance.now();
      const revoked = await gql(t, 'client-fatima', REVOKE, { id: c.consentId });
      const took = performance.now() - started;
      expect(revoked.errors).toEqual([]);
      expect(revoked.data!.trekToestemmingIn.status).toBe('ingetrokken');
      expect(took).toBeLessThan(t.config.CONSENT_CACHE_TTL_MS + 1500);
      expect((await direct.prisma.consent.findUniqueOrThrow({ where: { id: c.consentId } })).status).toBe('revoked');
    } finally {
      proxy.admitAll();
      await admin.end();
    }
    await expect.poll(async () => (await fetch(`${t.url}/ready`)).status, { timeout: 15_000, interval: 100 }).toBe(200);
  });
});
