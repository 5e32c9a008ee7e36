// The auditor's lookups that name someone: one client (by BSN or pseudonymous key) or one employee.
// Each is authorised (scope.ts), needs a reason, is recorded with the clients it shows before it
// answers (lookups.ts), and reads only the scope's organisation's rows (log-queries.ts).
import type { Caller } from '../auth/caller.js';
import type { TraceContext } from '../logs/trace.js';
import { subjectKeyHex } from '../logs/subject-id.js';
import type { ChainServices } from '../services.js';
import { parseClient, parseCount, parseCursor, parseEmployee, parseReason } from './input.js';
import {
  MAX_REFUSALS,
  clientBehindKey,
  employeeTotals,
  processingView,
  processingsOfClient,
  processingsOfEmployee,
  refusalView,
  refusals,
  refusalsAboutClient,
  trajectoriesOfClient,
} from './log-queries.js';
import { recordLookup } from './lookups.js';
import { parsePeriod } from './period.js';
import { authorizeAudit } from './scope.js';

type Args = Record<string, unknown>;

export async function lookUpClient(services: ChainServices, trace: TraceContext, caller: Caller, args: Args) {
  const { scope, input } = await authorizeAudit(services, trace, caller, 'klant', () => ({
    client: parseClient(args.bsn, args.klantKenmerk),
    period: parsePeriod(args.van, args.tot),
    reason: parseReason(args.reden),
    size: parseCount(args.aantal),
    cursor: parseCursor(args.na),
  }));
  const key = 'bsn' in input.client ? services.subjectKey(input.client.bsn) : input.client.key;
  const bsn = 'bsn' in input.client ? input.client.bsn : await clientBehindKey(services, scope, key);
  const trajecten = bsn ? await trajectoriesOfClient(services, scope, bsn) : [];
  const [found, refused] = await Promise.all([
    processingsOfClient(services, scope, key, input.period, input.size, input.cursor),
    refusalsAboutClient(services, scope, key, trajecten, input.period),
  ]);
  await recordLookup(services, trace, scope, {
    kind: 'klant',
    target: key,
    period: input.period,
    reason: input.reason,
    // The client is named to the auditor only when there is a BSN to name.
    shownClients: bsn ? [bsn] : [],
    name: 'controle: verwerkingen van de klant bekeken',
  });
  return {
    klantKenmerk: key,
    bsn: bsn ?? null,
    van: input.period.firstDay,
    tot: input.period.lastDay,
    verwerkingen: found.rows.map((r) => processingView(r, bsn)),
    volgende: found.next,
    weigeringen: refused.map(refusalView),
  };
}

export async function lookUpEmployee(services: ChainServices, trace: TraceContext, caller: Caller, args: Args) {
  const { scope, input } = await authorizeAudit(services, trace, caller, 'medewerker', () => ({
    employee: parseEmployee(args.medewerker),
    period: parsePeriod(args.van, args.tot),
    reason: parseReason(args.reden),
    size: parseCount(args.aantal),
    cursor: parseCursor(args.na),
  }));
  const [found, totals, refused] = await Promise.all([
    processingsOfEmployee(services, scope, input.employee, input.period, input.size, input.cursor),
    employeeTotals(services, scope, input.employee, input.period),
    refusals(services, scope, input.period, MAX_REFUSALS, { employee: input.employee }),
  ]);
  // One decryption per client on the page, not per row.
  const bsnOf = new Map<string, string>();
  const keys = found.rows.map((r) => subjectKeyHex(r.subjectKey));
  for (const [i, r] of found.rows.entries()) if (!bsnOf.has(keys[i]!)) bsnOf.set(keys[i]!, services.revealSubject(r.subjectEncrypted));
  await recordLookup(services, trace, scope, {
    kind: 'medewerker',
    target: input.employee,
    period: input.period,
    reason: input.reason,
    shownClients: bsnOf.values(),
    name: 'controle: raadplegingen door een medewerker bekeken',
  });
  return {
    medewerker: input.employee,
    van: input.period.firstDay,
    tot: input.period.lastDay,
    raadplegingen: totals.requests,
    klanten: totals.clients,
    verwerkingen: found.rows.map((r, i) => processingView(r, bsnOf.get(keys[i]!))),
    volgende: found.next,
    weigeringen: refused.rows.map(refusalView),
  };
}
