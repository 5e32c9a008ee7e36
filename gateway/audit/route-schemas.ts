// The OpenAPI contract of the auditor's REST export (routes.ts). The body is checked in the handler
// after the role check (parseExport), so a caller who is no auditor learns nothing from the input
// rules; the schema documents it.
import { ALWAYS, BEARER, BODY, documentedOnly, problems } from '../openapi/problem.js';
import { EXPORT_COLUMNS } from './export.js';
import { REASON_MAX, REASON_MIN } from './input.js';

const row = {
  type: 'object',
  required: [...EXPORT_COLUMNS],
  properties: Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, { type: 'string' }])),
  additionalProperties: false,
} as const;

const apiVersion = { 'API-Version': { type: 'string', description: 'The full version of this API (NL API Design Rules API-57)' } };

export const exportSchema = {
  schema: {
    tags: ['controle'],
    operationId: 'postControleExport',
    security: BEARER,
    summary: "The auditor's export of their own organisation's processing and decision logs",
    description:
      'Every processing and every refusal of the organisation in a month (or from `van` to `tot`, Amsterdam calendar days, `tot` included), ' +
      'oldest first, with clients by their pseudonymous key (never a BSN). Streamed as an attachment. The reason is stored with the export.',
    body: {
      type: 'object',
      required: ['reden'],
      properties: {
        maand: { type: 'string', pattern: '^\\d{4}-\\d{2}$', description: 'YYYY-MM; or give van and tot' },
        van: { type: 'string', format: 'date' },
        tot: { type: 'string', format: 'date', description: 'at most 366 days after van' },
        formaat: { type: 'string', enum: ['csv', 'json'], default: 'csv' },
        reden: { type: 'string', minLength: REASON_MIN, maxLength: REASON_MAX, description: 'why you export; stored with the export' },
        medewerker: { type: 'string', description: 'only this employee (the subject of their login)' },
      },
    },
    response: {
      200: {
        description: 'the rows: CSV (RFC 4180, header row, cells starting with = + - @ prefixed with a quote) or a JSON array',
        headers: { ...apiVersion, 'Content-Disposition': { type: 'string' } },
        content: {
          'text/csv': { schema: { type: 'string' } },
          'application/json': { schema: { type: 'array', items: row } },
        },
      },
      ...problems('BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', ...BODY, ...ALWAYS),
    },
  },
  validatorCompiler: documentedOnly,
};
