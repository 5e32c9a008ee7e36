// The bare gateway of the comparison run: @mercuriusjs/gateway over the same three adapters,
// configured as its documentation shows (jit on, and batched queries to the adapters as Ketenpoort
// sends them), with nothing of Ketenpoort on it: no bearer token check, no policy, no logs. It
// only adds the internal token the adapters demand, signed once per 30 s. Started by
// bench/compare.ts as its own process.
import mercuriusGateway from '@mercuriusjs/gateway';
import Fastify from 'fastify';
import { internalTokens } from '../support/bench-issuer.js';

const partners = ['uwv', 'cwi', 'gemeente'] as const;
const urls = { uwv: process.env.UWV_ADAPTER_URL!, cwi: process.env.CWI_ADAPTER_URL!, gemeente: process.env.GEMEENTE_ADAPTER_URL! };
const tokenFor = await internalTokens(process.env, partners);

const app = Fastify({ logger: false });
app.get('/health', async () => ({ status: 'ok' }));
await app.register(mercuriusGateway as never, {
  jit: 1,
  path: '/graphql',
  gateway: {
    services: partners.map((name) => ({
      name,
      url: urls[name],
      mandatory: true,
      // As Ketenpoort calls the adapters: the queries for one adapter in one tick as one batch.
      allowBatchedQueries: true,
      rewriteHeaders: () => ({ authorization: `Bearer ${tokenFor(name)}` }),
      initHeaders: () => ({ authorization: `Bearer ${tokenFor(name)}` }),
    })),
  },
} as never);

const url = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
console.log(JSON.stringify({ msg: 'bare gateway is listening', url }));
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
