// The UWV sandbox: stands in for UWV's "Uitkeringen" source API (openapi.yaml beside this file).
// JSON in camelCase, ISO dates, amounts in cents, offset/limit paging. The batch search takes BSNs
// in a POST body, as real government APIs do, so they never end up in URLs or access logs.
import type { FastifyInstance } from 'fastify';
import { createSandboxApp, problemJson, type SandboxOptions } from '../common/sandbox-app.js';
import { uwvRegister } from './data.js';

export const UWV_MAX_BSNS = 100;
export const UWV_MAX_LIMIT = 100;

export function createUwvSandbox(options: SandboxOptions): FastifyInstance {
  const register = uwvRegister(options.populationSize);
  return createSandboxApp('uwv', new URL('./openapi.yaml', import.meta.url), options, problemJson, (app) => {
    app.post<{ Body: { burgerservicenummers: string[] }; Querystring: { offset: number; limit: number } }>(
      '/v1/uitkeringen/zoeken',
      {
        schema: {
          querystring: {
            type: 'object',
            properties: {
              offset: { type: 'integer', minimum: 0, default: 0 },
              limit: { type: 'integer', minimum: 1, maximum: UWV_MAX_LIMIT, default: 20 },
            },
            additionalProperties: false,
          },
          body: {
            type: 'object',
            required: ['burgerservicenummers'],
            properties: {
              burgerservicenummers: {
                type: 'array',
                minItems: 1,
                maxItems: UWV_MAX_BSNS,
                items: { type: 'string', pattern: '^[0-9]{9}$' },
              },
            },
            additionalProperties: false,
          },
        },
      },
      async (request) => {
        const { offset, limit } = request.query;
        const all = [...new Set(request.body.burgerservicenummers)]
          .flatMap((bsn) => register.byBsn.get(bsn) ?? [])
          .sort((a, b) => a.uitkeringId.localeCompare(b.uitkeringId));
        return {
          uitkeringen: all.slice(offset, offset + limit),
          paginering: { offset, limit, totaalAantal: all.length },
        };
      },
    );

    // The change feed: benefit rights changed at or after `vanaf`, oldest change first, so a
    // subscriber (the chain's signalling) can follow UWV without asking about every person.
    app.get<{ Querystring: { vanaf: string; offset: number; limit: number } }>(
      '/v1/uitkeringen/wijzigingen',
      {
        schema: {
          querystring: {
            type: 'object',
            required: ['vanaf'],
            properties: {
              vanaf: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' },
              offset: { type: 'integer', minimum: 0, default: 0 },
              limit: { type: 'integer', minimum: 1, maximum: UWV_MAX_LIMIT, default: 20 },
            },
            additionalProperties: false,
          },
        },
      },
      async (request) => {
        const { vanaf, offset, limit } = request.query;
        const changed = [...register.byId.values()]
          .filter((u) => u.datumLaatsteWijziging >= vanaf)
          .sort((a, b) => a.datumLaatsteWijziging.localeCompare(b.datumLaatsteWijziging) || a.uitkeringId.localeCompare(b.uitkeringId));
        return { wijzigingen: changed.slice(offset, offset + limit), paginering: { offset, limit, totaalAantal: changed.length } };
      },
    );

    app.get<{ Params: { uitkeringId: string } }>(
      '/v1/uitkeringen/:uitkeringId',
      { schema: { params: { type: 'object', properties: { uitkeringId: { type: 'string', pattern: '^[A-Z]{2,3}-[0-9]{4}-[0-9]{7}$' } } } } },
      async (request, reply) => {
        const found = register.byId.get(request.params.uitkeringId);
        if (!found) return problemJson(reply, 404, 'Not Found', 'no benefit with this uitkeringId');
        return found;
      },
    );
  });
}
