// OpenTelemetry traces, only when an OTLP endpoint is configured. bin/ketenpoort.js calls
// startTelemetry before the rest of the program is loaded; without OTEL_EXPORTER_OTLP_ENDPOINT (or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) it returns at once and imports nothing of OpenTelemetry: no
// SDK, no context manager, no instrumentation, no cost per request (prom-client alone loads the
// small @opentelemetry/api, for its exemplars).
//
// With an endpoint: the Node SDK with two instrumentations that need no module patching (both
// listen on diagnostics channels, so the order of imports does not matter): @fastify/otel, which
// registers itself on every fastify instance (gateway, its own subgraph, adapters, sandboxes) and
// continues the caller's W3C trace context, and undici's, which makes a span of every outgoing
// call and writes its traceparent. Spans leave redacted (redaction.ts) over OTLP/HTTP, protobuf
// by default or JSON (OTEL_EXPORTER_OTLP_PROTOCOL / _TRACES_PROTOCOL). Traces only: metrics are
// Prometheus's (lib/metrics.ts), logs are pino's. The SDK reads the other standard OTEL_* settings
// (OTEL_SERVICE_NAME, OTEL_EXPORTER_OTLP_HEADERS, OTEL_TRACES_SAMPLER) itself; OTEL_BSP_* is read here.
import type { FastifyBaseLogger } from 'fastify';
import { installTracing, shutdownTracing, type TracingHooks } from '../../lib/tracing.js';
import { ConfigError } from '../config.js';
import { COMPONENT } from './component.js';

type Env = Record<string, string | undefined>;

export interface Telemetry {
  /** Where the spans go, as configured. */
  endpoint: string;
  protocol: 'http/protobuf' | 'http/json';
  /** Exports every finished span now (tests; a shutdown does it anyway). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Routes that say nothing worth a trace and are called all the time. */
const QUIET = new Set(['/health', '/ready', '/metrics']);


/**
 * Where spans go, as the OTLP specification says: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is, or
 * OTEL_EXPORTER_OTLP_ENDPOINT (the collector's base URL) with /v1/traces added; none when neither
 * is set or OTEL_SDK_DISABLED=true.
 */
export function tracesEndpoint(env: Env): string | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (traces) return traces;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}

function protocolOf(env: Env): Telemetry['protocol'] {
  const variable = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const value = (env[variable] ?? 'http/protobuf').trim();
  if (value !== 'http/protobuf' && value !== 'http/json') throw new ConfigError(variable, 'http/protobuf (the default) or http/json');
  return value;
}

/** The standard batch settings (OTEL_BSP_*), which this SDK's span processor does not read itself. */
function batchOptions(env: Env) {
  const options: Record<string, number> = {};
  const names = { OTEL_BSP_SCHEDULE_DELAY: 'scheduledDelayMillis', OTEL_BSP_EXPORT_TIMEOUT: 'exportTimeoutMillis', OTEL_BSP_MAX_QUEUE_SIZE: 'maxQueueSize', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: 'maxExportBatchSize' } as const;
  for (const [variable, option] of Object.entries(names)) {
    const raw = env[variable]?.trim();
    if (!raw) continue;
    if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new ConfigError(variable, 'a whole number above 0');
    options[option] = Number(raw);
  }
  return options;
}

/**
 * Starts tracing when `env` names an OTLP endpoint; returns undefined (and loads nothing) when it
 * does not. Call once per process, before the first fastify instance is made.
 */
export async function startTelemetry(env: Env, serviceName = 'ketenpoort'): Promise<Telemetry | undefined> {
  const endpoint = tracesEndpoint(env);
  if (!endpoint) return undefined;
  try {
    new URL(endpoint);
  } catch {
    throw new ConfigError(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT', 'an http(s) URL of an OTLP collector');
  }
  const protocol = protocolOf(env);

  const [{ NodeSDK }, api, { BatchSpanProcessor }, { envDetector }, { FastifyOtelInstrumentation }, { UndiciInstrumentation }, { RedactingSpanProcessor }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/resources'),
    import('@fastify/otel'),
    import('@opentelemetry/instrumentation-undici'),
    import('./redaction.js'),
  ]);
  // The exporter reads its headers and timeout (OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT) itself.
  const { OTLPTraceExporter } =
    protocol === 'http/json' ? await import('@opentelemetry/exporter-trace-otlp-http') : await import('@opentelemetry/exporter-trace-otlp-proto');

  const collector = new URL(endpoint).origin;
  const instrumentations = [
    new FastifyOtelInstrumentation({
      registerOnInitialization: true,
      // One span per request and one for its handler; a span per hook (a dozen per request)
      // says little and costs much.
      instrumentHooks: false,
      ignorePaths: (route: { url?: string }) => QUIET.has((route.url ?? '').split('?')[0]!),
      // Which part answered: every fastify instance here has a named logger (ketenpoort,
      // keten-subgraph, adapter-uwv, sandbox-uwv, ...). Named as HTTP server spans are: method, route.
      requestHook: (span, request) => {
        const part = (request.log as FastifyBaseLogger & { bindings(): { name?: unknown } }).bindings().name;
        if (typeof part === 'string') span.setAttribute(COMPONENT, part);
        span.updateName(`${request.method} ${request.routeOptions.url ?? 'unknown route'}`);
      },
    }),
    new UndiciInstrumentation({
      // The exporter's own calls are not traced (it uses node:http, but be sure).
      ignoreRequestHook: (request) => String(request.origin) === collector,
    }),
  ];
  const processor = new RedactingSpanProcessor(new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: endpoint }), ...batchOptions(env) }));
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME?.trim() || serviceName,
    // Only what the operator sets in OTEL_RESOURCE_ATTRIBUTES: no host or process details.
    resourceDetectors: [envDetector],
    spanProcessors: [processor],
    // Without these the SDK would also start OTLP metric and log exporters.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations,
  });
  sdk.start();

  const { trace, context, isSpanContextValid, TraceFlags } = api;
  const hooks: TracingHooks = {
    activeSpan() {
      const sc = trace.getActiveSpan()?.spanContext();
      return sc && isSpanContextValid(sc) ? { traceId: sc.traceId, spanId: sc.spanId } : undefined;
    },
    runWithin(parent, fn) {
      const sc = { traceId: parent.traceId, spanId: parent.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true };
      return context.with(trace.setSpanContext(context.active(), sc), fn);
    },
    async shutdown() {
      for (const i of instrumentations) i.disable();
      await sdk.shutdown();
      // A process that started tracing again (tests) gets a fresh global provider.
      trace.disable();
      context.disable();
      api.propagation.disable();
    },
  };
  installTracing(hooks);
  return { endpoint, protocol, flush: () => processor.forceFlush(), shutdown: shutdownTracing };
}
