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
//  5. Each event delivered to a client is a processing of the data of the client the trajectory is
//     about, logged per receiving client before it is sent (gateway/logs/event-delivery.ts); one
//     that cannot be logged is not delivered. The upstream query always asks for the trajectory
//     under a hidden alias (TRAJECT_MARKER), so whom an event is about is known whatever the
//     client selected; the client's own selection never includes it, so it never reaches them.
import type { FastifyInstance } from 'fastify';
import type { Caller } from '../auth/caller.js';
import { forbidden } from '../errors.js';
import { Kind, type FieldNode, type GraphQLSchema } from '../../lib/graphql.js';
import { recordDelivery } from '../logs/event-delivery.js';
import type { TraceContext } from '../logs/trace.js';
import type { ChainServices } from '../services.js';
import { parseEvent, RAPPORTAGE_CHANNEL, type RapportageEvent } from './events.js';
import { recordBlokDecision } from './policy.js';
import { createTrajectLookup, type TrajectLookup } from './traject-lookup.js';

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

type SubscribeFn = (parent: unknown, args: Record<string, unknown>, ctx: { caller?: Caller; trace: TraceContext }, info: SubscribeInfo) => unknown;
interface SubscribeInfo {
  fieldNodes: readonly FieldNode[];
}

/** The alias under which the gateway asks the keten subgraph for each event's trajectory. */
export const TRAJECT_MARKER = '__kpTraject';
const lookups = new WeakMap<ChainServices, TrajectLookup>();

/** The client's selection plus `__kpTraject: trajectId` (the gateway plans the upstream query from `info`). */
function withTrajectMarker<I extends SubscribeInfo>(info: I): I {
  const [field, ...rest] = info.fieldNodes;
  if (!field?.selectionSet) return info;
  const marker: FieldNode = { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: TRAJECT_MARKER }, name: { kind: Kind.NAME, value: 'trajectId' }, arguments: [], directives: [] };
  return { ...info, fieldNodes: [{ ...field, selectionSet: { ...field.selectionSet, selections: [...field.selectionSet.selections, marker] } }, ...rest] };
}

/** The names the client selected on the event (what reaches them), for the processing log. */
function selectedFields(info: SubscribeInfo): string[] {
  return (info.fieldNodes[0]?.selectionSet?.selections ?? []).flatMap((s) => (s.kind === Kind.FIELD && s.name.value !== '__typename' ? [s.name.value] : []));
}

/**
 * The events of one client's subscription, each passed on only once its processing-log row for
 * that client is written. An event whose trajectory is unknown, or whose row cannot be written,
 * is dropped (fail closed); the subscription goes on.
 */
async function* loggedDeliveries(app: FastifyInstance | undefined, services: ChainServices, events: AsyncIterable<unknown>, ctx: { caller?: Caller; trace: TraceContext }, fields: string[]) {
  let lookup = lookups.get(services);
  if (!lookup) lookups.set(services, (lookup = createTrajectLookup(services.prisma)));
  for await (const payload of events) {
    const event = (payload as Record<string, Record<string, unknown> | undefined>)?.[SUBSCRIPTION_FIELD];
    try {
      const trajectId = event?.[TRAJECT_MARKER];
      const traject = typeof trajectId === 'string' ? await lookup(trajectId) : undefined;
      if (!traject || !ctx.caller) throw new Error('an event without a known trajectory');
      await recordDelivery(services.processingLog, ctx.trace, ctx.caller, { kind: 'rapportage', subjectBsn: traject.subjectBsn, fields });
    } catch (err) {
      app?.log.warn({ err: (err as Error).message }, 'rapportage event not delivered: it could not be logged as processing');
      continue;
    }
    yield payload;
  }
}

/**
 * At the gateway: wraps the composed schema's Subscription.rapportageOntvangen so every client is
 * checked with its own arguments before it joins a (possibly shared) upstream subscription, and
 * each event it receives is logged as processing for that client first.
 * Returns the guarded field names; the gateway refuses subscriptions to any other field.
 */
export function guardReportSubscription(schema: GraphQLSchema, services: ChainServices, app?: FastifyInstance): Set<string> {
  const field = schema.getSubscriptionType()?.getFields()[SUBSCRIPTION_FIELD] as { subscribe?: SubscribeFn & { guarded?: true } } | undefined;
  if (!field?.subscribe) return new Set();
  if (!field.subscribe.guarded) {
    const original = field.subscribe;
    const guarded: SubscribeFn & { guarded?: true } = async (parent, args, ctx, info) => {
      await authorizeReportSubscription(services, ctx.trace, ctx.caller, args.gemeenteOin);
      const events = (await original(parent, args, ctx, withTrajectMarker(info))) as AsyncIterable<unknown>;
      return loggedDeliveries(app, services, events, ctx, selectedFields(info));
    };
    guarded.guarded = true;
    field.subscribe = guarded;
  }
  return new Set([`Subscription.${SUBSCRIPTION_FIELD}`]);
}
