// The UWV subgraph: adds `uitkeringen` to the chain's Klant. A list of clients costs one search
// at UWV (a mercurius loader gathers the BSNs of all entities in the request).
import type { FastifyBaseLogger } from 'fastify';
import { isValidBsn } from '../../lib/bsn.js';
import type { SubgraphParts, AdapterContext } from '../common/subgraph-app.js';
import { translated, type SourceHttp } from '../common/source-http.js';
import { createUwvClient } from './client.js';
import { toUitkering } from './mapping.js';

type UwvContext = AdapterContext<object>;

export function uwvSubgraph(source: SourceHttp, log: FastifyBaseLogger): SubgraphParts<object> {
  const client = createUwvClient(source, log);
  return {
    context: () => ({}),
    resolvers: {
      Klant: {
        // UWV holds no "person" record: any valid BSN is a Klant; its uitkeringen may be empty.
        __resolveReference: (ref: { bsn: string }) => ({ bsn: ref.bsn }),
      },
    },
    loaders: {
      Klant: {
        async uitkeringen(queries: { obj: { bsn: string } }[], ctx: UwvContext) {
          const bsns = queries.map((q) => q.obj.bsn).filter(isValidBsn);
          const found = await client.uitkeringenVan(bsns, ctx.call.traceparent);
          return translated('uwv', log, () => queries.map((q) => (found.get(q.obj.bsn) ?? []).map(toUitkering)));
        },
      },
    },
  };
}
