// The LISTEN connection heals. Instance A's listener backend is killed (pg_terminate_backend) and
// kept from coming back for a while; meanwhile the client revokes through instance B, and the
// notifications of that are lost to A. A says it is not ready while its listener is down; when the
// listener is back, A is ready again, enforces the revoke on the very next request — also for a
// read it had cached before the outage — and its klantmanagers' subscriptions get the next report.
// PostgreSQL only: PGlite runs inside the process and has no separate backend to kill.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { ORG } from '../../adapters/population/organisations.js';
import type { OrganisationCaller } from '../../gateway/auth/caller.js';
import { authorizeRibAction } from '../../gateway/consent/enforce.js';
import { openDatabase } from '../../gateway/db/database.js';
import { LISTENER_APPLICATION_NAME } from '../../gateway/db/listener.js';
import type { KetenError } from '../../gateway/errors.js';
import { traceFromHeader } from '../../gateway/logs/trace.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, usingPostgres, type TestDatabase } from '../support/database.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { activeConsent, clearConsents, gql, QUIET, REVOKE, rowCounts, WERKFIT } from '../consent/helpers.js';
import { postRapportage, rapportage } from '../rapportage/helpers.js';
import { connect, type Message } from '../rapportage/ws-client.js';

const NOTICE = 'Listener tests skipped: they need PostgreSQL (DATABASE_URL); PGlite has no separate backend to kill.';
if (!usingPostgres) console.warn(`\n  ${NOTICE}\n`);

// A long cache lifetime: an entry A cached before the outage would still be "fresh" after it, so
// only dropping the cache on reconnect keeps A from serving the revoked consent.
const ENV = { ...QUIET, CONSENT_CACHE_TTL_MS: '30000' };
const FOLLOW = `subscription($oin: String!) { rapportageOntvangen(gemeenteOin: $oin) { rapportageId } }`;
const werkfit: OrganisationCaller = { role: 'rib', subject: 'rib-werkfit', name: 'Rik Hendriks', oin: WERKFIT };

describe.skipIf(!usingPostgres)('the LISTEN connection heals (PostgreSQL only)', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let admin: pg.Client;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    const url = database.env.DATABASE_URL!;
    const target = new URL(url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    // A reaches the database through the proxy, which can keep A's listener from reconnecting.
    a = await startTestApp({ database: { ...database, reopen: () => openDatabase({ url: proxy.via(url), dataDir: '' }) }, env: ENV });
    b = await startTestApp({ database, env: ENV });
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await clearConsents(a);
  });

  afterAll(async () => {
    await admin?.end();
    await b?.close();
    await a?.close();
    await proxy?.close();
    await database?.drop();
  });

  async function onA(token: string, trajectId: string, action: 'rapportage:schrijven' | 'werkprofiel:lezen') {
    const trace = traceFromHeader(undefined);
    try {
      await (await authorizeRibAction(a.app.services, trace, { caller: werkfit, consentToken: token, action, trajectId })).settled();
      return 'PERMIT';
    } catch (err) {
      return (err as KetenError).code;
    }
  }

  const sourceOfLast = async (trace: string) => ((await a.db.prisma.besluit.findFirst({ where: { traceId: trace } }))?.information as { source?: string } | null)?.source;
  const ready = async () => (await fetch(`${a.url}/ready`)).status;

  it('is not ready while down; after healing it enforces a revoke made meanwhile and subscriptions get the next report', async () => {
    const c = await activeConsent(a, 'client-fatima', 'rib-werkfit');
    // A serves the read from its cache before the outage: the hard case.
    await expect
      .poll(async () => {
        const trace = traceFromHeader(undefined);
        await (await authorizeRibAction(a.app.services, trace, { caller: werkfit, consentToken: c.token, action: 'werkprofiel:lezen', trajectId: c.traject.id })).settled();
        return sourceOfLast(trace.traceId);
      }, { timeout: 5000, interval: 20 })
      .toBe('cache');
    const before = await connect(a.url, { authorization: `Bearer ${await a.token('km-jan')}` });
    await before.next((m) => m.type === 'connection_ack');
    before.subscribe('1', FOLLOW, { oin: ORG.amsterdam.oin });
    await new Promise((r) => setTimeout(r, 500));
    expect(await ready()).toBe(200);

    // Kill A's listener backend and keep it from coming back.
    const name = a.db.listener.status().applicationName;
    expect(name.startsWith(LISTENER_APPLICATION_NAME)).toBe(true);
    proxy.turnAway(LISTENER_APPLICATION_NAME);
    const { rows } = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [name]);
    expect(rows).toHaveLength(1);
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);

    await expect.poll(ready, { timeout: 5000, interval: 50 }).toBe(503);
    const detail = await (await fetch(`${a.url}/ready`)).json();
    expect(detail.detail).toMatch(/listener down/);
    expect(a.db.listener.status().state).toBe('down');

    // The client revokes through B; A hears nothing of it.
    const revoked = await gql(b, 'client-fatima', REVOKE, { id: c.consentId });
    expect(revoked.errors).toEqual([]);
    expect(revoked.data!.trekToestemmingIn.status).toBe('ingetrokken');
    await new Promise((r) => setTimeout(r, 300));
    expect(await ready()).toBe(503);

    // The listener may come back now.
    proxy.admitAll();
    await expect.poll(ready, { timeout: 15_000, interval: 50 }).toBe(200);
    expect(a.db.listener.status()).toMatchObject({ state: 'up', restored: 1 });
    const { rows: again } = await admin.query('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [name]);
    expect(again).toHaveLength(1);

    // Once A's cache is in use again (its heartbeat comes back), the very next requests on A
    // refuse: the read it had cached before the outage and, over HTTP, a report (nothing written).
    await expect.poll(() => a.app.services.consent.core.cache.usable(), { timeout: 5000, interval: 20 }).toBe(true);
    expect(await onA(c.token, c.traject.id, 'werkprofiel:lezen')).toBe('CONSENT_REVOKED');
    const counts = await rowCounts(a);
    const refused = await postRapportage(a, 'rib-werkfit', c.traject.id, rapportage(c.traject), { 'consent-token': c.token });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('CONSENT_REVOKED');
    expect((await rowCounts(a)).rapportage).toBe(counts.rapportage);

    // Subscriptions on A, the one from before and a new one, get the next report (written on B).
    const after = await connect(a.url, { authorization: `Bearer ${await a.token('km-jan')}` });
    await after.next((m) => m.type === 'connection_ack');
    after.subscribe('1', FOLLOW, { oin: ORG.amsterdam.oin });
    await new Promise((r) => setTimeout(r, 500));
    const next = await activeConsent(b, 'client-fatima', 'rib-werkfit');
    const stored = await postRapportage(b, 'rib-werkfit', next.traject.id, rapportage(next.traject), { 'consent-token': next.token });
    expect(stored.status).toBe(201);
    const isReport = (m: Message) => m.id === '1' && m.type === 'next' && m.payload?.data?.rapportageOntvangen?.rapportageId === stored.body.rapportageId;
    await before.next(isReport);
    await after.next(isReport);
    before.close();
    after.close();
  });
});
