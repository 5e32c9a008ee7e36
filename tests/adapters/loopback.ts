// Test support: servers on 127.0.0.1 port 0, real HTTP calls to them, and a count of the requests
// a sandbox received (to show that a refused call never reached the partner).
import type { FastifyInstance } from 'fastify';

export async function listen(app: FastifyInstance): Promise<string> {
  return app.listen({ host: '127.0.0.1', port: 0 });
}

/** Counts HTTP requests to the partner API itself (not its /health or /openapi.yaml), refused ones
 *  included. At the HTTP server, so no fastify hook order or scope can hide a request from it. */
export function countRequests(sandbox: FastifyInstance): { readonly count: number } {
  const counter = { count: 0 };
  sandbox.server.on('request', (request: { url?: string }) => {
    if (request.url !== '/health' && request.url !== '/openapi.yaml') counter.count++;
  });
  return counter;
}

export interface GraphQLAnswer<T = Record<string, unknown>> {
  status: number;
  body: { data?: T | null; errors?: { message: string; extensions?: Record<string, unknown>; path?: unknown[] }[] };
  ms: number;
}

export async function graphql<T = Record<string, any>>(
  adapterUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<GraphQLAnswer<T>> {
  const started = performance.now();
  const res = await fetch(`${adapterUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as GraphQLAnswer<T>['body'];
  return { status: res.status, body, ms: performance.now() - started };
}

/** The federation query the gateway sends to fetch extension fields of many clients. */
export const ENTITIES = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Klant { FIELDS } } }`;

export function entitiesQuery(fields: string): string {
  return ENTITIES.replace('FIELDS', fields);
}

export const representations = (bsns: string[]) => bsns.map((bsn) => ({ __typename: 'Klant', bsn }));
