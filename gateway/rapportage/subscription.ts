// "The klantmanager gets a GraphQL subscription event when a report arrives", on every gateway
// instance. The chain of custody:
//  1. The write transaction sends a NOTIFY (events.ts); PostgreSQL delivers it to every instance
//     when the report commits.
//  2. Each instance's keten subgraph LISTENs and publishes it on a per-gemeente topic of its own
//     mercurius pubsub (bridgeReportEvents).
//  3. The subgraph's Subscription.rapportageOntvangen lets a klantmanager subscribe to their own
//     gemeente's topic only (the caller comes from the internal token in the per-subscription
//     connection_init the gateway sends).
//  4. The gateway proxies subscriptions over one websocket per subgraph and shares an upstream
//     subscription between clients that send the same query and variables. So the gateway itself
//     must also check, for every client, that the gemeente asked for is the client's own
//     (guardReportSubscription): otherwise a second client could ride on the first one's stream.
import type { FastifyInstance } from 'fastify';
import type { Caller } from '../auth/caller.js';
import { forbidden } from '../errors.js';
import type { GraphQLSchema } from '../../lib/graphql.js';
import type { TraceContext } from '../logs/trace.js';
import type { ChainServices } from '../services.js';
import { parseEvent, RAPPORTAGE_CHANNEL, type RapportageEvent } from './events.js';
import { recordBlokDecision } from './policy.js';

export const SUBSCRIPTION_FIELD = 'rapportageOntvangen';
const topicFor = (gemeenteOin: string) => `rapportage-ontvangen:${gemeenteOin}`;

/** LISTEN → this instance's subscribers. Returns the function that stops listening. */
export async function bridgeReportEvents(app: FastifyInstance, services: ChainServices): Promise<() => Promise<void>> {
  const names = new Map<string, string>();
  const nameOf = async (oin: string) => {
    let name = names.get(oin);
    if (!name) {
      name = (await services.prisma.organisation.findUnique({ where: { oin } }))?.name ?? oin;
      names.set(oin, name);
    }
    return name;
  };
  return services.db.listen(RAPPORTAGE_CHANNEL, (payload) => {
    const event = parseEvent(payload);
    if (!event) return;
    void nameOf(event.ribOin)
      .then((naam) => app.graphql.pubsub.publish({ topic: topicFor(event.gemeenteOin), payload: { [SUBSCRIPTION_FIELD]: view(event, naam) } }))
      .catch((err) => app.log.warn({ err: (err as Error).message }, 'rapportage event not published'));
  });
}

function view(e: RapportageEvent, ribName: string) {
  return {
    rapportageId: e.rapportageId,
    trajectId: e.trajectId,
    blokId: e.blokId,
    bureau: { oin: e.ribOin, naam: ribName, soort: 'rib' },
    soort: e.soort,
    volgnummer: e.volgnummer,
    corrigeert: e.corrigeert,
    ontvangenOp: e.ontvangenOp,
  };
}

/** Only a klantmanager, only their own gemeente. Logged either way (the caller sees no report content). */
export async function authorizeReportSubscription(services: ChainServices, trace: TraceContext, caller: Caller | undefined, gemeenteOin: unknown) {
  const allowed = caller?.role === 'klantmanager' && caller.oin === gemeenteOin;
  if (caller) {
    await recordBlokDecision(services, trace, { action: 'rapportage:volgen', trajectId: '-', caller, information: { gemeenteOin: String(gemeenteOin).slice(0, 20) } }, allowed ? 'permit' : 'deny', allowed ? 'own-gemeente' : 'not-own-gemeente');
  }
  if (!allowed) throw forbidden('a klantmanager follows the reports of their own gemeente only');
}

interface SubgraphContext {
  caller?: Caller;
  trace: TraceContext;
  services: ChainServices;
  pubsub: { subscribe(topic: string): Promise<AsyncIterable<unknown>> };
}

export const rapportageSubscriptionResolvers = {
  Subscription: {
    [SUBSCRIPTION_FIELD]: {
      async subscribe(_: unknown, { gemeenteOin }: { gemeenteOin: string }, ctx: SubgraphContext) {
        await authorizeReportSubscription(ctx.services, ctx.trace, ctx.caller, gemeenteOin);
        return ctx.pubsub.subscribe(topicFor(gemeenteOin));
      },
    },
  },
};

type SubscribeFn = (parent: unknown, args: Record<string, unknown>, ctx: { caller?: Caller; trace: TraceContext }, info: unknown) => unknown;

/**
 * At the gateway: wraps the composed schema's Subscription.rapportageOntvangen so every client is
 * checked with its own arguments before it joins a (possibly shared) upstream subscription.
 * Returns the guarded field names; the gateway refuses subscriptions to any other field.
 */
export function guardReportSubscription(schema: GraphQLSchema, services: ChainServices): Set<string> {
  const field = schema.getSubscriptionType()?.getFields()[SUBSCRIPTION_FIELD] as { subscribe?: SubscribeFn & { guarded?: true } } | undefined;
  if (!field?.subscribe) return new Set();
  if (!field.subscribe.guarded) {
    const original = field.subscribe;
    const guarded: SubscribeFn & { guarded?: true } = async (parent, args, ctx, info) => {
      await authorizeReportSubscription(services, ctx.trace, ctx.caller, args.gemeenteOin);
      return original(parent, args, ctx, info);
    };
    guarded.guarded = true;
    field.subscribe = guarded;
  }
  return new Set([`Subscription.${SUBSCRIPTION_FIELD}`]);
}
