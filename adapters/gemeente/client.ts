// Client of the gemeente's source API (see openapi.yaml): XML answers, cursor paging, tenants by
// OIN. Klanten and their afspraken are looked up 100 at a time in an XML body; a caseload page is one call.
import type { FastifyBaseLogger } from 'fastify';
import { chunks, mapBounded } from '../common/batch-loader.js';
import { badUserInput } from '../common/errors.js';
import { translated, type SourceHttp } from '../common/source-http.js';
import { opvragingDocument, parseAfsprakenDocument, parseKlantenDocument, type Afspraak, type Klant, type KlantenDocument } from './mapping.js';

const MAX_BSNS = 100;
/** The most klanten the source returns per caseload call (its contract's maximum `aantal`). */
const SOURCE_PAGE = 100;
const PARALLEL = 4;
const XML = 'application/xml';

export interface Zoekcriteria {
  bsn?: string;
  naam?: string;
  postcode?: string;
  telefoon?: string;
}

export interface GemeenteClient {
  opvragen(bsns: string[], traceparent?: string): Promise<Map<string, Klant>>;
  /** Each klant's appointments, oldest first; a klant the source has none for is left out. */
  afspraken(bsns: string[], traceparent?: string): Promise<Map<string, Afspraak[]>>;
  /** null when the source does not know this organisation as a gemeente (it has no caseload). */
  caseload(oin: string, aantal: number, cursor: string | undefined, traceparent?: string): Promise<KlantenDocument | null>;
  zoek(oin: string, criteria: Zoekcriteria, aantal: number, traceparent?: string): Promise<KlantenDocument | null>;
}

export function createGemeenteClient(source: SourceHttp, log: FastifyBaseLogger): GemeenteClient {
  const read = (response: { status: number; text: string }, root: 'caseload' | 'zoekresultaat', refused: string) => {
    if (response.status === 404) return null;
    // The source checks cursors and search terms; what it refuses was the caller's input.
    if (response.status === 400) throw badUserInput('gemeente', refused);
    return translated('gemeente', log, () => parseKlantenDocument(response.text, root));
  };

  /** POSTs the BSNs, MAX_BSNS at a time inside one budget, and hands each answer to `take`. */
  async function batched(path: string, bsns: string[], traceparent: string | undefined, take: (xml: string) => void) {
    if (bsns.length === 0) return;
    await source.within((deadline) =>
      mapBounded(chunks([...new Set(bsns)], MAX_BSNS), PARALLEL, async (chunk) => {
        const response = await source.send(
          { method: 'POST', path, body: { contentType: XML, text: opvragingDocument(chunk) }, accept: XML, read: true, traceparent },
          deadline,
        );
        take(response.text);
      }),
    );
  }

  return {
    async opvragen(bsns, traceparent) {
      const result = new Map<string, Klant>();
      await batched('/klanten/opvragen', bsns, traceparent, (xml) => {
        for (const k of translated('gemeente', log, () => parseKlantenDocument(xml, 'klanten')).klanten) result.set(k.bsn, k);
      });
      return result;
    },
    async afspraken(bsns, traceparent) {
      const result = new Map<string, Afspraak[]>();
      await batched('/klanten/afspraken/opvragen', bsns, traceparent, (xml) => {
        for (const [bsn, list] of translated('gemeente', log, () => parseAfsprakenDocument(xml))) result.set(bsn, list);
      });
      return result;
    },
    async caseload(oin, aantal, cursor, traceparent) {
      // The source hands out at most SOURCE_PAGE klanten per call; a bigger page (a big city's
      // caseload of 300) follows its cursors, inside one budget.
      return source.within(async (deadline) => {
        let page: KlantenDocument | null = null;
        let next = cursor;
        do {
          const response = await source.send(
            {
              method: 'GET',
              path: `/gemeenten/${oin}/caseload`,
              query: { aantal: Math.min(SOURCE_PAGE, aantal - (page?.klanten.length ?? 0)), cursor: next },
              accept: XML,
              read: true,
              expect: [400, 404],
              traceparent,
            },
            deadline,
          );
          const part = read(response, 'caseload', '`na` is not the `volgende` of an earlier page');
          if (!part) return page;
          page = page ? { ...part, klanten: [...page.klanten, ...part.klanten] } : part;
          next = part.volgende ?? undefined;
        } while (next && page.klanten.length < aantal);
        return page;
      });
    },
    async zoek(oin, criteria, aantal, traceparent) {
      const response = await source.send({
        method: 'GET',
        path: `/gemeenten/${oin}/klanten`,
        query: { ...criteria, aantal },
        accept: XML,
        read: true,
        expect: [400, 404],
        traceparent,
      });
      return read(response, 'zoekresultaat', 'the gemeente does not accept these search terms');
    },
  };
}
