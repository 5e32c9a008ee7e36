// The three partners as a deployment has them: each partner's source API (here its sandbox) and its
// adapter, every one a process of its own, the adapter holding the credential its sandbox demands.
// Shared by the comparison run and the soak run; the soak run kills an adapter with SIGKILL and
// starts it again on the same port, as a crashed service restarted by its supervisor would be.
import { randomBytes } from 'node:crypto';
import { PARTNERS, type Partner } from '../../adapters/common/partner.js';
import type { BenchIssuer } from './bench-issuer.js';
import { freePort, KETENPOORT_BIN, startProcess, type Proc } from './processes.js';

export interface PartnerProcesses {
  /** The /graphql URL of each partner's adapter. */
  adapterUrls: Record<Partner, string>;
  procs(): Proc[];
  /** Kills the partner's adapter at once (SIGKILL): no shutdown, connections cut mid-answer. */
  crash(partner: Partner): void;
  /** Starts the partner's adapter again on its port; resolves when it answers /health. */
  restart(partner: Partner): Promise<void>;
  stop(): Promise<void>;
}

/** Where a gateway (Ketenpoort, the bare gateway, the ceiling) finds the partners' adapters. */
export const adapterEnv = (urls: Record<Partner, string>) => ({
  UWV_ADAPTER_URL: urls.uwv,
  CWI_ADAPTER_URL: urls.cwi,
  GEMEENTE_ADAPTER_URL: urls.gemeente,
});

export async function startPartnerProcesses(o: { issuer: BenchIssuer; population: string; node?: string[]; logLevel?: string }): Promise<PartnerProcesses> {
  const node = o.node ?? [];
  const quiet = { LOG_LEVEL: o.logLevel ?? 'warn', NODE_ENV: 'development' };
  const sandboxes = new Map<Partner, Proc>();
  const adapters = new Map<Partner, Proc>();
  const adapterStart = new Map<Partner, () => Promise<Proc>>();
  const adapterUrls = {} as Record<Partner, string>;
  for (const partner of PARTNERS) {
    const credential = randomBytes(24).toString('base64url');
    const sandboxPort = await freePort();
    const sandbox = await startProcess(`sandbox ${partner}`, [...node, KETENPOORT_BIN, 'sandbox', partner],
      { ...quiet, SANDBOX_PORT: String(sandboxPort), SANDBOX_POPULATION: o.population, SANDBOX_CREDENTIAL: credential }, { url: `http://127.0.0.1:${sandboxPort}` });
    sandboxes.set(partner, sandbox);
    const adapterPort = await freePort();
    const env = {
      ...quiet,
      ADAPTER_PORT: String(adapterPort),
      [`${partner.toUpperCase()}_SOURCE_URL`]: sandbox.url,
      [`${partner.toUpperCase()}_SOURCE_CREDENTIAL`]: credential,
      PUBLIC_URL: o.issuer.issuer,
      GATEWAY_JWKS_URL: o.issuer.jwksUrl,
    };
    const start = () => startProcess(`adapter ${partner}`, [...node, KETENPOORT_BIN, 'adapter', partner], env, { url: `http://127.0.0.1:${adapterPort}` });
    adapterStart.set(partner, start);
    adapters.set(partner, await start());
    adapterUrls[partner] = `http://127.0.0.1:${adapterPort}/graphql`;
  }
  return {
    adapterUrls,
    procs: () => [...sandboxes.values(), ...adapters.values()],
    crash(partner) {
      process.kill(adapters.get(partner)!.pid, 'SIGKILL');
    },
    async restart(partner) {
      await adapters.get(partner)!.stop();
      adapters.set(partner, await adapterStart.get(partner)!());
    },
    async stop() {
      await Promise.all([...adapters.values(), ...sandboxes.values()].map((p) => p.stop()));
    },
  };
}
