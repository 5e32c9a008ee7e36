// GET /metrics on its own port (METRICS_PORT), apart from the API: Prometheus scrapes it inside the
// platform's network, and the API's port never shows operational detail. With METRICS_TOKEN set it
// also asks for that bearer credential. node:http, not fastify: one route needs no framework.
import { timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { enableMetrics, metricsContentType, renderMetrics } from './metrics.js';
import { promptClose } from './prompt-close.js';

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export async function startMetricsServer(options: { port: number; host: string; token?: string }): Promise<MetricsServer> {
  enableMetrics();
  const expected = options.token ? `Bearer ${options.token}` : undefined;
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (expected && !same(request.headers.authorization ?? '', expected)) {
      response.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer realm="metrics"' }).end('unauthorized\n');
      return;
    }
    renderMetrics().then(
      (text) => response.writeHead(200, { 'content-type': metricsContentType, 'cache-control': 'no-store' }).end(text),
      () => response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
    );
  });
  const closing = promptClose(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        closing();
      }),
  };
}
