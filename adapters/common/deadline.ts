// One time budget per call to a partner: every page, chunk and retry of that call shares it, so
// the answer comes within `timeoutMs` no matter how the work is split.
export interface Deadline {
  /** Aborts when the budget is spent; pass it to fetch. */
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  remaining(): number;
}

export function createDeadline(timeoutMs: number): Deadline {
  const expiresAt = Date.now() + timeoutMs;
  return {
    signal: AbortSignal.timeout(timeoutMs),
    timeoutMs,
    remaining: () => Math.max(0, expiresAt - Date.now()),
  };
}
