// W3C trace context: every request gets a trace id (taken from a valid incoming `traceparent`,
// else new) and each logged processing or decision its own span id, as both Logius standards ask.
import { randomHex } from '../../lib/random.js';

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
  if (m && !/^0+$/.test(m[1]!) && !/^0+$/.test(m[2]!)) {
    return { traceId: m[1]!, spanId: newSpanId(), parentSpanId: m[2]! };
  }
  return { traceId: newTraceId(), spanId: newSpanId() };
}

export function traceparentOf(trace: TraceContext, spanId = trace.spanId): string {
  return `00-${trace.traceId}-${spanId}-01`;
}
