// The gemeente adapter and sandbox. `createGemeenteAdapter` returns a fastify instance (not
// listening) that serves the gemeente subgraph at /graphql for calls the gateway signed.
import type { FastifyInstance } from 'fastify';
import type { AdapterOptions } from '../common/adapter-options.js';
import { createSubgraphApp } from '../common/subgraph-app.js';
import { gemeenteSubgraph } from './subgraph.js';

export { createGemeenteSandbox } from './sandbox.js';

export function createGemeenteAdapter(options: AdapterOptions): FastifyInstance {
  return createSubgraphApp('gemeente', options, ({ source, log }) => gemeenteSubgraph(source, log));
}
