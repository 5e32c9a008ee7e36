// REST for the auditor's own tools, beside the GraphQL fields:
//   POST /controle/v1/export   JSON {maand: "YYYY-MM"} or {van, tot}, formaat csv|json, reden, medewerker?
//                              → 200 text/csv or application/json, streamed, as an attachment
// The reason travels in the body, not the URL, so it never lands in an access log. The export is
// recorded (with its reason) before the first row is read. Errors are problem+json.
import type { FastifyInstance } from 'fastify';
import { badInput } from '../errors.js';
import { traceFromHeader } from '../logs/trace.js';
import { asCsv, asJson, exportRows } from './export.js';
import { parseEmployee, parseReason } from './input.js';
import { recordLookup } from './lookups.js';
import { exportSchema } from './route-schemas.js';
import { parseMonth, parsePeriod } from './period.js';
import { authorizeAudit } from './scope.js';

interface ExportBody {
  maand?: unknown;
  van?: unknown;
  tot?: unknown;
  formaat?: unknown;
  reden?: unknown;
  medewerker?: unknown;
}

function parseExport(body: ExportBody | undefined) {
  const b = body && typeof body === 'object' ? body : {};
  const format = b.formaat ?? 'csv';
  if (format !== 'csv' && format !== 'json') throw badInput('formaat', 'csv or json');
  const period = b.maand !== undefined ? parseMonth(b.maand) : parsePeriod(b.van, b.tot);
  return {
    format: format as 'csv' | 'json',
    period,
    label: 'month' in period ? period.month : `${period.firstDay}_${period.lastDay}`,
    reason: parseReason(b.reden),
    employee: b.medewerker === undefined || b.medewerker === null || b.medewerker === '' ? undefined : parseEmployee(b.medewerker),
  };
}

export async function auditRoutes(app: FastifyInstance) {
  app.post<{ Body: ExportBody }>('/controle/v1/export', exportSchema, async (request, reply) => {
    const caller = await app.authenticate(request);
    const trace = traceFromHeader(request.headers.traceparent);
    const { scope, input } = await authorizeAudit(app.services, trace, caller, 'export', () => parseExport(request.body));
    await recordLookup(app.services, trace, scope, {
      kind: 'export',
      target: input.employee ?? null,
      period: input.period,
      reason: input.reason,
      shownClients: [],
      name: 'controle: logboek geëxporteerd',
    });
    const rows = exportRows(app.services, scope, input.period, input.employee);
    const file = `ketenpoort-controle-${input.label}${input.employee ? '-medewerker' : ''}.${input.format}`;
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${file}"`)
      .type(input.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
      .send(input.format === 'csv' ? asCsv(rows) : asJson(rows));
  });
}
