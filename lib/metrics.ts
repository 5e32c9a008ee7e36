// Prometheus metrics (prom-client), one registry per process, shared by the gateway and the
// adapters running in it. Off until `enableMetrics()` (METRICS_PORT set): then every recorder below
// is a no-op function call and nothing is measured. Labels are bounded by design: routes as
// registered (not URLs), GraphQL operations by their root fields (not the client's operation name),
// partners by name, decisions by outcome and reason code. The README's metrics table mirrors
// METRIC_NAMES; a test scrapes /metrics and checks each is there and moves under load.
import client from 'prom-client';

/** Buckets in seconds, from 5 ms to 10 s: a view takes tens to hundreds of ms. */
const LATENCY = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Log writes are single statements: finer at the low end. */
const WRITE = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

export type BreakerState = 'closed' | 'half-open' | 'open';
const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

export interface Recorders {
  /** One HTTP request answered by the gateway. `route` is the registered route ('(unmatched)' for 404s). */
  httpRequest(method: string, route: string, status: number, seconds: number): void;
  /** One GraphQL operation: `operation` is e.g. `query klant`, `mutation vraagToestemming`. */
  graphqlOperation(operation: string, outcome: 'ok' | 'partial' | 'error', seconds: number): void;
  /** One call from an adapter to its partner's source API. `outcome` is 'ok' or why it failed. */
  partnerCall(partner: string, outcome: string, seconds: number): void;
  breakerState(partner: string, state: BreakerState): void;
  /** One authorization decision (consent and access), as written to the decision log. */
  decision(decision: 'permit' | 'deny', policy: string, reason: string): void;
  /** One batched write of the processing or decision log (group commit). */
  logWrite(log: 'processing' | 'decision', rows: number, seconds: number): void;
  /** One transaction of the report appender: how many uploads it wrote together. */
  uploadBatch(uploads: number): void;
  /** A request refused for its rate (429) or for load (503 from load shedding). */
  refused(kind: 'rate-limit' | 'overload', route: string): void;
}

const noop: Recorders = {
  httpRequest() {},
  graphqlOperation() {},
  partnerCall() {},
  breakerState() {},
  decision() {},
  logWrite() {},
  uploadBatch() {},
  refused() {},
};

/** Live binding: modules call `metrics.x(...)`; it measures once metrics are enabled. */
export let metrics: Recorders = noop;
/** For callers that would compute a label first: skip that work while metrics are off. */
export const metricsEnabled = () => metrics !== noop;

/** Where a gauge reads its state at scrape time: sources registered by their owners, each giving a remover. */
function gaugeSources<T>() {
  const sources = new Set<() => T>();
  const add = (source: () => T): (() => void) => {
    sources.add(source);
    return () => void sources.delete(source);
  };
  return { sources, add };
}

/** The database pool, read at scrape time. */
export interface PoolStats {
  name: string;
  total: number;
  /** Unknown for PGlite (one in-process connection). */
  idle?: number;
  waiting?: number;
}
const { sources: poolSources, add: addPoolSource } = gaugeSources<PoolStats>();
export { addPoolSource };

/** Admission to the graph (gateway/graph/admission.ts), read at scrape time. */
export interface AdmissionStats {
  /** Clients' worth of work running. */
  running: number;
  /** Operations waiting their turn. */
  waiting: number;
}
const { sources: admissionSources, add: addAdmissionSource } = gaugeSources<AdmissionStats>();
export { addAdmissionSource };

export const METRIC_NAMES = [
  'ketenpoort_http_request_duration_seconds',
  'ketenpoort_graphql_operation_duration_seconds',
  'ketenpoort_partner_request_duration_seconds',
  'ketenpoort_partner_errors_total',
  'ketenpoort_partner_circuit_state',
  'ketenpoort_authorization_decisions_total',
  'ketenpoort_log_write_duration_seconds',
  'ketenpoort_log_write_rows_total',
  'ketenpoort_upload_batch_size',
  'ketenpoort_db_pool_connections',
  'ketenpoort_graph_admission',
  'ketenpoort_refusals_total',
  'nodejs_eventloop_lag_seconds',
  'nodejs_eventloop_lag_p99_seconds',
] as const;

export function enableMetrics(): client.Registry {
  if (metrics !== noop) return client.register;
  const register = client.register;
  client.collectDefaultMetrics({ register, eventLoopMonitoringPrecision: 10 });
  const http = new client.Histogram({
    name: 'ketenpoort_http_request_duration_seconds',
    help: 'HTTP requests answered by the gateway, by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY,
  });
  const graphql = new client.Histogram({
    name: 'ketenpoort_graphql_operation_duration_seconds',
    help: 'GraphQL operations by type and root fields, and outcome (ok, partial: some partner missing, error)',
    labelNames: ['operation', 'outcome'],
    buckets: LATENCY,
  });
  const partner = new client.Histogram({
    name: 'ketenpoort_partner_request_duration_seconds',
    help: "Calls from an adapter to its partner's source API, retries included, by partner and outcome",
    labelNames: ['partner', 'outcome'],
    buckets: LATENCY,
  });
  const partnerErrors = new client.Counter({
    name: 'ketenpoort_partner_errors_total',
    help: 'Failed partner calls by partner and reason (timeout, network, http-error, bad-response, circuit-open, credential-refused)',
    labelNames: ['partner', 'reason'],
  });
  const breaker = new client.Gauge({
    name: 'ketenpoort_partner_circuit_state',
    help: "State of each partner's circuit breaker: 0 closed, 1 half-open, 2 open",
    labelNames: ['partner'],
  });
  const decisions = new client.Counter({
    name: 'ketenpoort_authorization_decisions_total',
    help: 'Authorization decisions (consent and access) by decision, policy and reason',
    labelNames: ['decision', 'policy', 'reason'],
  });
  const logWrite = new client.Histogram({
    name: 'ketenpoort_log_write_duration_seconds',
    help: 'Batched writes of the processing and decision logs (one statement each; a statement holding rows of both is observed under both)',
    labelNames: ['log'],
    buckets: WRITE,
  });
  const logRows = new client.Counter({
    name: 'ketenpoort_log_write_rows_total',
    help: 'Rows written to the processing and decision logs',
    labelNames: ['log'],
  });
  const uploadBatch = new client.Histogram({
    name: 'ketenpoort_upload_batch_size',
    help: 'Report uploads written in one transaction by the report appender (concurrent uploads share one)',
    buckets: [1, 2, 5, 10, 20, 50],
  });
  new client.Gauge({
    name: 'ketenpoort_db_pool_connections',
    help: 'Database connections of this process by state (total, idle, waiting: requests queued for one)',
    labelNames: ['pool', 'state'],
    collect() {
      this.reset();
      // Summed per kind: a process may hold more than one (tests run two instances in one).
      const sums = new Map<string, number>();
      const add = (pool: string, state: string, n: number | undefined) => {
        if (n !== undefined) sums.set(`${pool}\0${state}`, (sums.get(`${pool}\0${state}`) ?? 0) + n);
      };
      for (const source of poolSources) {
        const s = source();
        add(s.name, 'total', s.total);
        add(s.name, 'idle', s.idle);
        add(s.name, 'waiting', s.waiting);
      }
      for (const [key, n] of sums) {
        const [pool, state] = key.split('\0');
        this.set({ pool, state }, n);
      }
    },
  });
  new client.Gauge({
    name: 'ketenpoort_graph_admission',
    help: "Admission to the graph: clients' worth of GraphQL work running, and operations waiting their turn",
    labelNames: ['state'],
    collect() {
      let running = 0;
      let waiting = 0;
      for (const source of admissionSources) {
        const s = source();
        running += s.running;
        waiting += s.waiting;
      }
      this.set({ state: 'running_clients' }, running);
      this.set({ state: 'waiting_operations' }, waiting);
    },
  });
  const refusals = new client.Counter({
    name: 'ketenpoort_refusals_total',
    help: 'Requests refused for their rate (429, rate-limit) or shed for load (503, overload), by route',
    labelNames: ['kind', 'route'],
  });
  metrics = {
    httpRequest: (method, route, status, seconds) => http.labels(method, route, String(status)).observe(seconds),
    graphqlOperation: (operation, outcome, seconds) => graphql.labels(operation, outcome).observe(seconds),
    partnerCall(name, outcome, seconds) {
      partner.labels(name, outcome === 'ok' ? 'ok' : 'error').observe(seconds);
      if (outcome !== 'ok') partnerErrors.labels(name, outcome).inc();
    },
    breakerState: (name, state) => breaker.labels(name).set(BREAKER_VALUE[state]),
    decision: (decision, policy, reason) => decisions.labels(decision, policy, reason).inc(),
    logWrite(log, rows, seconds) {
      logWrite.labels(log).observe(seconds);
      logRows.labels(log).inc(rows);
    },
    uploadBatch: (uploads) => uploadBatch.observe(uploads),
    refused: (kind, route) => refusals.labels(kind, route).inc(),
  };
  return register;
}

export const metricsContentType = client.register.contentType;
export const renderMetrics = () => client.register.metrics();
