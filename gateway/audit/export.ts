// The auditor's export: every processing and every refusal of the organisation in a period (a
// month, or van/tot), oldest first, as CSV (RFC 4180, a header row) or JSON (an array). Log
// metadata only, and clients by their pseudonymous key, never by BSN: the export leaves the
// system, and an auditor who needs to know who a key is looks that client up (with a reason).
// Rows are read a page at a time by keyset from both logs and merged by time, and streamed out, so
// a month of a big city never sits in memory.
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { Besluit, Verwerking } from '../db/generated/client.js';
import type { ChainServices } from '../services.js';
import { subjectKeyHex } from '../logs/subject-id.js';
import type { Period } from './period.js';
import type { AuditScope } from './scope.js';
import { purposeWords, reasonWords } from './words.js';

const BATCH = 1000;

export const EXPORT_COLUMNS = [
  'soort', 'tijdstip', 'medewerker', 'rol', 'organisatie', 'handeling', 'doel', 'doel_omschrijving', 'uitkomst',
  'klantkenmerk', 'object', 'partners', 'velden', 'trace_id',
] as const;

export type ExportRow = Record<(typeof EXPORT_COLUMNS)[number], string>;

function fromProcessing(r: Verwerking): ExportRow {
  return {
    soort: 'verwerking',
    tijdstip: r.startTime.toISOString(),
    medewerker: r.actorSubject,
    rol: r.actorRole,
    organisatie: r.actorOin.trim(),
    handeling: r.name,
    doel: r.processingActivityId,
    doel_omschrijving: purposeWords(r.processingActivityId),
    uitkomst: r.statusCode === 'ERROR' ? 'deels mislukt' : 'gelukt',
    klantkenmerk: subjectKeyHex(r.subjectKey),
    object: 'klant',
    partners: r.partners.join(' '),
    velden: r.fields.join(' '),
    trace_id: r.traceId,
  };
}

function fromRefusal(r: Besluit): ExportRow {
  return {
    soort: 'weigering',
    tijdstip: r.at.toISOString(),
    medewerker: r.actorSubject ?? '',
    rol: r.actorRole ?? '',
    organisatie: r.actorOin?.trim() ?? '',
    handeling: r.action,
    doel: `${r.policyId}@${r.policyVersion}`,
    doel_omschrijving: reasonWords(r.reason),
    uitkomst: `geweigerd: ${r.reason}`,
    klantkenmerk: r.resource.startsWith('klant:') ? r.resource.slice('klant:'.length) : '',
    object: r.resource,
    partners: '',
    velden: '',
    trace_id: r.traceId,
  };
}

async function* processings(services: ChainServices, scope: AuditScope, period: Period, employee?: string) {
  let after: { at: Date; id: bigint } | undefined;
  for (;;) {
    const rows = await services.prisma.verwerking.findMany({
      where: {
        actorOin: scope.oin,
        ...(employee ? { actorSubject: employee } : {}),
        startTime: { gte: period.from, lt: period.until },
        ...(after ? { OR: [{ startTime: { gt: after.at } }, { startTime: after.at, id: { gt: after.id } }] } : {}),
      },
      orderBy: [{ startTime: 'asc' }, { id: 'asc' }],
      take: BATCH,
    });
    for (const r of rows) yield { at: r.startTime, row: fromProcessing(r) };
    if (rows.length < BATCH) return;
    after = { at: rows.at(-1)!.startTime, id: rows.at(-1)!.id };
  }
}

async function* refused(services: ChainServices, scope: AuditScope, period: Period, employee?: string) {
  let after: { at: Date; id: bigint } | undefined;
  for (;;) {
    const rows = await services.prisma.besluit.findMany({
      where: {
        actorOin: scope.oin,
        decision: 'deny',
        ...(employee ? { actorSubject: employee } : {}),
        at: { gte: period.from, lt: period.until },
        ...(after ? { OR: [{ at: { gt: after.at } }, { at: after.at, id: { gt: after.id } }] } : {}),
      },
      orderBy: [{ at: 'asc' }, { id: 'asc' }],
      take: BATCH,
    });
    for (const r of rows) yield { at: r.at, row: fromRefusal(r) };
    if (rows.length < BATCH) return;
    after = { at: rows.at(-1)!.at, id: rows.at(-1)!.id };
  }
}

/** Both logs, merged oldest first. */
export async function* exportRows(services: ChainServices, scope: AuditScope, period: Period, employee?: string): AsyncGenerator<ExportRow> {
  const a = processings(services, scope, period, employee);
  const b = refused(services, scope, period, employee);
  let x = await a.next();
  let y = await b.next();
  while (!x.done || !y.done) {
    if (!y.done && (x.done || y.value.at < x.value.at)) {
      yield y.value.row;
      y = await b.next();
    } else if (!x.done) {
      yield x.value.row;
      x = await a.next();
    }
  }
}

export function asCsv(rows: AsyncIterable<ExportRow>): Readable {
  // escape_formulas: a cell starting with =, +, - or @ is not run as a formula by a spreadsheet.
  return Readable.from(rows).pipe(stringify({ header: true, columns: [...EXPORT_COLUMNS], escape_formulas: true, record_delimiter: 'windows' }));
}

export function asJson(rows: AsyncIterable<ExportRow>): Readable {
  return Readable.from(
    (async function* () {
      let first = true;
      yield '[';
      for await (const r of rows) {
        yield `${first ? '\n' : ',\n'}${JSON.stringify(r)}`;
        first = false;
      }
      yield '\n]\n';
    })(),
  );
}
