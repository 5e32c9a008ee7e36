// The CWI sandbox: stands in for the UWV WERKbedrijf (CWI) "Werkzoekenden" source API
// (openapi.yaml beside this file). PascalCase JSON, dd-mm-yyyy dates, J/N flags, and page/pageSize
// paging (1-based) in the request body of its batch searches. Errors in its own shape
// ({ Code, Melding }), not problem+json.
import type { FastifyInstance } from 'fastify';
import { createSandboxApp, type ErrorWriter, type SandboxOptions } from '../common/sandbox-app.js';
import { cwiRegister } from './data.js';

export const CWI_MAX_BSNS = 50;
export const CWI_MAX_PAGE_SIZE = 100;

const CODES: Record<number, string> = { 401: 'NIET_GEAUTORISEERD', 404: 'NIET_GEVONDEN' };
const cwiError: ErrorWriter = (reply, status, title, detail) =>
  reply.code(status).send({ Code: CODES[status] ?? (status >= 500 ? 'STORING' : 'VALIDATIE'), Melding: `${title}: ${detail}` });

interface Zoekvraag {
  Bsns: string[];
  Page: number;
  PageSize: number;
}

const zoekvraag = {
  type: 'object',
  required: ['Bsns'],
  additionalProperties: false,
  properties: {
    Bsns: { type: 'array', minItems: 1, maxItems: CWI_MAX_BSNS, items: { type: 'string', pattern: '^[0-9]{9}$' } },
    Page: { type: 'integer', minimum: 1, default: 1 },
    PageSize: { type: 'integer', minimum: 1, maximum: CWI_MAX_PAGE_SIZE, default: 25 },
  },
} as const;

function paged<T>(items: T[], page: number, pageSize: number) {
  return {
    Items: items.slice((page - 1) * pageSize, page * pageSize),
    Page: page,
    PageSize: pageSize,
    TotalCount: items.length,
    TotalPages: Math.ceil(items.length / pageSize),
  };
}

export function createCwiSandbox(options: SandboxOptions): FastifyInstance {
  const register = cwiRegister(options.populationSize);
  const unique = (bsns: string[]) => [...new Set(bsns)].sort();

  return createSandboxApp('cwi', new URL('./openapi.yaml', import.meta.url), options, cwiError, (app) => {
    app.post<{ Body: Zoekvraag }>('/api/v2/werkzoekenden/zoeken', { schema: { body: zoekvraag } }, async (request) => {
      const { Bsns, Page, PageSize } = request.body;
      const found = unique(Bsns).flatMap((bsn) => register.werkzoekenden.get(bsn) ?? []);
      return paged(found, Page, PageSize);
    });

    app.post<{ Body: Zoekvraag }>('/api/v2/sollicitaties/zoeken', { schema: { body: zoekvraag } }, async (request) => {
      const { Bsns, Page, PageSize } = request.body;
      return paged(unique(Bsns).flatMap((bsn) => register.sollicitaties.get(bsn) ?? []), Page, PageSize);
    });

    app.post<{ Body: Zoekvraag }>('/api/v2/vacaturematches/zoeken', { schema: { body: zoekvraag } }, async (request) => {
      const { Bsns, Page, PageSize } = request.body;
      return paged(unique(Bsns).flatMap((bsn) => register.matches.get(bsn) ?? []), Page, PageSize);
  });
  });
}
