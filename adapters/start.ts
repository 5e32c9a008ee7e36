// Runs the three partner adapters (and, where no real source is configured, their sandboxes) in
// this process, each on its own loopback port, as `ketenpoort serve` does by default. A partner
// whose adapter runs elsewhere (adapterUrls) is neither started nor sandboxed here; a partner with
// a real source (sources) gets its adapter here but no sandbox. A sandbox started here gets a
// random credential that only its own adapter, in this process, is given: nobody else can read it.
import type { FastifyInstance } from 'fastify';
import type { JWTVerifyGetKey } from 'jose';
import type { AdapterOptions } from './common/adapter-options.js';
import type { BreakerOptions } from './common/circuit-breaker.js';
import { PARTNERS, type Partner } from './common/partner.js';
import type { SandboxOptions } from './common/sandbox-app.js';
import { randomCredential } from './common/sandbox-credential.js';

export type { Partner } from './common/partner.js';

export interface PartnerOptions {
  /** The gateway's public URL: the issuer of the internal tokens the adapters accept. */
  gatewayIssuer: string;
  /** Resolves the gateway's internal signing keys (in-process: backed by its key store). */
  getKey: JWTVerifyGetKey;
  /** Budget for one call from an adapter to its source, retries included. */
  timeoutMs: number;
  /** Delay each sandbox adds to every answer. */
  sandboxLatencyMs: number;
  /** How many synthetic people the sandboxes know (default: the demo population). */
  sandboxPopulation?: number;
  logLevel: string;
  /** Adapters running as their own services: used as given, nothing started for that partner. */
  adapterUrls?: Partial<Record<Partner, string>>;
  /** Real source APIs: the adapter is started here, pointed at it, without a sandbox. */
  sources?: Partial<Record<Partner, PartnerSource>>;
  /** Circuit breaker settings for the adapters started here (defaults: see circuit-breaker.ts). */
  breaker?: BreakerOptions;
}

/** A partner's source API and the credential it issued to our adapter. */
export interface PartnerSource {
  url: string;
  credential: string;
}

export interface Partners {
  /** The /graphql URL of each partner's adapter (started here or configured). */
  urls: Record<Partner, string>;
  /** Base URL of each sandbox started here (absent for a partner with a configured source or adapter). */
  sandboxes: Partial<Record<Partner, string>>;
  /** The fastify instances started here, for tests and health checks. */
  instances: { adapters: Partial<Record<Partner, FastifyInstance>>; sandboxes: Partial<Record<Partner, FastifyInstance>> };
  /** Stops one sandbox alone (its adapter keeps running and answers PARTNER_UNAVAILABLE). */
  stopSandbox(partner: Partner): Promise<void>;
  /** Stops everything started here; safe to call more than once. */
  close(): Promise<void>;
}

export interface PartnerModule {
  sandbox(o: SandboxOptions): FastifyInstance;
  adapter(o: AdapterOptions): FastifyInstance;
}
// Loaded only for a partner this process runs: a gateway whose adapters run beside their partners
// (production, the benchmark) does not carry the adapters' and sandboxes' code and data.
const MODULES: Record<Partner, () => Promise<PartnerModule>> = {
  uwv: async () => {
    const m = await import('./uwv/index.js');
    return { sandbox: m.createUwvSandbox, adapter: m.createUwvAdapter };
  },
  cwi: async () => {
    const m = await import('./cwi/index.js');
    return { sandbox: m.createCwiSandbox, adapter: m.createCwiAdapter };
  },
  gemeente: async () => {
    const m = await import('./gemeente/index.js');
    return { sandbox: m.createGemeenteSandbox, adapter: m.createGemeenteAdapter };
  },
};
/** A partner's sandbox and adapter factories, loaded on first use. */
export const partnerModule = (partner: Partner): Promise<PartnerModule> => MODULES[partner]();

const LOOPBACK = '127.0.0.1';
/** In-process, the gateway logs each request with its trace id; partner request lines would be
 * duplicates (several per gateway request), so they appear only when debugging. */
const logsRequests = (level: string) => level === 'debug' || level === 'trace';

/** An adapter URL as configured: a bare origin means its /graphql. */
export function graphqlUrl(configured: string): string {
  const url = new URL(configured);
  if (url.pathname === '' || url.pathname === '/') url.pathname = '/graphql';
  return url.toString();
}

export async function startPartners(options: PartnerOptions): Promise<Partners> {
  const adapters: Partial<Record<Partner, FastifyInstance>> = {};
  const sandboxes: Partial<Record<Partner, FastifyInstance>> = {};
  const sandboxUrls: Partial<Record<Partner, string>> = {};
  const urls = {} as Record<Partner, string>;
  const stopped = new Map<Partner, Promise<void>>();

  const stopSandbox = (partner: Partner) => {
    const app = sandboxes[partner];
    if (!app) return Promise.resolve();
    if (!stopped.has(partner)) stopped.set(partner, app.close().then(() => undefined));
    return stopped.get(partner)!;
  };
  let closing: Promise<void> | undefined;
  const close = () => {
    // Adapters first, so none calls a sandbox that is already gone.
    closing ??= Promise.allSettled(Object.values(adapters).map((a) => a.close()))
      .then(() => Promise.allSettled(PARTNERS.map(stopSandbox)))
      .then(() => undefined);
    return closing;
  };

  async function startOne(partner: Partner) {
    const configured = options.adapterUrls?.[partner];
    if (configured) {
      urls[partner] = graphqlUrl(configured);
      return;
    }
    const module = await partnerModule(partner);
    let source = options.sources?.[partner];
    if (!source) {
      const credential = randomCredential();
      const sandbox = module.sandbox({
        credential,
        latencyMs: options.sandboxLatencyMs,
        populationSize: options.sandboxPopulation,
        logLevel: options.logLevel,
        logRequests: logsRequests(options.logLevel),
      });
      sandboxes[partner] = sandbox;
      source = { url: await sandbox.listen({ host: LOOPBACK, port: 0 }), credential };
      sandboxUrls[partner] = source.url;
    }
    const adapter = module.adapter({
      sourceUrl: source.url,
      sourceCredential: source.credential,
      gatewayIssuer: options.gatewayIssuer,
      getKey: options.getKey,
      timeoutMs: options.timeoutMs,
      breaker: options.breaker,
      logLevel: options.logLevel,
      logRequests: logsRequests(options.logLevel),
    });
    adapters[partner] = adapter;
    urls[partner] = `${await adapter.listen({ host: LOOPBACK, port: 0 })}/graphql`;
  }

  const started = await Promise.allSettled(PARTNERS.map(startOne));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await close();
    throw failed.reason;
  }
  return { urls, sandboxes: sandboxUrls, instances: { adapters, sandboxes }, stopSandbox, close };
}
