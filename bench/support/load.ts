// One measurement: autocannon with a fixed number of connections, a warm-up that is thrown away,
// then the measured window. Every request comes from `next()`, so the workload can rotate through
// clients, pages and blocks (nothing is answered from one cached response). An answer with another
// status than expected, or a GraphQL answer with errors, counts as an error.
import autocannon from 'autocannon';
import { cpuDuring, perRequest, type CpuGroups, type CpuPerRequest } from './cpu.js';
import { peakRssDuring } from './processes.js';

export interface NextRequest {
  path?: string;
  headers?: Record<string, string>;
  body: string;
}

export interface LoadOptions {
  /** Origin and default path. */
  url: string;
  headers?: Record<string, string>;
  next: () => NextRequest;
  /** The status a good answer has; default 200. */
  status?: number;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  /** The process whose memory is reported. */
  pid: number;
  /** Whose CPU per request is reported, read when the measured window starts (after the warm-up). */
  cpu?: () => CpuGroups;
}

export interface LoadResult extends Partial<CpuPerRequest> {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  peak_rss_mb: number;
  requests: number;
  errors: number;
}

/** `duration` seconds of load as `o` describes; the answers that were not good are counted. */
async function drive(o: Omit<LoadOptions, 'pid' | 'seconds' | 'warmupSeconds' | 'cpu'>, duration: number) {
  const good = o.status ?? 200;
  let bad = 0;
  const r = await autocannon({
    url: o.url,
    method: 'POST',
    connections: o.connections,
    duration,
    headers: { 'content-type': 'application/json', ...o.headers },
    requests: [
      {
        setupRequest: (req: any) => {
          const n = o.next();
          return { ...req, ...(n.path ? { path: n.path } : {}), headers: { ...req.headers, ...n.headers }, body: n.body };
        },
        onResponse: (status: number, body: string) => {
          if (status !== good || body.includes('"errors":[{')) bad++;
        },
      },
    ],
  } as autocannon.Options);
  return { r, bad };
}

/** Load that is not measured: `o.warmupSeconds` of it, to warm a target and the processes behind it. */
export async function warmUp(o: Omit<LoadOptions, 'pid' | 'seconds' | 'cpu'>): Promise<void> {
  await drive(o, o.warmupSeconds);
}

export async function measure(o: LoadOptions): Promise<LoadResult> {
  const run = (duration: number) => drive(o, duration);
  await run(o.warmupSeconds);
  const groups = o.cpu?.() ?? { gateway: [o.pid], partners: null, database: null };
  const { result: measured, seconds } = await cpuDuring(groups, () => peakRssDuring(o.pid, () => run(o.seconds)));
  const { result, peakMb } = measured;
  const { r, bad } = result;
  return {
    ...perRequest(seconds, r.requests.total),
    rps: Math.round(r.requests.average * 10) / 10,
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    peak_rss_mb: Math.round(peakMb),
    requests: r.requests.total,
    errors: bad + r.errors + r.timeouts,
  };
}
