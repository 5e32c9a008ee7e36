// @fastify/rate-limit's store interface over the shared counters (counters.ts): the plugin calls
// `incr(key, callback, timeWindow, max)` per request and `child(routeOptions)` once per route with
// its own limit. Keys already name their group (keys.ts: caller, ip, login), so one set of counters
// serves the global limit and every route's own.
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { SharedCounters } from './counters.js';

type Callback = Parameters<FastifyRateLimitStore['incr']>[1];

export function sharedStore(counters: SharedCounters): FastifyRateLimitStoreCtor {
  return class SharedStore implements FastifyRateLimitStore {
    incr(key: string, callback: Callback, timeWindow: number) {
      callback(null, counters.incr(key, timeWindow));
    }

    /** Without counting (the plugin's `increment: false`). */
    read(key: string, callback: Callback, timeWindow: number) {
      callback(null, counters.peek(key, timeWindow));
    }

    child(): FastifyRateLimitStore {
      return this;
    }
  };
}
