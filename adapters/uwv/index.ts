// The UWV adapter and sandbox. `createUwvAdapter` returns a fastify instance (not listening) that
// serves the UWV subgraph at /graphql for calls the gateway signed.
import type { FastifyInstance } from 'fastify';
import type { AdapterOptions } from '../common/adapter-options.js';
import { createSubgraphApp } from '../common/subgraph-app.js';
import { uwvSubgraph } from './subgraph.js';

export { createUwvSandbox } from './sandbox.js';

export function createUwvAdapter(options: AdapterOptions): FastifyInstance {
  return createSubgraphApp('uwv', options, ({ source, log }) => uwvSubgraph(source, log));
}
