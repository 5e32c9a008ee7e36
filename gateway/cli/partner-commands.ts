// `ketenpoort sandbox <partner>` and `ketenpoort adapter <partner>`: one partner's sandbox or
// adapter as its own service (the distributed set-up: an adapter beside its partner, a sandbox on
// a test machine). Settings only through loadConfig; graceful shutdown on SIGTERM/SIGINT as serve.
import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { createRemoteJWKSet } from 'jose';
import { isPartner, PARTNERS, type Partner } from '../../adapters/common/partner.js';
import { partnerModule } from '../../adapters/start.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { configuredSource, sourceUrlSetting } from '../partner-sources.js';
import { UsageError, type Command } from './command.js';
import { startMetricsServer } from '../../lib/metrics-server.js';
import { shutdownTracing, tracingOn } from '../../lib/tracing.js';

const sandboxHelp = `usage: ketenpoort sandbox <uwv|cwi|gemeente>

Runs one partner's sandbox: a stand-in for that partner's source API with synthetic data for the
demo population, documented by its OpenAPI contract (GET /openapi.yaml). Point an adapter at it
with UWV_SOURCE_URL, CWI_SOURCE_URL or GEMEENTE_SOURCE_URL, and give that adapter the sandbox's
credential as UWV_SOURCE_CREDENTIAL, CWI_SOURCE_CREDENTIAL or GEMEENTE_SOURCE_CREDENTIAL.
It answers nobody without that credential (only /health and /openapi.yaml are open), and it
refuses to start when NODE_ENV=production: sandboxes are synthetic partners.

Settings (environment):
  SANDBOX_CREDENTIAL   bearer secret every caller must send, 16-200 printable characters
                       without spaces, e.g. openssl rand -base64 32 (required)
  HOST                 interface to listen on (default 127.0.0.1)
  SANDBOX_PORT         port (default 0: any free port; the log line names it)
  SANDBOX_LATENCY_MS   delay added to every answer, to try a slow partner (default 0)
  SANDBOX_POPULATION   how many synthetic people the sandbox knows (default 72, the demo population)
  LOG_LEVEL            pino level (default info)`;

const adapterHelp = `usage: ketenpoort adapter <uwv|cwi|gemeente>

Runs one partner's adapter as its own service: a federated GraphQL subgraph at /graphql that
translates the partner's source API. It answers only calls the Ketenpoort gateway signed; give the
gateway its URL with UWV_ADAPTER_URL, CWI_ADAPTER_URL or GEMEENTE_ADAPTER_URL.

Settings (environment):
  <PARTNER>_SOURCE_URL the partner's source API, e.g. UWV_SOURCE_URL (required)
  <PARTNER>_SOURCE_CREDENTIAL
                       the bearer credential that source issued to this adapter, e.g.
                       UWV_SOURCE_CREDENTIAL (required)
  GATEWAY_JWKS_URL     where the gateway publishes its keys, e.g. https://ketenpoort.example/.well-known/jwks.json (required)
  PUBLIC_URL           the gateway's public URL: the only accepted token issuer
  HOST                 interface to listen on (default 127.0.0.1)
  ADAPTER_PORT         port (default 0: any free port; the log line names it)
  PARTNER_TIMEOUT_MS   time limit for one call to the source, retries included (default 1500)
  METRICS_PORT         serve Prometheus metrics at /metrics on this port (default: off)
  LOG_LEVEL            pino level (default info)`;

/** The partner named on the command line; undefined after --help. */
function partnerFrom(args: string[], help: string): Partner | undefined {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (parsed.values.help) {
    console.log(help);
    return undefined;
  }
  const [name, ...rest] = parsed.positionals;
  if (!name) throw new UsageError(`name a partner: ${PARTNERS.join(', ')}`);
  if (!isPartner(name)) throw new UsageError(`unknown partner "${name}"; one of ${PARTNERS.join(', ')}`);
  if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
  return name;
}

/** Listens, then stops gracefully on SIGTERM/SIGINT: in-flight requests finish, then exit 0. */
async function runUntilStopped(app: FastifyInstance, config: Config, port: number, what: Record<string, unknown>): Promise<void> {
  const url = await app.listen({ host: config.HOST, port });
  app.log.info({ ...what, url, traces: tracingOn() }, `${String(what.role)} is listening`);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      app.log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    app.log.info({ signal }, 'shutting down: finishing requests in flight');
    setTimeout(() => {
      app.log.error('shutdown took longer than SHUTDOWN_GRACE_MS: exiting');
      process.exit(1);
    }, config.SHUTDOWN_GRACE_MS).unref();
    // The last spans are exported after the last request (nothing to do with tracing off).
    app.close().then(shutdownTracing).then(
      () => {
        app.log.info('stopped');
        process.exit(0);
      },
      (err) => {
        app.log.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

export const sandboxCommand: Command = {
  summary: "run one partner's sandbox (uwv, cwi, gemeente)",
  help: sandboxHelp,
  async run(args) {
    const partner = partnerFrom(args, sandboxHelp);
    if (!partner) return 0;
    const config = loadConfig(process.env, 'partner');
    if (config.production) throw new ConfigError('NODE_ENV', 'is production: sandboxes are synthetic partners, never in production');
    if (!config.SANDBOX_CREDENTIAL) throw new ConfigError('SANDBOX_CREDENTIAL', `is required for ketenpoort sandbox (the bearer secret its adapter sends as ${partner.toUpperCase()}_SOURCE_CREDENTIAL)`);
    const app = (await partnerModule(partner)).sandbox({
      credential: config.SANDBOX_CREDENTIAL,
      latencyMs: config.SANDBOX_LATENCY_MS,
      logLevel: config.LOG_LEVEL,
      populationSize: config.SANDBOX_POPULATION,
    });
    await runUntilStopped(app, config, config.SANDBOX_PORT, { role: 'sandbox', partner, latencyMs: config.SANDBOX_LATENCY_MS });
  },
};

export const adapterCommand: Command = {
  summary: "run one partner's adapter as its own service (uwv, cwi, gemeente)",
  help: adapterHelp,
  async run(args) {
    const partner = partnerFrom(args, adapterHelp);
    if (!partner) return 0;
    const config = loadConfig(process.env, 'partner');
    const source = configuredSource(config, partner);
    if (!source) throw new ConfigError(sourceUrlSetting(partner), `is required for ketenpoort adapter ${partner} (the partner's source API)`);
    if (!config.GATEWAY_JWKS_URL) throw new ConfigError('GATEWAY_JWKS_URL', 'is required for ketenpoort adapter (the gateway publishes its internal signing keys there)');
    // Before the adapter exists, so its partner calls and circuit breaker are measured from the start.
    if (config.METRICS_PORT !== undefined) await startMetricsServer({ port: config.METRICS_PORT, host: config.METRICS_HOST, token: config.METRICS_TOKEN });
    const app = (await partnerModule(partner)).adapter({
      sourceUrl: source.url,
      sourceCredential: source.credential,
      gatewayIssuer: config.publicUrl,
      getKey: createRemoteJWKSet(new URL(config.GATEWAY_JWKS_URL)),
      timeoutMs: config.PARTNER_TIMEOUT_MS,
      logLevel: config.LOG_LEVEL,
    });
    await runUntilStopped(app, config, config.ADAPTER_PORT, { role: 'adapter', partner, gatewayIssuer: config.publicUrl });
  },
};
