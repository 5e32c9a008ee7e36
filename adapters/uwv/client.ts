// Client of UWV's source API (see openapi.yaml): the benefit rights of many persons in as few
// calls as the API allows: at most 100 BSNs per search, pages of 100, all inside one time budget.
import type { FastifyBaseLogger } from 'fastify';
import { chunks, mapBounded } from '../common/batch-loader.js';
import { parseJson, type SourceHttp } from '../common/source-http.js';
import type { UwvUitkeringRecord } from './source-contract.js';

/** The source's limits, from its contract. */
const MAX_BSNS = 100;
const PAGE = 100;
/** Guard against a source whose paging never ends. */
const MAX_PAGES = 20;
const PARALLEL = 4;

interface UitkeringenPagina {
  uitkeringen: UwvUitkeringRecord[];
  paginering: { offset: number; limit: number; totaalAantal: number };
}

interface WijzigingenPagina {
  wijzigingen: UwvUitkeringRecord[];
  paginering: { offset: number; limit: number; totaalAantal: number };
}

export interface UwvClient {
  uitkeringenVan(bsns: string[], traceparent?: string): Promise<Map<string, UwvUitkeringRecord[]>>;
  /** The change feed: benefit rights changed at or after `vanaf` (UTC, seconds precision). */
  wijzigingenVanaf(vanaf: string, traceparent?: string): Promise<UwvUitkeringRecord[]>;
}

export function createUwvClient(source: SourceHttp, log: FastifyBaseLogger): UwvClient {
  return {
    async uitkeringenVan(bsns, traceparent) {
      const result = new Map<string, UwvUitkeringRecord[]>(bsns.map((b) => [b, []]));
      if (bsns.length === 0) return result;
      await source.within((deadline) =>
        mapBounded(chunks([...new Set(bsns)], MAX_BSNS), PARALLEL, async (chunk) => {
          for (let page = 0, offset = 0; page < MAX_PAGES; page++) {
            const response = await source.send(
              {
                method: 'POST',
                path: '/v1/uitkeringen/zoeken',
                query: { offset, limit: PAGE },
                body: { contentType: 'application/json', text: JSON.stringify({ burgerservicenummers: chunk }) },
                accept: 'application/json',
                read: true,
                traceparent,
              },
              deadline,
            );
            const body = parseJson<UitkeringenPagina>('uwv', log, response);
            for (const u of body.uitkeringen ?? []) result.get(u.burgerservicenummer)?.push(u);
            offset += body.uitkeringen?.length ?? 0;
            if (!body.uitkeringen?.length || offset >= body.paginering.totaalAantal) break;
          }
        }),
      );
      return result;
    },
    async wijzigingenVanaf(vanaf, traceparent) {
      return source.within(async (deadline) => {
        const out: UwvUitkeringRecord[] = [];
        for (let page = 0, offset = 0; page < MAX_PAGES; page++) {
          const response = await source.send(
            { method: 'GET', path: '/v1/uitkeringen/wijzigingen', query: { vanaf, offset, limit: PAGE }, accept: 'application/json', read: true, traceparent },
            deadline,
          );
          const body = parseJson<WijzigingenPagina>('uwv', log, response);
          out.push(...(body.wijzigingen ?? []));
          offset += body.wijzigingen?.length ?? 0;
          if (!body.wijzigingen?.length || offset >= body.paginering.totaalAantal) break;
        }
        return out;
      });
    },
  };
}
