// GET /live: the Server-Sent Events stream an open page listens to (assets/live.js), so it shows a
// new report, consent request or change, or benefit-change signal without a reload.
//  - Authenticated by the page session cookie, read per request like every page (session.ts); no
//    session: the stream says `einde` at once and the script stops.
//  - The same access rules as the API: a klantmanager hears of their own gemeente's clients only
//    (and, on one client's page, of that client only: `klant`, the page's sealed reference); a
//    client of their own data only; a RIB's coach of its own bureau's trajectories only. An
//    auditor has no live pages (403). A browser never gets a BSN: an event says what happened, of
//    which kind, and for which trajectory.
//  - Each event is a processing of the data of the client it is about: it is in their processing
//    log before it is sent, and one that cannot be logged is not sent (logs/event-delivery.ts).
//  - A session that ends ends the stream: before each event, every LIVE_SESSION_CHECK_SECONDS,
//    and when the token runs out. These reads do not count as use, so an open page still idles out.
//  - On shutdown every stream ends; the browser's EventSource (and live.js after it) reconnects to
//    whichever instance answers next.
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { recordDelivery, type DeliveryKind } from '../../logs/event-delivery.js';
import { traceFromHeader } from '../../logs/trace.js';
import { isValidBsn } from '../../../lib/bsn.js';
import type { Pages } from './context.js';
import type { LiveEvent, LiveEvents } from './live-events.js';
import { callerOf, type PageSession } from './session.js';

export const LIVE_PATH = '/live';
/** How long the browser waits before reconnecting a stream that dropped. */
const RETRY_MS = 1000;
/** A token about to run out counts as run out (as session-store.ts does). */
const TOKEN_MARGIN_MS = 60_000;

/** What each role's pages may hear of at all. */
const KINDS: Record<PageSession['role'], DeliveryKind[]> = {
  klantmanager: ['rapportage', 'toestemming', 'signalering'],
  client: ['rapportage', 'toestemming'],
  rib: ['rapportage', 'toestemming'],
  auditor: [],
};

interface Scope {
  kinds: Set<DeliveryKind>;
  /** A klantmanager's stream for one client's page. */
  bsn?: string;
  trajectId?: string;
}

/** The access rule, per event and stream. */
export function mayHear(s: PageSession, scope: Scope, e: LiveEvent): boolean {
  if (!scope.kinds.has(e.kind)) return false;
  if (scope.trajectId && e.trajectId !== scope.trajectId) return false;
  if (s.role === 'klantmanager') return Boolean(s.oin) && e.gemeenteOin === s.oin && (!scope.bsn || e.subjectBsn === scope.bsn);
  if (s.role === 'client') return Boolean(s.bsn) && e.subjectBsn === s.bsn;
  if (s.role === 'rib') return Boolean(s.oin) && e.ribOin === s.oin;
  return false;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The stream's scope from its query, or undefined when it asks for something this person cannot have. */
function scopeOf(pages: Pages, s: PageSession, query: { soort?: unknown; klant?: unknown; traject?: unknown }): Scope | undefined {
  const allowed = KINDS[s.role];
  const asked = typeof query.soort === 'string' ? query.soort.split(',') : allowed;
  const kinds = new Set(allowed.filter((k) => asked.includes(k)));
  if (kinds.size === 0) return undefined;
  const scope: Scope = { kinds };
  if (query.klant !== undefined) {
    // The klantmanager's client pages name a client by a reference only this server can open
    // (klantmanager/klant-ref.ts); opening it narrows the stream, it grants nothing.
    const bsn = s.role === 'klantmanager' && typeof query.klant === 'string' ? pages.sealer.open<string>('klant', query.klant) : undefined;
    if (typeof bsn !== 'string' || !isValidBsn(bsn)) return undefined;
    scope.bsn = bsn;
  }
  if (query.traject !== undefined) {
    if (typeof query.traject !== 'string' || !UUID.test(query.traject)) return undefined;
    scope.trajectId = query.traject.toLowerCase();
  }
  return scope;
}

const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

export async function liveRoutes(app: FastifyInstance, pages: Pages, hub: LiveEvents) {
  const open = new Set<(reason: string) => void>();
  // Streams never end by themselves: without this a shutdown would wait for every open page.
  app.addHook('preClose', async () => {
    for (const end of [...open]) end('herstart');
  });

  app.get<{ Querystring: { soort?: string; klant?: string; traject?: string } }>(LIVE_PATH, async (request, reply) => {
    const session = request.pages?.current;
    const stream = new PassThrough();
    reply.type('text/event-stream; charset=utf-8').header('x-accel-buffering', 'no');
    if (!session) {
      // Not 401: an EventSource would only report an error; this way the script knows to stop.
      stream.end(frame('einde', { reden: 'niet-ingelogd' }));
      return reply.send(stream);
    }
    const scope = scopeOf(pages, session, request.query);
    if (!scope) return reply.code(403).type('text/plain; charset=utf-8').send('Geen toegang');

    const id = request.cookies[pages.cookie.name]!;
    const trace = traceFromHeader(request.headers.traceparent);
    const caller = callerOf(session);
    const config = pages.config;
    let ended = false;
    let queue = Promise.resolve();

    const stillCurrent = async (): Promise<boolean> => {
      const found = await pages.sessions.find(id, { touch: false }).catch(() => undefined);
      return found?.state === 'current' && found.session.subject === session.subject;
    };
    const end = (reason: string) => {
      if (ended) return;
      ended = true;
      cleanup();
      stream.end(frame('einde', { reden: reason }));
    };
    const deliver = async (e: LiveEvent) => {
      if (ended) return;
      if (!(await stillCurrent())) return end('uitgelogd');
      try {
        await recordDelivery(app.services.processingLog, trace, caller, { kind: e.kind, subjectBsn: e.subjectBsn, fields: ['soort', 'tekst', ...(e.trajectId ? ['trajectId'] : [])] });
      } catch (err) {
        request.log.warn({ err: (err as Error).message }, 'live event not sent: it could not be logged as processing');
        return;
      }
      if (!ended) stream.write(frame(e.kind, { soort: e.kind, tekst: e.tekst, ...(e.trajectId ? { trajectId: e.trajectId } : {}) }));
    };

    const unsubscribe = hub.subscribe((e) => {
      // One at a time, in the order they came: a page sees changes in the order they were made.
      if (mayHear(session, scope, e)) queue = queue.then(() => deliver(e));
    });
    const heartbeat = setInterval(() => stream.write(': \n\n'), config.LIVE_HEARTBEAT_SECONDS * 1000);
    const check = setInterval(() => void stillCurrent().then((ok) => ok || end('uitgelogd')), config.LIVE_SESSION_CHECK_SECONDS * 1000);
    const expiry = setTimeout(() => end('verlopen'), Math.min(Math.max(0, session.expiresAt - TOKEN_MARGIN_MS - Date.now()), 2 ** 31 - 1));
    function cleanup() {
      unsubscribe();
      clearInterval(heartbeat);
      clearInterval(check);
      clearTimeout(expiry);
      open.delete(end);
    }
    open.add(end);
    reply.raw.on('close', () => {
      ended = true;
      cleanup();
    });
    stream.write(`retry: ${RETRY_MS}\n: verbonden\n\n`);
    return reply.send(stream);
  });
}

