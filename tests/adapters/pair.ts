// Test support: one partner's sandbox and adapter on loopback ports, sharing a fresh credential,
// with a count of the calls that reached the sandbox's API.
import type { FastifyInstance } from 'fastify';
import type { AdapterOptions } from '../../adapters/common/adapter-options.js';
import type { Partner } from '../../adapters/common/partner.js';
import { randomCredential } from '../../adapters/common/sandbox-credential.js';
import { createCwiAdapter, createCwiSandbox } from '../../adapters/cwi/index.js';
import { createGemeenteAdapter, createGemeenteSandbox } from '../../adapters/gemeente/index.js';
import { createUwvAdapter, createUwvSandbox } from '../../adapters/uwv/index.js';
import { ISSUER, type TestSigner } from './internal-tokens.js';
import { countRequests, listen } from './loopback.js';

const factories = {
  uwv: [createUwvSandbox, createUwvAdapter],
  cwi: [createCwiSandbox, createCwiAdapter],
  gemeente: [createGemeenteSandbox, createGemeenteAdapter],
} as const;

export interface Pair {
  sandbox: FastifyInstance;
  adapter: FastifyInstance;
  sandboxUrl: string;
  adapterUrl: string;
  /** What the sandbox demands (and the adapter sends, unless the test gave it another). */
  credential: string;
  sourceCalls: { readonly count: number };
  close(): Promise<void>;
}

export async function startPair(
  partner: Partner,
  signer: TestSigner,
  options: { latencyMs?: number; adapter?: Partial<AdapterOptions> } = {},
): Promise<Pair> {
  const [createSandbox, createAdapter] = factories[partner];
  const credential = randomCredential();
  const sandbox = createSandbox({ credential, latencyMs: options.latencyMs, logLevel: 'silent' });
  const sourceCalls = countRequests(sandbox);
  const sandboxUrl = await listen(sandbox);
  const adapter = createAdapter({ sourceUrl: sandboxUrl, sourceCredential: credential, gatewayIssuer: ISSUER, getKey: signer.getKey, logLevel: 'silent', ...options.adapter });
  const adapterUrl = await listen(adapter);
  return {
    sandbox,
    adapter,
    sandboxUrl,
    adapterUrl,
    credential,
    sourceCalls,
    async close() {
      await adapter.close();
      await sandbox.close();
    },
  };
}
