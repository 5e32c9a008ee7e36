/**
 * Asks `fn` until it gives a value (not undefined or false), every `intervalMs`; throws naming
 * `what` when `ms` have passed without one. For what happens after the response has gone.
 */
export async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
