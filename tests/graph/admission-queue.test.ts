// The admission queue's own rules (gateway/graph/admission.ts), where the HTTP tests
// (admission.test.ts) cannot set up the order of events exactly: first come, first served even
// when a lighter one behind would fit; an operation heavier than the limit runs alone; a waiter
// who leaves from the head lets those behind move up; one caller's share holds up only that caller;
// 0 switches admission off.
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
    const a = createAdmission({ clientsInFlight: 100, clientsPerCaller: 0, waitMs: 10_000, retryAfterSeconds: 5 });
    const r1 = response();
    expect(a.admit(60, r1, 'km-a')).toBeUndefined();
    const heavy = tracked(a.admit(60, response(), 'km-a'));
    const light = tracked(a.admit(1, response(), 'km-a'));
    await tick();
    expect([heavy.started, light.started]).toEqual([false, false]);
    expect(a.waiting).toBe(2);
    close(r1);
    await tick();
    expect([heavy.started, light.started]).toEqual([true, true]);
    expect(a.running).toBe(61);
  });

  it('an operation heavier than the limit runs, alone', async () => {
    const a = createAdmission({ clientsInFlight: 50, clientsPerCaller: 0, waitMs: 10_000, retryAfterSeconds: 5 });
    const r1 = response();
    expect(a.admit(10, r1, 'km-a')).toBeUndefined();
    const r2 = response();
    const big = tracked(a.admit(400, r2, 'km-a'));
    const small = tracked(a.admit(1, response(), 'km-a'));
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
    const a = createAdmission({ clientsInFlight: 100, clientsPerCaller: 0, waitMs: 10_000, retryAfterSeconds: 5 });
    expect(a.admit(60, response(), 'km-a')).toBeUndefined();
    const r2 = response();
    const leaving = tracked(a.admit(60, r2, 'km-a'));
    const next = tracked(a.admit(30, response(), 'km-a'));
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
    const a = createAdmission({ clientsInFlight: 10, clientsPerCaller: 0, waitMs: 20, retryAfterSeconds: 5 });
    const r1 = response();
    a.admit(10, r1, 'km-a');
    const late = tracked(a.admit(5, response(), 'km-a'));
    await new Promise((r) => setTimeout(r, 60));
    expect(late.refused).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: { retryAfter: 5 } });
    expect(a.waiting).toBe(0);
    close(r1);
    expect(a.running).toBe(0);
  });

  it('a slot is given back once, however often the response says it closed', () => {
    const a = createAdmission({ clientsInFlight: 10, clientsPerCaller: 0, waitMs: 10_000, retryAfterSeconds: 5 });
    const r1 = response();
    a.admit(4, r1, 'km-a');
    a.admit(4, response(), 'km-a');
    close(r1);
    close(r1);
    expect(a.running).toBe(4);
  });

  it('refuses one whose caller had already gone, taking no slot', async () => {
    const a = createAdmission({ clientsInFlight: 10, clientsPerCaller: 0, waitMs: 10_000, retryAfterSeconds: 5 });
    const gone = Object.assign(response(), { destroyed: true });
    await expect(a.admit(4, gone, 'km-a')!).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(a.running).toBe(0);
  });

  it("one caller's share: their page beyond it waits for their own, and holds up no one else", async () => {
    const a = createAdmission({ clientsInFlight: 100, clientsPerCaller: 50, waitMs: 10_000, retryAfterSeconds: 5 });
    const jan1 = response();
    expect(a.admit(40, jan1, 'km-jan')).toBeUndefined();
    const jan2 = tracked(a.admit(40, response(), 'km-jan'));
    // Within Jan's share and behind his waiting page, yet it starts: Jan's later ones keep their order.
    const janView = tracked(a.admit(1, response(), 'km-jan'));
    const sanne = tracked(a.admit(40, response(), 'km-sanne'));
    await tick();
    expect([jan2.started, janView.started, sanne.started]).toEqual([false, false, true]);
    expect(a.running).toBe(80);
    close(jan1);
    await tick();
    // Jan's page, then his view beside it (41 of his 50).
    expect([jan2.started, janView.started]).toEqual([true, true]);
    expect(a.running).toBe(81);
  });

  it('a caller with nothing running may start one operation heavier than their share; the instance limit still holds for all', async () => {
    const a = createAdmission({ clientsInFlight: 100, clientsPerCaller: 50, waitMs: 10_000, retryAfterSeconds: 5 });
    expect(a.admit(80, response(), 'km-jan')).toBeUndefined();
    const sanne1 = tracked(a.admit(30, response(), 'km-sanne'));
    const piet = tracked(a.admit(10, response(), 'km-piet'));
    await tick();
    // Sanne's 30 do not fit beside Jan's 80; Piet, behind her, waits his turn too (first come, first served).
    expect([sanne1.started, piet.started]).toEqual([false, false]);
    expect(a.waiting).toBe(2);
  });

  it('a share larger than the instance is the instance', () => {
    const a = createAdmission({ clientsInFlight: 10, clientsPerCaller: 500, waitMs: 10_000, retryAfterSeconds: 5 });
    expect(a.admit(6, response(), 'km-jan')).toBeUndefined();
    expect(a.admit(4, response(), 'km-jan')).toBeUndefined();
    expect(a.running).toBe(10);
  });

  it('with 0 admits everything at once', () => {
    const a = createAdmission({ clientsInFlight: 0, clientsPerCaller: 0, waitMs: 10, retryAfterSeconds: 5 });
    for (let i = 0; i < 5; i++) expect(a.admit(1000, response(), 'km-a')).toBeUndefined();
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
