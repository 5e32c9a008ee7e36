// The gateway's side of a partner adapter: the connection pool the mercurius gateway sends that
// subgraph's calls through, behind a circuit breaker. An adapter names its partner when the
// partner fails; when the adapter itself is gone (its process killed, its host down), nobody
// would: a refused connection or a cut socket then answers PARTNER_UNAVAILABLE naming the
// partner, so the rest of the answer still comes. After repeated failures the circuit opens and
// calls fail at once, without waiting for a connection; a trial call after `resetTimeoutMs` closes
// it again when the adapter is back. Its state is in /ready's detail (gateway/health.ts).
import { Pool } from 'undici';
import type { FastifyBaseLogger } from 'fastify';
import { createBreaker, OpenCircuitError, type BreakerOptions } from '../../adapters/common/circuit-breaker.js';
import type { BreakerState } from '../../lib/metrics.js';

/** Short enough that "whole again within seconds" after an adapter restarts holds. */
export const ADAPTER_BREAKER = { volumeThreshold: 5, errorThresholdPercentage: 50, resetTimeoutMs: 3000, rollingWindowMs: 10_000 } satisfies BreakerOptions;

type PoolRequest = Parameters<Pool['request']>[0];
type PoolResponse = Awaited<ReturnType<Pool['request']>>;

export interface AdapterCircuit {
  /** What @mercuriusjs/gateway calls as the service's `agent` (it uses only `request`). */
  agent: { request(opts: PoolRequest): Promise<PoolResponse> };
  state(): BreakerState;
  close(): Promise<void>;
}

function unavailable(partner: string, reason: 'circuit-open' | 'network'): Error {
  // `extensions` travels with the error through the gateway's error formatter (error-format.ts).
  return Object.assign(new Error(`${partner} is not available at the moment`), { extensions: { code: 'PARTNER_UNAVAILABLE', partner, reason } });
}

export function createAdapterCircuit(partner: string, url: string, o: { timeoutMs: number; log: FastifyBaseLogger; breaker?: BreakerOptions }): AdapterCircuit {
  const pool = new Pool(new URL(url).origin, { bodyTimeout: o.timeoutMs, headersTimeout: o.timeoutMs, connections: 10, keepAliveMaxTimeout: 5000 });
  let current: BreakerState = 'closed';
  const breaker = createBreaker(`adapter-${partner}`, o.breaker ?? ADAPTER_BREAKER, () => false, (state) => {
    if (state !== current) o.log[state === 'open' ? 'warn' : 'info']({ partner, circuit: state }, 'adapter circuit');
    current = state;
  });
  return {
    agent: {
      async request(opts) {
        try {
          return await breaker.call(() => pool.request(opts) as Promise<PoolResponse>);
        } catch (err) {
          throw unavailable(partner, err instanceof OpenCircuitError ? 'circuit-open' : 'network');
        }
      },
    },
    state: () => current,
    async close() {
      breaker.shutdown();
      await pool.destroy();
    },
  };
}
