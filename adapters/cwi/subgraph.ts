// The CWI subgraph: adds the werk side to the chain's Klant. `inschrijving` and `werkprofiel` come
// from one record, fetched once per request for all clients in it (a batch loader); applications
// and matches each use a mercurius loader, so a 50-client caseload is one call per source endpoint.
import type { FastifyBaseLogger } from 'fastify';
import { isValidBsn } from '../../lib/bsn.js';
import { createBatchLoader, type BatchLoader } from '../common/batch-loader.js';
import { translated, type SourceHttp } from '../common/source-http.js';
import type { AdapterContext, SubgraphParts } from '../common/subgraph-app.js';
import type { InternalCall } from '../common/internal-auth.js';
import { createCwiClient } from './client.js';
import type { CwiWerkzoekende } from './source-contract.js';
import { toInschrijving, toSollicitaties, toVacatureMatches, toWerkprofiel } from './mapping.js';

interface CwiRequest {
  werkzoekenden: BatchLoader<string, CwiWerkzoekende>;
}
type CwiContext = AdapterContext<CwiRequest>;
type KlantRef = { bsn: string };

export function cwiSubgraph(source: SourceHttp, log: FastifyBaseLogger): SubgraphParts<CwiRequest> {
  const client = createCwiClient(source, log);
  const werkzoekende = (obj: KlantRef, ctx: CwiContext) =>
    isValidBsn(obj.bsn) ? ctx.werkzoekenden.load(obj.bsn) : Promise.resolve(undefined);

  return {
    context: (call: InternalCall) => ({
      werkzoekenden: createBatchLoader((bsns: string[]) => client.werkzoekenden(bsns, call.traceparent)),
    }),
    resolvers: {
      Klant: {
        __resolveReference: (ref: KlantRef) => ({ bsn: ref.bsn }),
        inschrijving: async (obj: KlantRef, _args: unknown, ctx: CwiContext) => {
          const w = await werkzoekende(obj, ctx);
          return w ? translated('cwi', log, () => toInschrijving(w)) : null;
        },
        werkprofiel: async (obj: KlantRef, _args: unknown, ctx: CwiContext) => {
          const w = await werkzoekende(obj, ctx);
          return w ? translated('cwi', log, () => toWerkprofiel(w)) : null;
        },
      },
    },
    loaders: {
      Klant: {
        async sollicitaties(queries: { obj: KlantRef }[], ctx: CwiContext) {
          const found = await client.sollicitaties(queries.map((q) => q.obj.bsn).filter(isValidBsn), ctx.call.traceparent);
          return translated('cwi', log, () => queries.map((q) => toSollicitaties(found.get(q.obj.bsn) ?? [])));
        },
        async vacatureMatches(queries: { obj: KlantRef }[], ctx: CwiContext) {
          const found = await client.vacatureMatches(queries.map((q) => q.obj.bsn).filter(isValidBsn), ctx.call.traceparent);
          return translated('cwi', log, () => queries.map((q) => toVacatureMatches(found.get(q.obj.bsn) ?? [])));
        },
      },
    },
  };
}
