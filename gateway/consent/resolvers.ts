// Resolvers of the consent part of the keten subgraph (schema/keten/toestemming.graphql). Thin: the
// caller comes from the gateway-signed internal token; the service applies every rule.
import type { KetenContext } from '../graph/keten-context.js';
import { badInput } from '../errors.js';
import { myProcessingLog } from './plain-language.js';
import { buildReceipt } from './receipt.js';
import { clientConsentView, clientRequestView, ribConsentView, ribRequestView } from './views.js';

type Args = Record<string, unknown>;
interface RequestArgs { invoer: { trajectId: string; bevoegdheden: string[]; geldigTot: string } }
interface GrantArgs { invoer: { trajectId: string; bureau: string; bevoegdheden: string[]; geldigTot: string } }

// Mutations answer from the row their own transaction read: once a change has committed, no
// further read can fail and make the caller believe it did not happen.
export const consentResolvers = {
  Query: {
    async mijnToestemmingen(_: unknown, __: Args, ctx: KetenContext) {
      return (await ctx.services.consent.listForClient(ctx.caller)).consents.map(clientConsentView);
    },
    async mijnToestemmingsverzoeken(_: unknown, __: Args, ctx: KetenContext) {
      return (await ctx.services.consent.listForClient(ctx.caller)).requests.map(clientRequestView);
    },
    async ontvangstbewijs(_: unknown, { toestemmingId }: Args, ctx: KetenContext) {
      const c = await ctx.services.consent.consentForClient(ctx.caller, toestemmingId);
      return buildReceipt(ctx.services.keys, ctx.services.config.publicUrl, c);
    },
    async mijnVerwerkingen(_: unknown, { aantal, eerderDan }: Args, ctx: KetenContext) {
      const limit = typeof aantal === 'number' ? aantal : 50;
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw badInput('aantal', 'a whole number from 1 to 500');
      let before: Date | undefined;
      if (typeof eerderDan === 'string') {
        before = new Date(eerderDan);
        if (Number.isNaN(before.getTime())) throw badInput('eerderDan', 'an ISO 8601 date-time');
      }
      return myProcessingLog(ctx.services, ctx.caller, { limit, before });
    },
    async toestemmingsverzoekenVanMijnBureau(_: unknown, __: Args, ctx: KetenContext) {
      return (await ctx.services.consent.listForRib(ctx.caller)).requests.map(ribRequestView);
    },
    async toestemmingenVanMijnBureau(_: unknown, __: Args, ctx: KetenContext) {
      return (await ctx.services.consent.listForRib(ctx.caller)).consents.map(ribConsentView);
    },
    async toestemmingstoken(_: unknown, { toestemmingId }: Args, ctx: KetenContext) {
      const t = await ctx.services.consent.issueToken(ctx.caller, toestemmingId);
      return { token: t.token, kid: t.kid, verlooptOp: t.expiresAt.toISOString() };
    },
  },
  Mutation: {
    async vraagToestemming(_: unknown, { invoer }: RequestArgs, ctx: KetenContext) {
      const r = await ctx.services.consent.request(ctx.trace, ctx.caller, {
        trajectId: invoer.trajectId,
        scopes: invoer.bevoegdheden,
        validUntil: invoer.geldigTot,
      });
      return ribRequestView(r);
    },
    async trekVerzoekIn(_: unknown, { verzoekId }: Args, ctx: KetenContext) {
      return ribRequestView(await ctx.services.consent.withdrawRequest(ctx.trace, ctx.caller, verzoekId));
    },
    async geefToestemmingTerug(_: unknown, { toestemmingId }: Args, ctx: KetenContext) {
      return ribConsentView(await ctx.services.consent.relinquish(ctx.trace, ctx.caller, toestemmingId));
    },
    async keurVerzoekGoed(_: unknown, { verzoekId, geldigTot }: Args, ctx: KetenContext) {
      return clientConsentView(await ctx.services.consent.approveRequest(ctx.trace, ctx.caller, verzoekId, geldigTot));
    },
    async wijsVerzoekAf(_: unknown, { verzoekId, reden }: Args, ctx: KetenContext) {
      return clientRequestView(await ctx.services.consent.rejectRequest(ctx.trace, ctx.caller, verzoekId, reden));
    },
    async verleenToestemming(_: unknown, { invoer }: GrantArgs, ctx: KetenContext) {
      return clientConsentView(
        await ctx.services.consent.grant(ctx.trace, ctx.caller, {
          trajectId: invoer.trajectId,
          granteeOin: invoer.bureau,
          scopes: invoer.bevoegdheden,
          validUntil: invoer.geldigTot,
        }),
      );
    },
    async trekToestemmingIn(_: unknown, { toestemmingId, reden }: Args, ctx: KetenContext) {
      return clientConsentView(await ctx.services.consent.revoke(ctx.trace, ctx.caller, toestemmingId, reden));
    },
  },
};
