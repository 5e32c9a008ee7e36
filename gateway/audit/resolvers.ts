// Resolvers of the auditor's part of the keten subgraph (schema/keten/controle.graphql). Thin: the
// caller comes from the gateway-signed internal token; scope.ts decides, the modules beside this
// one read and record.
import type { KetenContext } from '../graph/keten-context.js';
import { computeAnomalies } from './anomalies.js';
import { chainState } from './chain-state.js';
import { parseFollowUp, recordFollowUp, withFollowUp } from './follow-up.js';
import { parseCount, parseCursor, parseEmployee } from './input.js';
import { employeeActivity, refusalView, refusals } from './log-queries.js';
import { parseMonth, parsePeriod } from './period.js';
import { monthlyReport } from './report.js';
import { authorizeAudit, type AuditScope } from './scope.js';
import { lookUpClient, lookUpEmployee } from './service.js';

type Args = Record<string, unknown>;

export const auditResolvers = {
  Query: {
    controleKlant: (_: unknown, { invoer }: { invoer: Args }, ctx: KetenContext) => lookUpClient(ctx.services, ctx.trace, ctx.caller, invoer),
    controleMedewerker: (_: unknown, { invoer }: { invoer: Args }, ctx: KetenContext) => lookUpEmployee(ctx.services, ctx.trace, ctx.caller, invoer),
    async controleWeigeringen(_: unknown, args: Args, ctx: KetenContext) {
      const { scope, input } = await authorizeAudit(ctx.services, ctx.trace, ctx.caller, 'weigeringen', () => ({
        period: parsePeriod(args.van, args.tot),
        employee: args.medewerker == null ? undefined : parseEmployee(args.medewerker),
        size: parseCount(args.aantal),
        cursor: parseCursor(args.na),
      }));
      const page = await refusals(ctx.services, scope, input.period, input.size, { employee: input.employee, cursor: input.cursor });
      return { weigeringen: page.rows.map(refusalView), volgende: page.next };
    },
    async controleMedewerkers(_: unknown, args: Args, ctx: KetenContext) {
      const { scope, input } = await authorizeAudit(ctx.services, ctx.trace, ctx.caller, 'medewerkers', () => parsePeriod(args.van, args.tot));
      return employeeActivity(ctx.services, scope, input);
    },
    async controleSignalen(_: unknown, args: Args, ctx: KetenContext) {
      const { scope, input } = await authorizeAudit(ctx.services, ctx.trace, ctx.caller, 'signalen', () => parsePeriod(args.van, args.tot));
      return withFollowUp(ctx.services, scope, input, await computeAnomalies(ctx.services, scope, input));
    },
    async controleRapport(_: unknown, args: Args, ctx: KetenContext) {
      const { scope, input } = await authorizeAudit(ctx.services, ctx.trace, ctx.caller, 'rapport', () => parseMonth(args.maand));
      // The scope travels with the report for its chain-state field; the schema does not expose it.
      return { ...(await monthlyReport(ctx.services, scope, input)), scope };
    },
    async controleKetenintegriteit(_: unknown, __: Args, ctx: KetenContext) {
      const { scope } = await authorizeAudit(ctx.services, ctx.trace, ctx.caller, 'ketenintegriteit', () => undefined);
      return chainState(ctx.services, scope);
    },
  },
  Mutation: {
    async legOpvolgingVast(_: unknown, { invoer }: { invoer: Args }, ctx: KetenContext) {
      const { scope, input } = await authorizeAudit(ctx.services, ctx.trace, ctx.caller, 'opvolging', () => parseFollowUp(invoer));
      return recordFollowUp(ctx.services, scope, input);
    },
  },
  Controlerapport: {
    ketenintegriteit: (report: { scope: AuditScope }, _: Args, ctx: KetenContext) => chainState(ctx.services, report.scope),
  },
};
