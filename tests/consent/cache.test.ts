// The consent cache's cross-instance protocol (gateway/consent/cache.ts), with two caches on one
// database as two gateway instances would have.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dutchDay } from '../../lib/dutch-day.js';
import { createConsentCache, type ConsentCache } from '../../gateway/consent/cache.js';
import type { LedgerState } from '../../gateway/consent/ledger.js';
import type { Database } from '../../gateway/db/database.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let database: TestDatabase;
let other: Database;
beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  other = await database.reopen();
});
afterAll(async () => {
  if (other !== database.db) await other.close();
  await database.drop();
});

const TTL = 2000;
let n = 0;
function state(): LedgerState {
  n++;
  return {
    consentId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    version: 1,
    status: 'active',
    validFrom: new Date(),
    validThrough: addDays(dutchDay(new Date()), 1),
    granteeOin: '00000003990000000101',
    trajectId: '00000000-0000-4000-9000-000000000001',
    subjectBsn: '000000000',
    scopes: ['rapportage:schrijven'],
    trajectActive: true,
    blokOpen: true,
  };
}

async function started(db: Database, ttl = TTL): Promise<ConsentCache> {
  const c = createConsentCache(db, ttl);
  await c.start();
  await expect.poll(() => c.usable(), { timeout: 3000, interval: 5 }).toBe(true);
  return c;
}

describe('consent cache', () => {
  it('serves nothing until its listener has proved current, then serves what it was given', async () => {
    const a = createConsentCache(database.db, TTL);
    const s = state();
    a.put(s, a.ticket());
    expect(a.get(s.consentId)).toBeUndefined();
    await a.start();
    await expect.poll(() => a.usable(), { timeout: 3000, interval: 5 }).toBe(true);
    a.put(s, a.ticket());
    expect(a.get(s.consentId)).toEqual(s);
    await a.close();
    expect(a.get(s.consentId)).toBeUndefined();
  });

  it('an invalidation through A has evicted B\'s entry by the time it resolves, and is quick', async () => {
    const a = await started(database.db);
    const b = await started(other);
    // Let A learn B (heartbeats) and leave A's start-up period.
    await new Promise((r) => setTimeout(r, 700));
    const s = state();
    b.put(s, b.ticket());
    expect(b.get(s.consentId)).toEqual(s);
    const t0 = performance.now();
    await a.invalidate(s.consentId);
    expect(performance.now() - t0).toBeLessThan(TTL / 2);
    expect(b.get(s.consentId)).toBeUndefined();
    await Promise.all([a.close(), b.close()]);
  });

  it('does not cache a ledger read that started before an eviction', async () => {
    const a = await started(database.db);
    const s = state();
    const ticket = a.ticket();
    await a.invalidate(s.consentId);
    a.put(s, ticket);
    expect(a.get(s.consentId)).toBeUndefined();
    a.put(s, a.ticket());
    expect(a.get(s.consentId)).toEqual(s);
    await a.close();
  });

  it('waits for a peer that stopped listening until its cache is surely off, not longer', async () => {
    const a = await started(database.db);
    const b = await started(other);
    await new Promise((r) => setTimeout(r, 700));
    const s = state();
    b.put(s, b.ticket());
    await b.close(); // B hears nothing any more; A still counts it as a peer until it goes silent
    const t0 = performance.now();
    await a.invalidate(s.consentId);
    const took = performance.now() - t0;
    expect(took).toBeGreaterThan(200);
    expect(took).toBeLessThan(TTL);
    await a.close();
  });

  it('waits a whole TTL when it cannot notify, and caches nothing with TTL 0', async () => {
    const broken: Database = { ...database.db, notify: async () => Promise.reject(new Error('down')) };
    const a = createConsentCache(broken, 300);
    await a.start();
    const t0 = performance.now();
    await a.invalidate(state().consentId);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(300);
    await a.close();

    const none = createConsentCache(database.db, 0);
    await none.start();
    const s = state();
    none.put(s, none.ticket());
    expect(none.get(s.consentId)).toBeUndefined();
    await none.close();
  });
});
