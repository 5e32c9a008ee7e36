// Retries for reads only: a read that met a network error or a 5xx may be asked again, a write
// never (it may have happened). Backoff is exponential with full jitter (so many adapters do not
// retry in step), and a retry is only started when it can still finish inside the deadline.
import type { Deadline } from './deadline.js';

export interface RetryOptions {
  /** Extra attempts after the first; default 2. */
  retries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export interface RetryPolicy {
  run<T>(attempt: () => Promise<T>, options: { deadline: Deadline; read: boolean; retryable: (err: unknown) => boolean }): Promise<T>;
}

/** Don't start an attempt that has less than this left: it could only time out. */
const MIN_ATTEMPT_MS = 25;

export function createRetryPolicy(options: RetryOptions = {}): RetryPolicy {
  const retries = options.retries ?? 2;
  const base = options.baseDelayMs ?? 40;
  const cap = options.maxDelayMs ?? 400;
  return {
    async run(attempt, { deadline, read, retryable }) {
      for (let n = 0; ; n++) {
        try {
          return await attempt();
        } catch (err) {
          if (!read || n >= retries || !retryable(err)) throw err;
          const delay = Math.random() * Math.min(cap, base * 2 ** n);
          if (deadline.remaining() < delay + MIN_ATTEMPT_MS) throw err;
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    },
  };
}
