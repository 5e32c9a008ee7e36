// The UWV subgraph: adds `uitkeringen` to the chain's Klant. A list of clients costs one search
// at UWV (a mercurius loader gathers the BSNs of all entities in the request).
import type { FastifyBaseLogger } from 'fastify';
import { isValidBsn } from '../../lib/bsn.js';
import type { SubgraphParts, AdapterContext } from '../common/subgraph-app.js';
import { translated, type SourceHttp } from '../common/source-http.js';
import { createUwvClient } from './client.js';
import { toUitkering } from './mapping.js';
import { badUserInput, forbidden } from '../common/errors.js';

type UwvContext = AdapterContext<object>;

export function uwvSubgraph(source: SourceHttp, log: FastifyBaseLogger): SubgraphParts<object> {
  const client = createUwvClient(source, log);
  return {
    context: () => ({}),
    resolvers: {
      Query: {
        // Only the gateway itself (its signalling job) follows the feed; no end user gets a list of
        // other people's BSNs from it.
        async uitkeringswijzigingen(_: unknown, args: { vanaf: string }, ctx: UwvContext) {
          if (ctx.call.role !== 'system') throw forbidden('uwv', 'the change feed is for the gateway only');
          if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(args.vanaf)) throw badUserInput('uwv', 'vanaf: a UTC moment like 2026-09-01T00:00:00Z');
          const changed = await client.wijzigingenVanaf(args.vanaf, ctx.call.traceparent);
          return translated('uwv', log, () => changed.map((r) => ({ bsn: r.burgerservicenummer, uitkering: toUitkering(r) })));
        },
      },
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
