// Resolvers of the rapportage part of the keten subgraph (schema/keten/rapportage.graphql). Thin:
// the caller comes from the gateway-signed internal token, the consent token from the forwarded
// Consent-Token header; the modules beside this one apply every rule.
import { forbidden, badInput } from '../errors.js';
import type { KetenContext } from '../graph/keten-context.js';
import { assignTraject, endTraject } from './assignment.js';
import { bureauTrajecten, klantnamen, type BureauTraject } from './bureau-trajecten.js';
import { consentOfBlocks } from './block-consent.js';
import { contractedBureaus } from './contracts.js';
import { clientHeads, clientReports, headsOfBlocks, reportsOfBlocks, trajectReports } from './reads.js';
import { listSignals, resolveSignal } from './signals.js';
import { readOwnBlock, submitRapportage } from './submit.js';
import type { Signalering } from '../db/generated/client.js';
import { rapportageSubscriptionResolvers } from './subscription.js';

type Args = Record<string, unknown>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** GraphQL gives `null` for optional fields sent as null; the validation knows only "absent". */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, withoutNulls(v)]));
  }
  return value;
}

function trajectIdArg(value: unknown): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw badInput('trajectId', 'must be an id (uuid)');
  return value.toLowerCase();
}

function requireKlantmanager(ctx: KetenContext, what = 'signals') {
  if (ctx.caller.role !== 'klantmanager') throw forbidden(`${what} are for the klantmanager`);
  return ctx.caller;
}

const signalView = (s: Signalering) => ({
  id: s.id,
  soort: s.kind,
  samenvatting: s.summary,
  trajectId: s.trajectId,
  bsn: s.subjectBsn?.trim() ?? null,
  aangemaaktOp: s.createdAt.toISOString(),
  afgehandeldOp: s.resolvedAt?.toISOString() ?? null,
});

export const rapportageResolvers = {
  Query: {
    mijnRapportageblok: (_: unknown, { trajectId }: Args, ctx: KetenContext) =>
      readOwnBlock(ctx.services, ctx.trace, { caller: ctx.caller, consentToken: ctx.consentToken, trajectId: String(trajectId) }),
    trajectRapportages: (_: unknown, { trajectId }: Args, ctx: KetenContext) => trajectReports(ctx.services, ctx.trace, ctx.caller, trajectIdArg(trajectId)),
    mijnRapportages: (_: unknown, __: Args, ctx: KetenContext) => clientReports(ctx.services, ctx.trace, ctx.caller),
    mijnKetenhoofden: (_: unknown, __: Args, ctx: KetenContext) => clientHeads(ctx.services, ctx.caller),
    trajectenVanMijnBureau: (_: unknown, { trajectId }: Args, ctx: KetenContext) => bureauTrajecten(ctx.services, ctx.trace, ctx.caller, trajectId),
    gecontracteerdeBureaus: (_: unknown, __: Args, ctx: KetenContext) => contractedBureaus(ctx.services, requireKlantmanager(ctx, 'contracted bureaus').oin),
    async signaleringen(_: unknown, { alleenOpen, aantal }: Args, ctx: KetenContext) {
      const km = requireKlantmanager(ctx);
      const limit = typeof aantal === 'number' ? aantal : 100;
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw badInput('aantal', 'a whole number from 1 to 500');
      return (await listSignals(ctx.services.prisma, km.oin, { alleenOpen: alleenOpen !== false, limit })).map(signalView);
    },
  },
  Mutation: {
    async leverRapportageAan(_: unknown, { trajectId, idempotencyKey, rapportage }: Args, ctx: KetenContext) {
      const { receipt } = await submitRapportage(ctx.services, ctx.trace, {
        caller: ctx.caller,
        consentToken: ctx.consentToken,
        trajectId: String(trajectId),
        idempotencyKey,
        rapportage: withoutNulls(rapportage),
      });
      return receipt;
    },
    wijsTrajectToe: (_: unknown, { toewijzing }: Args, ctx: KetenContext) => assignTraject(ctx.services, ctx.trace, ctx.caller, toewijzing),
    beeindigTraject: (_: unknown, { trajectId }: Args, ctx: KetenContext) => endTraject(ctx.services, ctx.trace, ctx.caller, trajectIdArg(trajectId)),
    async handelSignaleringAf(_: unknown, { id }: Args, ctx: KetenContext) {
      const km = requireKlantmanager(ctx);
      if (typeof id !== 'string' || !UUID.test(id)) throw badInput('id', 'must be an id (uuid)');
      const s = await resolveSignal(ctx.services.prisma, km.oin, id, km.subject);
      if (!s) throw badInput('id', 'no signal with this id for your organisation');
      return signalView(s);
    },
  },
  ...rapportageSubscriptionResolvers,
};

/** For the lead's `Rapportageblok` type (schema/keten/traject.graphql): its reports, one query per page. */
export const rapportageLoaders = {
  BureauTraject: {
    async klantnaam(queries: { obj: BureauTraject }[], ctx: KetenContext) {
      return klantnamen(ctx.services, ctx.trace, ctx.caller, queries.map((q) => q.obj));
    },
  },
  Rapportageblok: {
    async rapportages(queries: { obj: { id: string } }[], ctx: KetenContext) {
      return reportsOfBlocks(ctx.services, ctx.trace, ctx.caller, queries.map((q) => q.obj.id));
    },
    async ketenhoofd(queries: { obj: { id: string } }[], ctx: KetenContext) {
      return headsOfBlocks(ctx.services, ctx.caller, queries.map((q) => q.obj.id));
    },
    async toestemming(queries: { obj: { id: string } }[], ctx: KetenContext) {
      return consentOfBlocks(ctx.services, ctx.trace, ctx.caller, queries.map((q) => q.obj.id));
    },
  },
};
