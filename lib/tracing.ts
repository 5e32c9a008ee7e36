// Whether this process exports OpenTelemetry traces, as the rest of the code needs to know it:
// the trace id of the logs is then the active span's, and outgoing calls get their `traceparent`
// from the undici instrumentation rather than from us (two such headers would break the trace).
// No OpenTelemetry import here: with tracing off (the default) none of it is ever loaded, and
// every function below is one test of an unset variable.

/** The ids of an OpenTelemetry span, as the W3C trace context writes them (lower-case hex). */
export interface SpanIds {
  traceId: string;
  spanId: string;
}

/** What gateway/telemetry installs once its SDK runs. */
export interface TracingHooks {
  /** The span active in the current async context, when there is one with a valid trace id. */
  activeSpan(): SpanIds | undefined;
  /** Runs `fn` with `parent` (a trace we started ourselves) as the active remote parent. */
  runWithin<T>(parent: SpanIds, fn: () => T): T;
  /** Exports what is still buffered and stops; called once on shutdown. */
  shutdown(): Promise<void>;
}

let hooks: TracingHooks | undefined;

export function installTracing(installed: TracingHooks | undefined): void {
  hooks = installed;
}

/** True when the OpenTelemetry SDK runs in this process (OTEL_EXPORTER_OTLP_ENDPOINT was set). */
export const tracingOn = (): boolean => hooks !== undefined;

export const activeSpan = (): SpanIds | undefined => hooks?.activeSpan();

/** With tracing on, spans started inside `fn` (an outgoing call's, say) join `parent`'s trace. */
export function runWithinTrace<T>(parent: SpanIds, fn: () => T): T {
  return hooks ? hooks.runWithin(parent, fn) : fn();
}

/** Exports the spans still buffered; nothing to do with tracing off. */
export async function shutdownTracing(): Promise<void> {
  const h = hooks;
  hooks = undefined;
  await h?.shutdown();
}
