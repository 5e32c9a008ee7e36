// The gateway asks every subgraph for its schema again every 10 s (gateway/graph/plugin.ts,
// pollingInterval), so a partner's adapter that comes up after the gateway, or changes, is picked
// up. As shipped, @mercuriusjs/gateway then built each subgraph's schema again from its SDL on every
// poll, unchanged or not, blocking the event loop for every subgraph while requests waited. The
// patch in patches/@mercuriusjs+gateway+5.2.0.patch keeps the built schema when the SDL is the
// same. This checks both ways on a mercurius gateway over one subgraph whose SDL the test sets.
import mercuriusGateway from '@mercuriusjs/gateway';
import Fastify, { type FastifyInstance } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface ServiceState {
  schema: GraphQLSchema;
  schemaDefinition: string;
}
interface GatewayHandle {
  serviceMap: Record<string, ServiceState>;
  refresh(): Promise<GraphQLSchema | null>;
}

let sdl = 'type Query { hallo: String }';
let sdlRequests = 0;
let subgraph: FastifyInstance;
let gateway: FastifyInstance;
const handle = () => (gateway as unknown as { graphqlGateway: GatewayHandle }).graphqlGateway;

beforeAll(async () => {
  subgraph = Fastify();
  subgraph.post('/graphql', async (request) => {
    const query = (request.body as { query: string }).query;
    if (!query.includes('_service')) return { data: { hallo: 'dag' } };
    sdlRequests++;
    return { data: { _service: { sdl } } };
  });
  const url = await subgraph.listen({ port: 0, host: '127.0.0.1' });
  gateway = Fastify();
  await gateway.register(mercuriusGateway as never, { gateway: { services: [{ name: 'svc', url: `${url}/graphql` }] } } as never);
  await gateway.ready();
});

afterAll(async () => {
  await gateway?.close();
  await subgraph?.close();
});

describe('polling the subgraphs’ schemas', () => {
  it('asks for the SDL again but keeps the built schema when it is unchanged', async () => {
    const built = handle().serviceMap.svc!.schema;
    const before = sdlRequests;
    expect(await handle().refresh()).toBeNull();
    expect(sdlRequests).toBe(before + 1);
    expect(handle().serviceMap.svc!.schema).toBe(built);
  });

  it('builds the subgraph’s schema again, and the gateway’s, when the SDL changed', async () => {
    const built = handle().serviceMap.svc!.schema;
    sdl = 'type Query { hallo: String\n  tot: String }';
    const replaced = await handle().refresh();
    expect(replaced).not.toBeNull();
    expect(handle().serviceMap.svc!.schema).not.toBe(built);
    expect(handle().serviceMap.svc!.schema.getQueryType()!.getFields().tot).toBeDefined();
    expect(replaced!.getQueryType()!.getFields().tot).toBeDefined();
  });
});
