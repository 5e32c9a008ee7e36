// The admission queue's own rules (gateway/graph/admission.ts), where the HTTP tests
// (admission.test.ts) cannot set up the order of events exactly: first come, first served even
// when a lighter one behind would fit; an operation heavier than the limit runs alone; a waiter
// who leaves from the head lets those behind move up; 0 switches admission off.
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createAdmission, operationWeight } from '../../gateway/graph/admission.js';
import type { RootField } from '../../gateway/graph/root-fields.js';

/** Only what admission uses of a response: its 'close' event. */
const response = () => new EventEmitter() as unknown as ServerResponse;
const close = (r: ServerResponse) => (r as unknown as EventEmitter).emit('close');

function tracked(p: Promise<void> | undefined) {
  const s = { started: p === undefined, refused: undefined as unknown };
  p?.then(
    () => (s.started = true),
    (err) => (s.refused = err),
  );
  return s;
}
const tick = () => new Promise((r) => setImmediate(r));

describe('admission', () => {
  it('first come, first served: a light operation waits behind a heavy one that does not fit yet', async () => {
    const a = createAdmission({ clientsInFlight: 100, waitMs: 10_000, retryAfterSeconds: 5 });
    const r1 = response();
    expect(a.admit(60, r1)).toBeUndefined();
    const heavy = tracked(a.admit(60, response()));
    const light = tracked(a.admit(1, response()));
    await tick();
    expect([heavy.started, light.started]).toEqual([false, false]);
    expect(a.waiting).toBe(2);
    close(r1);
    await tick();
    expect([heavy.started, light.started]).toEqual([true, true]);
    expect(a.running).toBe(61);
  });

  it('an operation heavier than the limit runs, alone', async () => {
    const a = createAdmission({ clientsInFlight: 50, waitMs: 10_000, retryAfterSeconds: 5 });
    const r1 = response();
    expect(a.admit(10, r1)).toBeUndefined();
    const r2 = response();
    const big = tracked(a.admit(400, r2));
    const small = tracked(a.admit(1, response()));
    await tick();
    expect(big.started).toBe(false);
    close(r1);
    await tick();
    expect([big.started, small.started]).toEqual([true, false]);
    expect(a.running).toBe(50);
    close(r2);
    await tick();
    expect(small.started).toBe(true);
  });

  it('a waiter who leaves from the head lets the next move up, and is refused so its request ends', async () => {
    const a = createAdmission({ clientsInFlight: 100, waitMs: 10_000, retryAfterSeconds: 5 });
    expect(a.admit(60, response())).toBeUndefined();
    const r2 = response();
    const leaving = tracked(a.admit(60, r2));
    const next = tracked(a.admit(30, response()));
    await tick();
    expect(next.started).toBe(false);
    close(r2);
    await tick();
    expect(leaving.started).toBe(false);
    expect(leaving.refused).toMatchObject({ code: 'BAD_REQUEST' });
    expect(next.started).toBe(true);
    expect(a.running).toBe(90);
    expect(a.waiting).toBe(0);
  });

  it('refuses one who waited too long with SERVICE_UNAVAILABLE and a Retry-After; its place is gone', async () => {
    const a = createAdmission({ clientsInFlight: 10, waitMs: 20, retryAfterSeconds: 5 });
    const r1 = response();
    a.admit(10, r1);
    const late = tracked(a.admit(5, response()));
    await new Promise((r) => setTimeout(r, 60));
    expect(late.refused).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: { retryAfter: 5 } });
    expect(a.waiting).toBe(0);
    close(r1);
    expect(a.running).toBe(0);
  });

  it('a slot is given back once, however often the response says it closed', () => {
    const a = createAdmission({ clientsInFlight: 10, waitMs: 10_000, retryAfterSeconds: 5 });
    const r1 = response();
    a.admit(4, r1);
    a.admit(4, response());
    close(r1);
    close(r1);
    expect(a.running).toBe(4);
  });

  it('refuses one whose caller had already gone, taking no slot', async () => {
    const a = createAdmission({ clientsInFlight: 10, waitMs: 10_000, retryAfterSeconds: 5 });
    const gone = Object.assign(response(), { destroyed: true });
    await expect(a.admit(4, gone)!).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(a.running).toBe(0);
  });

  it('with 0 admits everything at once', () => {
    const a = createAdmission({ clientsInFlight: 0, waitMs: 10, retryAfterSeconds: 5 });
    for (let i = 0; i < 5; i++) expect(a.admit(1000, response())).toBeUndefined();
    expect(a.running).toBe(0);
  });
});

describe('operationWeight', () => {
  const field = (name: string, args: Record<string, unknown> = {}) => ({ name, args }) as RootField;
  it('a view weighs 1, a caseload page its size (50 when not given), a search 50; fields add up', () => {
    expect(operationWeight([field('klant', { bsn: '1' })])).toBe(1);
    expect(operationWeight([field('caseload', { eerste: 300 })])).toBe(300);
    expect(operationWeight([field('caseload')])).toBe(50);
    expect(operationWeight([field('zoekKlanten', { naam: 'x' })])).toBe(50);
    expect(operationWeight([field('caseload', { eerste: 300 }), field('caseload', { eerste: 300 }), field('klant')])).toBe(601);
    expect(operationWeight([])).toBe(1);
  });
});
