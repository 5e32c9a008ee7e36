// W3C trace context: every request gets a trace id (taken from a valid incoming `traceparent`,
// else new) and each logged processing or decision its own span id, as both Logius standards ask.
// With OpenTelemetry tracing on (gateway/telemetry), the active span IS the trace: its trace and
// span id are what the processing and decision logs record, so a log row and the exported spans
// always name the same trace, and outgoing calls carry the traceparent the undici instrumentation
// writes. With tracing off, this file makes the ids itself, as before.
import { randomHex } from '../../lib/random.js';
import { activeSpan, runWithinTrace, tracingOn } from '../../lib/tracing.js';

export interface TraceContext {
  traceId: string;
  /** The span of this request at the gateway. */
  spanId: string;
  /** The caller's span, when it sent a traceparent. */
  parentSpanId?: string;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

export const newSpanId = () => randomHex(8);
export const newTraceId = () => randomHex(16);

export function traceFromHeader(traceparent: string | string[] | undefined): TraceContext {
  const m = typeof traceparent === 'string' ? TRACEPARENT.exec(traceparent.trim()) : null;
  const valid = m !== null && !/^0+$/.test(m[1]!) && !/^0+$/.test(m[2]!);
  const span = activeSpan();
  if (span) {
    // The instrumentation read the same header: when it was valid, the span continues its trace.
    return { traceId: span.traceId, spanId: span.spanId, ...(valid && m![1] === span.traceId ? { parentSpanId: m![2]! } : {}) };
  }
  if (valid) return { traceId: m![1]!, spanId: newSpanId(), parentSpanId: m![2]! };
  return { traceId: newTraceId(), spanId: newSpanId() };
}

/** A trace of the gateway's own making (a scheduled scan): with tracing on, its calls join it. */
export function newTrace(): TraceContext {
  return traceFromHeader(undefined);
}

export function traceparentOf(trace: TraceContext, spanId = trace.spanId): string {
  return `00-${trace.traceId}-${spanId}-01`;
}

/**
 * The headers that carry `trace` on an outgoing HTTP call. With tracing on, none: the undici
 * instrumentation writes the traceparent of the call's own span (a second one would make the
 * receiver drop both).
 */
export function traceHeaders(trace: TraceContext): { traceparent?: string } {
  return tracingOn() ? {} : { traceparent: traceparentOf(trace) };
}

/** Runs `fn` so that, with tracing on, the calls it makes are spans of `trace`. */
export function withinTrace<T>(trace: TraceContext, fn: () => T): T {
  return runWithinTrace(trace, fn);
}
