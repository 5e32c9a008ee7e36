// The benchmarks measure the gateway's work, not its refusals: every rate limit far above any load
// a bench generates (a bench's few callers send thousands of requests a minute each), and no load
// shedding (a caseload page of 300 under 20 connections lags the event loop past the default
// threshold by design of the test: the bench measures capacity, not the shedding). No share per
// caller in admission either: the bench's 20 connections stand for 20 klantmanagers, but send with
// one klantmanager's token (one caseload of 300+ to page through); admission itself stays as shipped.
export const BENCH_LIMITS = {
  RATE_LIMIT_PER_MINUTE: '1000000',
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000',
  RATE_LIMIT_LOGIN_PER_MINUTE: '1000000',
  RATE_LIMIT_CONSENT_GRANTS_PER_HOUR: '1000000',
  PRESSURE_EVENT_LOOP_DELAY_MS: '0',
  GRAPH_CALLER_CLIENTS_IN_FLIGHT: '0',
} as const;
