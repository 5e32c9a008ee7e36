// One time budget per call to a partner: every page, chunk and retry of that call shares it, so
// the answer comes within `timeoutMs` no matter how the work is split.
//
// The budget ends with the call. `AbortSignal.timeout` cannot be cleared: its timer fired for
// every call long after the call had answered, made a DOMException and dispatched an abort nobody
// listened to (4 % of an adapter's CPU under the view's load, bench/compare.ts --profile). Here
// the timer is cleared when the call is over, and a call that failed cancels its requests still in
// flight (a parallel chunk or page), which nobody will read.
export interface Deadline {
  /** Aborts when the budget is spent, or when a failed call is over; pass it to the request. */
  readonly signal: AbortSignal;
  remaining(): number;
}

const CALL_FAILED = Object.freeze(new Error('the call this request belonged to has failed'));

/** Was this request's deadline ended by its call failing (rather than by time)? */
export const callFailed = (deadline: Deadline): boolean => deadline.signal.reason === CALL_FAILED;

/** Runs `call` inside one budget of `timeoutMs`. */
export async function withinDeadline<T>(timeoutMs: number, call: (deadline: Deadline) => Promise<T>): Promise<T> {
  const expiresAt = Date.now() + timeoutMs;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('the partner call took longer than its budget', 'TimeoutError')), timeoutMs);
  timer.unref();
  try {
    return await call({ signal: controller.signal, remaining: () => Math.max(0, expiresAt - Date.now()) });
  } catch (err) {
    if (!controller.signal.aborted) controller.abort(CALL_FAILED);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
