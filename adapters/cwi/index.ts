// The CWI adapter and sandbox. `createCwiAdapter` returns a fastify instance (not listening) that
// serves the CWI subgraph at /graphql for calls the gateway signed.
import type { FastifyInstance } from 'fastify';
import type { AdapterOptions } from '../common/adapter-options.js';
import { createSubgraphApp } from '../common/subgraph-app.js';
import { cwiSubgraph } from './subgraph.js';

export { createCwiSandbox } from './sandbox.js';

export function createCwiAdapter(options: AdapterOptions): FastifyInstance {
  return createSubgraphApp('cwi', options, ({ source, log }) => cwiSubgraph(source, log));
}
