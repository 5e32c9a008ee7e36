// The gemeente sandbox: stands in for a gemeente's sociaal-domein back office (openapi.yaml beside
// this file), hosted for several gemeenten, each a tenant named by its OIN. It answers in XML
// (StUF-like names, yyyymmdd dates, decimal commas) and pages with an opaque cursor. The batch
// lookup and the agenda lookup take BSNs in an XML request body, so they never end up in URLs.
import type { FastifyInstance } from 'fastify';
import { XMLParser } from 'fast-xml-parser';
import { createSandboxApp, type ErrorWriter, type SandboxOptions } from '../common/sandbox-app.js';
import { gemeenteRegister, type GemeenteKlantRecord } from './data.js';
import { dutchDay } from '../../lib/dutch-day.js';
import { population } from '../population/population.js';
import { afsprakenVan } from './agenda-data.js';
import { afsprakenDocument, foutDocument, klantenDocument } from './xml-view.js';

export const GEMEENTE_MAX_BSNS = 100;
export const GEMEENTE_MAX_AANTAL = 100;
const XML = 'application/xml; charset=utf-8';

const xmlError: ErrorWriter = (reply, status, title, detail) => reply.code(status).type(XML).send(foutDocument(status, `${title}: ${detail}`));
const requestParser = new XMLParser({ parseTagValue: false, isArray: (name) => name === 'inp.bsn' });

const cursorFor = (offset: number) => Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
function offsetOf(cursor: string | undefined): number | undefined {
  if (!cursor) return 0;
  try {
    const o = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown }).o;
    return typeof o === 'number' && Number.isInteger(o) && o >= 0 ? o : undefined;
  } catch {
    return undefined;
  }
}

/** Lower case without diacritics, so "ozturk" finds "Öztürk". */
const plain = (s: string) => s.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();

interface Zoekvraag { bsn?: string; naam?: string; postcode?: string; telefoon?: string }

function matches(k: GemeenteKlantRecord, q: Zoekvraag): boolean {
  if (q.bsn && k.bsn !== q.bsn) return false;
  if (q.naam && !plain([k.voornamen, k.voorvoegselGeslachtsnaam, k.geslachtsnaam].filter(Boolean).join(' ')).includes(plain(q.naam.trim()))) return false;
  if (q.postcode && !k.postcode.startsWith(q.postcode.replace(/\s/g, '').toUpperCase())) return false;
  if (q.telefoon && k.telefoonnummer.replace(/\D/g, '') !== q.telefoon.replace(/\D/g, '')) return false;
  return true;
}

const pageQuery = {
  aantal: { type: 'integer', minimum: 1, maximum: GEMEENTE_MAX_AANTAL, default: 25 },
  cursor: { type: 'string', maxLength: 200 },
} as const;

type Opvraging = { opvraging?: { 'inp.bsn'?: string[] } } | undefined;
const OPVRAGING_RULE = `an <opvraging> with 1 to ${GEMEENTE_MAX_BSNS} <inp.bsn> elements of nine digits`;

/** The distinct BSNs of a batch request, or undefined when it breaks OPVRAGING_RULE. */
function askedFor(body: Opvraging): string[] | undefined {
  const bsns = body?.opvraging?.['inp.bsn'];
  if (!Array.isArray(bsns) || bsns.length === 0 || bsns.length > GEMEENTE_MAX_BSNS || !bsns.every((b) => /^\d{9}$/.test(String(b)))) return undefined;
  return [...new Set(bsns.map(String))];
}

export function createGemeenteSandbox(options: SandboxOptions): FastifyInstance {
  const register = gemeenteRegister(options.populationSize);
  const people = new Map(population(options.populationSize).map((c) => [c.bsn, c]));
  return createSandboxApp('gemeente', new URL('./openapi.yaml', import.meta.url), options, xmlError, (app) => {
    app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => {
      try {
        done(null, requestParser.parse(body as string));
      } catch {
        done(Object.assign(new Error('the body is not well-formed XML'), { statusCode: 400 }));
      }
    });

    /** One page of `list` as an XML document, or an error when the cursor is not ours. */
    function page(reply: import('fastify').FastifyReply, root: string, attrs: Record<string, string | number>, list: GemeenteKlantRecord[], aantal: number, cursor?: string) {
      const offset = offsetOf(cursor);
      if (offset === undefined) return xmlError(reply, 400, 'Bad Request', 'unknown cursor');
      const next = offset + aantal < list.length ? cursorFor(offset + aantal) : undefined;
      return reply.type(XML).send(klantenDocument(root, { ...attrs, totaal: list.length }, list.slice(offset, offset + aantal), next));
    }

    app.get<{ Params: { oin: string }; Querystring: { aantal: number; cursor?: string } }>(
      '/gemeenten/:oin/caseload',
      {
        schema: {
          params: { type: 'object', properties: { oin: { type: 'string', pattern: '^[0-9]{20}$' } } },
          querystring: { type: 'object', properties: pageQuery, additionalProperties: false },
        },
      },
      async (request, reply) => {
        const caseload = register.caseloads.get(request.params.oin);
        if (!caseload) return xmlError(reply, 404, 'Not Found', 'no such gemeente');
        return page(reply, 'caseload', { gemeente: request.params.oin }, caseload, request.query.aantal, request.query.cursor);
      },
    );

    app.get<{ Params: { oin: string }; Querystring: Zoekvraag & { aantal: number; cursor?: string } }>(
      '/gemeenten/:oin/klanten',
      {
        schema: {
          params: { type: 'object', properties: { oin: { type: 'string', pattern: '^[0-9]{20}$' } } },
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              ...pageQuery,
              bsn: { type: 'string', pattern: '^[0-9]{9}$' },
              naam: { type: 'string', minLength: 2, maxLength: 100 },
              postcode: { type: 'string', pattern: '^[0-9]{4} ?([A-Za-z]{2})?$' },
              telefoon: { type: 'string', pattern: '^[0-9 +-]{6,20}$' },
            },
          },
        },
      },
      async (request, reply) => {
        const caseload = register.caseloads.get(request.params.oin);
        if (!caseload) return xmlError(reply, 404, 'Not Found', 'no such gemeente');
        const q = request.query;
        if (!q.bsn && !q.naam && !q.postcode && !q.telefoon) return xmlError(reply, 400, 'Bad Request', 'give bsn, naam, postcode or telefoon');
        return page(reply, 'zoekresultaat', { gemeente: request.params.oin }, caseload.filter((k) => matches(k, q)), q.aantal, q.cursor);
      },
    );

    app.post<{ Body: Opvraging }>('/klanten/opvragen', async (request, reply) => {
      const bsns = askedFor(request.body);
      if (!bsns) return xmlError(reply, 400, 'Bad Request', OPVRAGING_RULE);
      const found = bsns.flatMap((bsn) => register.byBsn.get(bsn) ?? []);
      return reply.type(XML).send(klantenDocument('klanten', { aantal: found.length }, found));
    });

    // The agenda is read-only here, as it is for the chain: the gemeente's own system keeps it.
    app.post<{ Body: Opvraging }>('/klanten/afspraken/opvragen', async (request, reply) => {
      const bsns = askedFor(request.body);
      if (!bsns) return xmlError(reply, 400, 'Bad Request', OPVRAGING_RULE);
      const today = dutchDay(new Date());
      const found = bsns.flatMap((bsn) => {
        const client = people.get(bsn);
        return client ? afsprakenVan(client, today) : [];
      });
      return reply.type(XML).send(afsprakenDocument(found));
    });
  });
}
