// What leaves the process in a span, decided in one place: a span processor in front of the
// exporter hands it a copy of each finished span with only the attributes on a short list, URLs
// without their query and with every path segment that could be a BSN, an OIN or a token masked,
// no status or exception message (they quote inputs) and no link or event attributes besides the
// exception's type. The instrumentations (undici, @fastify/otel) record full URLs, query strings
// and user agents; a partner's URL may carry a BSN. A list of what may go, not of what may not:
// an attribute a future instrumentation adds stays home until someone adds it here.
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { COMPONENT } from './component.js';

type Attributes = ReadableSpan['attributes'];

/** Attributes that say nothing about a person: kept as they are. */
const KEPT = new Set([
  'http.request.method',
  'http.request.method_original',
  'http.response.status_code',
  'http.route',
  'url.scheme',
  'server.address',
  'server.port',
  'network.peer.address',
  'network.peer.port',
  'network.protocol.version',
  'error.type',
  'fastify.root',
  'fastify.type',
  'hook.name',
  'hook.callback.name',
  COMPONENT,
]);
/** Attributes holding a URL or a path: kept without query and with suspicious segments masked. */
const URLS = new Set(['url.full', 'url.path']);
const EVENT_ATTRIBUTES = new Set(['exception.type']);

export const MASK = '{redacted}';
/** A BSN has 9 digits, an OIN 20; tokens and ids are long runs of letters, digits, - and _. */
const SUSPICIOUS = /\d{5,}|[A-Za-z0-9_~.+/=-]{32,}|%[0-9a-f]{2}/i;

/** A path or URL without query or fragment, each suspicious segment replaced by {redacted}. */
export function safeUrl(value: string): string {
  const cut = value.search(/[?#]/);
  const bare = cut === -1 ? value : value.slice(0, cut);
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(bare)?.[0] ?? '';
  const path = bare.slice(origin.length);
  return origin + path.split('/').map((s) => (SUSPICIOUS.test(s) ? MASK : s)).join('/');
}

/** Span names come from code (a method, a handler's name), but are masked the same way. */
const safeName = (name: string) => name.replace(/\d{5,}/g, MASK);

export function safeAttributes(attributes: Attributes): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (KEPT.has(key)) out[key] = value;
    else if (URLS.has(key) && typeof value === 'string') out[key] = safeUrl(value);
  }
  // A server span knows its route template (/rib/v1/trajecten/:trajectId/…): the better path.
  if (typeof out['http.route'] === 'string' && 'url.path' in out) out['url.path'] = out['http.route'];
  return out;
}

/** A copy of a finished span holding only what may leave (see the top of this file). */
export function redactedSpan(span: ReadableSpan): ReadableSpan {
  const attributes = safeAttributes(span.attributes);
  return {
    name: safeName(span.name),
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: { code: span.status.code },
    attributes,
    links: span.links.map((l) => ({ context: l.context })),
    events: span.events.map((e) => ({
      name: e.name,
      time: e.time,
      attributes: Object.fromEntries(Object.entries(e.attributes ?? {}).filter(([k]) => EVENT_ATTRIBUTES.has(k))),
    })),
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount + Object.keys(span.attributes).length - Object.keys(attributes).length,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

/** Passes each finished span, redacted, to the processor that exports it. */
export class RedactingSpanProcessor implements SpanProcessor {
  constructor(private readonly next: SpanProcessor) {}

  onStart(span: Span, parentContext: Context): void {
    this.next.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    this.next.onEnd(redactedSpan(span));
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}
