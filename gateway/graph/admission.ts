// Admission to the graph: at most GRAPH_CLIENTS_IN_FLIGHT clients' worth of work at once in this
// instance; the rest wait their turn, first come first served, for at most GRAPH_ADMISSION_WAIT_MS,
// and are then refused 503 with Retry-After. A one-client view weighs 1, a caseload page the clients
// it asks for (`eerste`), a search its 50 at most.
//
// Why: on two cores shared with PostgreSQL and the partners, twenty caseload pages of 300 at once
// do not finish sooner than a few at a time; they all finish late, and which comes last is chance,
// as the machine's time is shared out in slices. Each also holds its partners' answers in memory
// the whole while, so every young-generation collection copies twenty pages' objects. With a few
// admitted and the others queued, each waits its turn, so the slowest page is not much slower than
// the median (docs/performance.md, "Admission to the graph": the caseload of 300's p99 537.5-1089.5
// ms in five full runs since, against the bare gateway's 634-1441, and the peak memory lower). The
// wait counts in every figure the bench prints: the load generator's clock runs from sending to the
// last byte. A one-client view is never held back unless the caseloads fill the gateway.
//
// One caller's share: at most GRAPH_CALLER_CLIENTS_IN_FLIGHT of it (default half the instance) is
// one caller's at a time. Without it one klantmanager opening caseload pages of 300 in a few tabs,
// or a script under the rate limit, fills the instance and every other caller queues behind them.
// A caller's operation that would pass their share waits for their own earlier ones and does not
// hold up anyone else's: first come, first served among the operations that are within their
// caller's share, and in order within each caller.
//
// A slot is held from the access decision until the answer has left (or the caller hung up): the
// log rows written before the answer are part of the work. A caller who hangs up while waiting
// gives their place away. Hand-written, not p-limit or p-queue: those run a function to its end;
// here a slot is taken in one hook and given back when the response closes, with a weight per
// operation, and that is these few lines.
import type { ServerResponse } from 'node:http';
import { KetenError } from '../errors.js';
import { overloaded } from '../limits/refusals.js';
import type { RootField } from './root-fields.js';

/** At most this many results from a search (schema/gemeente.graphql: zoekKlanten). */
const SEARCH_RESULTS = 50;
/** A caseload page's default size (schema/gemeente.graphql: caseload). */
const DEFAULT_PAGE = 50;

/** How many clients an operation may touch: what it weighs in admission. */
export function operationWeight(fields: readonly RootField[]): number {
  let weight = 0;
  for (const f of fields) {
    if (f.name === 'caseload') weight += typeof f.args.eerste === 'number' ? Math.max(1, f.args.eerste) : DEFAULT_PAGE;
    else if (f.name === 'zoekKlanten') weight += SEARCH_RESULTS;
    else weight += 1;
  }
  return Math.max(1, weight);
}

interface Waiter {
  weight: number;
  /** Who asked (role and subject): their operations together stay within their share. */
  caller: string;
  state: 'waiting' | 'running' | 'gone';
  admit: () => void;
  refuse: (err: KetenError) => void;
  timer?: NodeJS.Timeout;
}

export interface Admission {
  /**
   * Resolves when the operation may run; the slot is given back when `response` closes. Undefined
   * (nothing to wait for) when it may run at once. Rejects with a 503 refusal after the wait limit.
   */
  admit(weight: number, response: ServerResponse, caller: string): Promise<void> | undefined;
  /** Clients' worth of work running now, and operations waiting (metrics, tests). */
  readonly running: number;
  readonly waiting: number;
}

export function createAdmission(o: { clientsInFlight: number; clientsPerCaller: number; waitMs: number; retryAfterSeconds: number }): Admission {
  let running = 0;
  const queue: Waiter[] = [];
  // Clients' worth of work running per caller; a caller with nothing running has no entry.
  const byCaller = new Map<string, number>();
  const share = o.clientsPerCaller > 0 ? Math.min(o.clientsPerCaller, o.clientsInFlight) : o.clientsInFlight;
  // A caller with nothing running may always start one, however heavy: their share never locks them out.
  const withinShare = (w: Waiter) => {
    const mine = byCaller.get(w.caller) ?? 0;
    return mine === 0 || mine + w.weight <= share;
  };

  // First come, first served: one too heavy for what is free holds those behind it, so a caseload
  // page is not passed by view after view. Weights are capped at the limit, so the head always
  // starts once nothing runs. A waiter held by its own caller's share is passed over, and so is
  // every later one of that caller, so each caller's operations start in the order they came.
  const startWhatFits = () => {
    let held: Set<string> | undefined;
    for (let i = 0; i < queue.length; ) {
      const w = queue[i]!;
      if (held?.has(w.caller) || !withinShare(w)) {
        (held ??= new Set()).add(w.caller);
        i++;
        continue;
      }
      if (running + w.weight > o.clientsInFlight) return;
      queue.splice(i, 1);
      start(w);
    }
  };
  const start = (w: Waiter) => {
    if (w.timer) clearTimeout(w.timer);
    w.state = 'running';
    running += w.weight;
    byCaller.set(w.caller, (byCaller.get(w.caller) ?? 0) + w.weight);
    w.admit();
  };
  const release = (w: Waiter) => {
    w.state = 'gone';
    running -= w.weight;
    const mine = byCaller.get(w.caller)! - w.weight;
    if (mine > 0) byCaller.set(w.caller, mine);
    else byCaller.delete(w.caller);
    startWhatFits();
  };
  // A caller gone while waiting, or waited too long, leaves the queue; those behind move up. The
  // request is refused, so that it ends (its decisions still go on record: plugin.ts).
  const leave = (w: Waiter, why: KetenError) => {
    if (w.timer) clearTimeout(w.timer);
    w.state = 'gone';
    const i = queue.indexOf(w);
    if (i >= 0) queue.splice(i, 1);
    startWhatFits();
    w.refuse(why);
  };

  return {
    get running() {
      return running;
    },
    get waiting() {
      return queue.length;
    },
    admit(weight, response, caller) {
      if (o.clientsInFlight <= 0) return undefined;
      // Gone already (hung up while its access was decided): its 'close' has been and will not come again.
      if (response.destroyed || (response as { closed?: boolean }).closed) return Promise.reject(callerGone());
      const w: Waiter = { weight: Math.min(weight, o.clientsInFlight), caller, state: 'waiting', admit: () => {}, refuse: () => {} };
      response.once('close', () => {
        if (w.state === 'running') release(w);
        else if (w.state === 'waiting') leave(w, callerGone());
      });
      queue.push(w);
      startWhatFits();
      if (w.state === 'running') return undefined;
      return new Promise<void>((resolve, reject) => {
        w.admit = resolve;
        w.refuse = reject;
        w.timer = setTimeout(() => leave(w, overloaded(o.retryAfterSeconds)), o.waitMs);
      });
    },
  };
}

/** Nobody reads this answer; the request must still end. */
const callerGone = () => new KetenError('BAD_REQUEST', 'the caller closed the connection before their turn');
