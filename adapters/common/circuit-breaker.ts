// One circuit breaker per partner (opossum). After repeated failures it opens and every call fails
// at once for `resetTimeoutMs`, so a dead partner costs the gateway nothing and gets room to
// recover; then one trial call decides whether it closes again. Refusals that are our own fault
// (4xx other than 429) do not count: the partner is up.
import CircuitBreaker from 'opossum';
import type { BreakerState } from '../../lib/metrics.js';

export interface BreakerOptions {
  /** Share of failed calls in the rolling window that opens the circuit; default 50 %. */
  errorThresholdPercentage?: number;
  /** Calls in the window before the share counts at all; default 5. */
  volumeThreshold?: number;
  /** How long the circuit stays open before a trial call; default 10 s. */
  resetTimeoutMs?: number;
  /** Length of the rolling window; default 10 s. */
  rollingWindowMs?: number;
}

export interface Breaker {
  call<T>(action: () => Promise<T>): Promise<T>;
  readonly opened: boolean;
  shutdown(): void;
}

export class OpenCircuitError extends Error {}

export function createBreaker(name: string, options: BreakerOptions, isOwnFault: (err: unknown) => boolean, onState?: (state: BreakerState) => void): Breaker {
  const breaker = new CircuitBreaker(async (action: () => Promise<unknown>) => action(), {
    name,
    // The deadline is enforced by the call itself (it aborts the request); opossum's own timer
    // would leave the request running.
    timeout: false,
    errorThresholdPercentage: options.errorThresholdPercentage ?? 50,
    volumeThreshold: options.volumeThreshold ?? 5,
    resetTimeout: options.resetTimeoutMs ?? 10_000,
    rollingCountTimeout: options.rollingWindowMs ?? 10_000,
    rollingCountBuckets: 10,
    errorFilter: isOwnFault,
  });
  if (onState) {
    onState('closed');
    breaker.on('open', () => onState('open'));
    breaker.on('halfOpen', () => onState('half-open'));
    breaker.on('close', () => onState('closed'));
  }
  return {
    async call<T>(action: () => Promise<T>): Promise<T> {
      try {
        return (await breaker.fire(action)) as T;
      } catch (err) {
        if ((err as { code?: string }).code === 'EOPENBREAKER') throw new OpenCircuitError(`circuit ${name} is open`);
        throw err;
      }
    },
    get opened() {
      return breaker.opened;
    },
    shutdown: () => breaker.shutdown(),
  };
}
