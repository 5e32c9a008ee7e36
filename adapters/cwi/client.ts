// Client of CWI's source API (see openapi.yaml). Its searches take at most 50 BSNs and page with
// Page/PageSize, so a caseload of 50 is one call per endpoint; larger lists are split into chunks
// asked in parallel (bounded), all inside one time budget.
import type { FastifyBaseLogger } from 'fastify';
import { chunks, mapBounded } from '../common/batch-loader.js';
import { parseJson, type SourceHttp } from '../common/source-http.js';
import type { Deadline } from '../common/deadline.js';
import type { CwiSollicitatie, CwiVacatureMatch, CwiWerkzoekende } from './source-contract.js';

const MAX_BSNS = 50;
const PAGE_SIZE = 100;
const MAX_PAGES = 20;
const PARALLEL = 4;

interface Pagina<T> {
  Items: T[];
  Page: number;
  PageSize: number;
  TotalCount: number;
  TotalPages: number;
}

export interface CwiClient {
  werkzoekenden(bsns: string[], traceparent?: string): Promise<Map<string, CwiWerkzoekende>>;
  sollicitaties(bsns: string[], traceparent?: string): Promise<Map<string, CwiSollicitatie[]>>;
  vacatureMatches(bsns: string[], traceparent?: string): Promise<Map<string, CwiVacatureMatch[]>>;
}

export function createCwiClient(source: SourceHttp, log: FastifyBaseLogger): CwiClient {
  /** All items of one search for these BSNs, over every chunk and page. */
  async function search<T>(path: string, bsns: string[], traceparent?: string): Promise<T[]> {
    if (bsns.length === 0) return [];
    return source.within((deadline) => searchWithin<T>(deadline, path, bsns, traceparent));
  }

  async function searchWithin<T>(deadline: Deadline, path: string, bsns: string[], traceparent?: string): Promise<T[]> {
    const ask = async (chunk: string[], page: number) => {
      const response = await source.send(
        {
          method: 'POST',
          path,
          body: { contentType: 'application/json', text: JSON.stringify({ Bsns: chunk, Page: page, PageSize: PAGE_SIZE }) },
          accept: 'application/json',
          read: true,
          traceparent,
        },
        deadline,
      );
      return parseJson<Pagina<T>>('cwi', log, response);
    };
    const perChunk = await mapBounded(chunks([...new Set(bsns)], MAX_BSNS), PARALLEL, async (chunk) => {
      // The first page tells how many there are; the rest are asked for together.
      const first = await ask(chunk, 1);
      const more = Array.from({ length: Math.min(first.TotalPages ?? 1, MAX_PAGES) - 1 }, (_, i) => i + 2);
      const rest = await mapBounded(more, PARALLEL, (page) => ask(chunk, page));
      return [first, ...rest].flatMap((p) => p.Items ?? []);
    });
    return perChunk.flat();
  }

  const grouped = <T extends { Bsn: string }>(bsns: string[], items: T[]) => {
    const out = new Map<string, T[]>(bsns.map((b) => [b, []]));
    for (const item of items) out.get(item.Bsn)?.push(item);
    return out;
  };

  return {
    async werkzoekenden(bsns, traceparent) {
      const items = await search<CwiWerkzoekende>('/api/v2/werkzoekenden/zoeken', bsns, traceparent);
      return new Map(items.map((w) => [w.Bsn, w]));
    },
    async sollicitaties(bsns, traceparent) {
      return grouped(bsns, await search<CwiSollicitatie>('/api/v2/sollicitaties/zoeken', bsns, traceparent));
    },
    async vacatureMatches(bsns, traceparent) {
      return grouped(bsns, await search<CwiVacatureMatch>('/api/v2/vacaturematches/zoeken', bsns, traceparent));
    },
  };
}
