// Starting and stopping a whole Ketenpoort: database, migrations, demo data, the gateway app.
// Used by `ketenpoort serve` and by tests that need a real listening server.
import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { applyMigrations } from './db/migrations.js';
import { seedDemoData } from './demo/seed.js';
import { anchorUnanchoredBlocks } from './rapportage/anchor-existing.js';
import { createKetenSubgraph } from './graph/keten-subgraph.js';
import type { SubgraphService } from './graph/plugin.js';
import { createKeyStore } from './keys/key-store.js';
import { PARTNERS } from '../adapters/common/partner.js';
import { startPartners, type Partners } from '../adapters/start.js';
import { configuredSources } from './partner-sources.js';
import { internalKeyResolver } from './graph/internal-token.js';
import { createChainServices } from './services.js';
import { startSignalScan } from './signals/scheduler.js';
import { startPartitionUpkeep } from './logs/partitions.js';
import { startMetricsServer } from '../lib/metrics-server.js';

export interface Runtime {
  app: FastifyInstance;
  db: Database;
  /** The partner adapters and sandboxes this process runs (tests stop a sandbox through it). */
  partners: Partners;
  url: string;
  /** Where Prometheus scrapes this process (METRICS_PORT set). */
  metricsUrl?: string;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  demo?: boolean;
  /** An already open database (tests share one between two instances). */
  db?: Database;
  /** Where the gateway's log lines go instead of stdout (tests). */
  logDestination?: DestinationStream;
}

export function openConfiguredDatabase(config: Config): Promise<Database> {
  return openDatabase({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, dataDir: join(config.dataDir, 'pglite'), pgliteSharedBuffersMb: config.PGLITE_SHARED_BUFFERS_MB });
}

export async function startRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  // Before anything is opened: a source without its credential is a configuration error.
  const sources = configuredSources(config);
  const ownsDb = !options.db;
  const db = options.db ?? (await openConfiguredDatabase(config));
  // Closed in reverse order after the gateway itself: subgraphs, then partners, then the database.
  const closers: Array<() => Promise<unknown>> = [];
  const closeAll = async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
    if (ownsDb) await db.close();
  };
  try {
    // First, so the partners' breakers and the logs report from their first call.
    const metricsServer = config.METRICS_PORT !== undefined ? await startMetricsServer({ port: config.METRICS_PORT, host: config.METRICS_HOST, token: config.METRICS_TOKEN }) : undefined;
    if (metricsServer) closers.push(() => metricsServer.close());
    const applied = await applyMigrations(db);
    if (options.demo) await seedDemoData(db.prisma);
    const services = createChainServices(config, db, createKeyStore(db.prisma, { encryptionKey: config.keyEncryptionKey }));
    const keten = await createKetenSubgraph(services);
    const ketenUrl = await keten.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => keten.close());
    const partners = await startPartners({
      gatewayIssuer: config.publicUrl,
      getKey: internalKeyResolver(services.keys),
      timeoutMs: config.PARTNER_TIMEOUT_MS,
      sandboxLatencyMs: config.SANDBOX_LATENCY_MS,
      sandboxPopulation: config.SANDBOX_POPULATION,
      logLevel: config.LOG_LEVEL,
      adapterUrls: { uwv: config.UWV_ADAPTER_URL, cwi: config.CWI_ADAPTER_URL, gemeente: config.GEMEENTE_ADAPTER_URL },
      sources,
    });
    closers.push(() => partners.close());
    services.partnerUrls.gemeente = partners.urls.gemeente;
    const subgraphs: SubgraphService[] = [
      { name: 'keten', url: `${ketenUrl}/graphql`, mandatory: true },
      ...PARTNERS.map((name) => ({ name, url: partners.urls[name] })),
    ];
    const app = await buildApp({ config, db, services, subgraphs, logDestination: options.logDestination });
    if (applied.length) app.log.info({ applied }, 'migrations applied');
    await anchorUnanchoredBlocks(db.prisma, services.chainHeads, app.log);
    // The logs' months ahead exist before the first request; expired months go (LOG_RETENTION_MONTHS).
    closers.push(await startPartitionUpkeep(db, app.log, { retentionMonths: config.LOG_RETENTION_MONTHS }));
    const url = await app.listen({ port: config.PORT, host: config.HOST });
    const stopScan = startSignalScan(services, { uwv: partners.urls.uwv, gemeente: partners.urls.gemeente }, app.log);
    closers.push(async () => stopScan());
    let closing: Promise<void> | undefined;
    return {
      app,
      db,
      url,
      metricsUrl: metricsServer?.url,
      partners,
      close() {
        closing ??= (async () => {
          await app.close();
          await closeAll();
        })();
        return closing;
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
