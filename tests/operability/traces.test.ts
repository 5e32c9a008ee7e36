// OpenTelemetry traces as an operator's collector receives them: a real OTLP/HTTP endpoint in the
// test collects what Ketenpoort exports while a klantmanager opens the combined view and a RIB
// uploads a report. One request is one trace, through gateway, its own subgraph, the three
// adapters and their partners' sandboxes; the processing and decision logs name that same trace;
// and not one BSN, token or line of the report is in what left the process.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, isSpanContextValid, trace as otelTrace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { population } from '../../adapters/population/population.js';
import { MASK, redactedSpan, safeUrl } from '../../gateway/telemetry/redaction.js';
import { startTelemetry, type Telemetry } from '../../gateway/telemetry/start.js';
import { tracingOn } from '../../lib/tracing.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { runKetenpoort } from '../support/child.js';
import { freshDatabase } from '../support/database.js';
import { graphql } from '../support/graphql.js';
import { consentFor, freshTraject, postRapportage, rapportage, WERKFIT } from '../rapportage/helpers.js';

/** A minimal OTLP/HTTP trace receiver: keeps every export request's raw body. */
interface Receiver {
  url: string;
  bodies: { contentType: string; raw: Buffer }[];
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const bodies: Receiver['bodies'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      const contentType = String(req.headers['content-type'] ?? '');
      bodies.push({ contentType, raw: Buffer.concat(chunks) });
      // An empty ExportTraceServiceResponse: all spans accepted.
      if (contentType.includes('json')) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  service: string;
}

const SERVER = 2;
const CLIENT = 3;

/** The spans of every OTLP/JSON export received so far. */
function spansOf(receiver: Receiver): ExportedSpan[] {
  const value = (v: Record<string, unknown>) => v.stringValue ?? v.intValue ?? v.boolValue ?? v.doubleValue;
  const attrs = (list: { key: string; value: Record<string, unknown> }[] = []) => Object.fromEntries(list.map((a) => [a.key, value(a.value)]));
  return receiver.bodies
    .filter((b) => b.contentType.includes('json'))
    .flatMap((b) => JSON.parse(b.raw.toString('utf8')).resourceSpans as any[])
    .flatMap((rs) => {
      const service = String(attrs(rs.resource?.attributes)['service.name']);
      return (rs.scopeSpans as any[]).flatMap((ss) =>
        (ss.spans as any[]).map((s) => ({
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId || undefined,
          name: s.name,
          kind: s.kind,
          attributes: attrs(s.attributes),
          service,
        })),
      );
    });
}

const components = (spans: ExportedSpan[]) => new Set(spans.map((s) => s.attributes['ketenpoort.component']).filter(Boolean));

const KLANTBEELD = `query($bsn: ID!) { klant(bsn: $bsn) {
  bsn naam { volledigeNaam } adres { postcode }
  uitkeringen { soort status }
  inschrijving { status } sollicitaties { functie }
  trajecten { titel }
} }`;

/**
 * The test plays a caller from outside, but runs in the gateway's process, where undici is now
 * instrumented: its own calls must not become spans (or send a traceparent) of their own.
 */
const asOutsideCaller = (fn: () => Promise<void>) => () => context.with(suppressTracing(context.active()), fn);

const fatima = population()[0]!;
const everyBsn = population().map((c) => c.bsn);

describe('without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('starts nothing: no tracer provider, no recording span, no trace headers of its own making', async () => {
    expect(await startTelemetry({ OTEL_SERVICE_NAME: 'ketenpoort' })).toBeUndefined();
    expect(await startTelemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
    expect(tracingOn()).toBe(false);
    // The API's global provider is still the no-op one: a span started now records nothing.
    const span = otelTrace.getTracer('probe').startSpan('probe');
    expect(span.isRecording()).toBe(false);
    expect(isSpanContextValid(span.spanContext())).toBe(false);
    span.end();
  });

  it('refuses a protocol it cannot export with, before starting anything', async () => {
    await expect(startTelemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).rejects.toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL/);
    expect(tracingOn()).toBe(false);
  });
});

describe('what a span may carry out', () => {
  it('keeps URLs without query, masks path segments that could be a BSN, OIN or token, drops the rest', () => {
    const bsn = fatima.bsn;
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJrbS1qYW4ifQ.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU';
    expect(safeUrl(`http://127.0.0.1:4000/v1/personen/${bsn}/uitkeringen?bsn=${bsn}#x`)).toBe(`http://127.0.0.1:4000/v1/personen/${MASK}/uitkeringen`);
    expect(safeUrl(`/gemeenten/00000001990000000001/caseload`)).toBe(`/gemeenten/${MASK}/caseload`);
    expect(safeUrl(`/tokens/${jwt}`)).toBe(`/tokens/${MASK}`);
    const span = {
      name: `GET /v1/personen/${bsn}`,
      kind: 2,
      spanContext: () => ({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 }),
      parentSpanContext: undefined,
      startTime: [1, 0], endTime: [1, 5], duration: [0, 5], ended: true,
      status: { code: 2, message: `no client ${bsn}` },
      attributes: {
        'http.request.method': 'GET',
        'url.full': `http://partner.test/v1/personen/${bsn}?token=${jwt}`,
        'url.path': `/v1/personen/${bsn}`,
        'url.query': `?bsn=${bsn}`,
        'user_agent.original': 'Mozilla/5.0',
        'http.request.header.authorization': [`Bearer ${jwt}`],
        'http.response.status_code': 404,
      },
      links: [{ context: { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), traceFlags: 1 }, attributes: { bsn } }],
      events: [{ name: 'exception', time: [1, 2], attributes: { 'exception.type': 'Error', 'exception.message': `bad ${bsn}`, 'exception.stacktrace': `Error: bad ${bsn}` } }],
      resource: {} as never, instrumentationScope: { name: 'test' },
      droppedAttributesCount: 0, droppedEventsCount: 0, droppedLinksCount: 0,
    };
    const out = redactedSpan(span as never);
    const text = JSON.stringify({ ...out, spanContext: out.spanContext() });
    expect(text).not.toContain(bsn);
    expect(text).not.toContain('eyJ');
    expect(out.attributes).toEqual({
      'http.request.method': 'GET',
      'url.full': `http://partner.test/v1/personen/${MASK}`,
      'url.path': `/v1/personen/${MASK}`,
      'http.response.status_code': 404,
    });
    expect(out.events).toEqual([{ name: 'exception', time: [1, 2], attributes: { 'exception.type': 'Error' } }]);
    expect(out.status).toEqual({ code: 2 });
    expect(out.spanContext().traceId).toBe('a'.repeat(32));
    expect(out.droppedAttributesCount).toBe(3);
  });
});

describe('with an OTLP endpoint', () => {
  let receiver: Receiver;
  let telemetry: Telemetry;
  let t: TestApp;

  beforeAll(async () => {
    receiver = await startReceiver();
    // Before the first fastify instance: @fastify/otel registers on each one as it is made.
    telemetry = (await startTelemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }))!;
    t = await startTestApp({ env: { PARTNER_TIMEOUT_MS: '2000' } });
  });
  afterAll(async () => {
    await t?.close();
    await telemetry?.shutdown();
    await receiver?.close();
  });

  async function newRows(since: { verwerking: bigint; besluit: bigint }) {
    const p = t.db.prisma;
    return {
      verwerking: await p.verwerking.findMany({ where: { id: { gt: since.verwerking } }, orderBy: { id: 'asc' } }),
      besluit: await p.besluit.findMany({ where: { id: { gt: since.besluit } }, orderBy: { id: 'asc' } }),
    };
  }
  async function mark() {
    const p = t.db.prisma;
    const [v, b] = await Promise.all([p.verwerking.findFirst({ orderBy: { id: 'desc' } }), p.besluit.findFirst({ orderBy: { id: 'desc' } })]);
    return { verwerking: v?.id ?? 0n, besluit: b?.id ?? 0n };
  }

  it('follows the combined view through gateway, subgraph, adapters and partners as one trace, the logs naming it', asOutsideCaller(async () => {
    const since = await mark();
    const r = await graphql(t.url, await t.token('km-jan'), KLANTBEELD, { bsn: fatima.bsn });
    expect(r.errors).toEqual([]);
    expect(r.data!.klant.uitkeringen.length).toBeGreaterThan(0);
    await telemetry.flush();

    // The logs' trace: no traceparent was sent, so the only place it can come from is the span.
    const rows = await newRows(since);
    expect(rows.verwerking).toHaveLength(1);
    expect(rows.besluit.length).toBeGreaterThan(0);
    const traceId = rows.verwerking[0]!.traceId;
    expect(new Set(rows.besluit.map((b) => b.traceId))).toEqual(new Set([traceId]));

    const spans = spansOf(receiver).filter((s) => s.traceId === traceId);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    // The gateway's span for the request started this trace.
    const root = spans.find((s) => s.attributes['ketenpoort.component'] === 'ketenpoort' && s.kind === SERVER);
    expect(root).toMatchObject({ name: 'POST /graphql', service: 'ketenpoort' });
    expect(root!.parentSpanId).toBeUndefined();
    // Every hop is in it: the gateway's own subgraph, each adapter and each partner's sandbox.
    expect([...components(spans)].sort()).toEqual([
      'adapter-cwi', 'adapter-gemeente', 'adapter-uwv', 'keten-subgraph', 'ketenpoort', 'sandbox-cwi', 'sandbox-gemeente', 'sandbox-uwv',
    ]);
    // ... linked by the W3C context each call carried: a partner's server span is the child of the
    // adapter's client span, itself under that adapter's server span, under a gateway client span.
    for (const partner of ['uwv', 'cwi', 'gemeente']) {
      const sandbox = spans.filter((s) => s.attributes['ketenpoort.component'] === `sandbox-${partner}` && s.kind === SERVER);
      expect(sandbox.length).toBeGreaterThan(0);
      for (const s of sandbox) {
        const call = byId.get(s.parentSpanId!);
        expect(call?.kind).toBe(CLIENT);
        const ancestors: ExportedSpan[] = [];
        for (let a = byId.get(call!.parentSpanId!); a; a = a.parentSpanId ? byId.get(a.parentSpanId) : undefined) ancestors.push(a);
        expect(ancestors.map((a) => a.attributes['ketenpoort.component']).filter(Boolean)).toEqual([`adapter-${partner}`, 'ketenpoort']);
        expect(ancestors.at(-1)).toBe(root);
      }
    }
    // The log rows hang under spans that were exported (the request's handler, here and in the subgraph).
    for (const row of [...rows.verwerking, ...rows.besluit]) {
      const parent = 'parentSpanId' in row ? row.parentSpanId : undefined;
      if (parent) expect(byId.has(parent)).toBe(true);
    }
    expect(byId.has(rows.verwerking[0]!.parentSpanId!)).toBe(true);
  }));

  it("continues a caller's trace: the spans and the log rows take its trace id, the gateway's span its parent", asOutsideCaller(async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const since = await mark();
    const r = await graphql(t.url, await t.token('km-jan'), KLANTBEELD, { bsn: fatima.bsn }, { traceparent: `00-${traceId}-${callerSpan}-01` });
    expect(r.errors).toEqual([]);
    await telemetry.flush();
    const rows = await newRows(since);
    expect(rows.verwerking.map((v) => [v.traceId, v.foreignSpanId])).toEqual([[traceId, callerSpan]]);
    expect(rows.besluit.every((b) => b.traceId === traceId)).toBe(true);
    const spans = spansOf(receiver).filter((s) => s.traceId === traceId);
    const root = spans.find((s) => s.attributes['ketenpoort.component'] === 'ketenpoort' && s.kind === SERVER);
    expect(root?.parentSpanId).toBe(callerSpan);
    expect(components(spans).has('sandbox-uwv')).toBe(true);
  }));

  it("traces a RIB's report upload under the trace its decision and processing rows carry", asOutsideCaller(async () => {
    const traject = await freshTraject(t, fatima.bsn, WERKFIT);
    const { token } = await consentFor(t, 'client-fatima', 'rib-werkfit', traject);
    const since = await mark();
    const report = await postRapportage(t, 'rib-werkfit', traject.id, rapportage(traject), { 'consent-token': token });
    expect(report.status).toBe(201);
    await telemetry.flush();

    const rows = await newRows(since);
    expect(rows.besluit.map((b) => b.decision)).toContain('permit');
    const traceIds = new Set([...rows.besluit, ...rows.verwerking].map((r) => r.traceId));
    expect(traceIds.size).toBe(1);
    const [traceId] = traceIds;
    const spans = spansOf(receiver).filter((s) => s.traceId === traceId);
    const root = spans.find((s) => s.kind === SERVER && s.attributes['ketenpoort.component'] === 'ketenpoort');
    expect(root).toMatchObject({ name: 'POST /rib/v1/trajecten/:trajectId/rapportages' });
    expect(root!.parentSpanId).toBeUndefined();
    // The path's trajectory id is not exported: the route template stands for it.
    expect(root!.attributes['url.path']).toBe('/rib/v1/trajecten/:trajectId/rapportages');

    // Nothing personal in anything exported during this whole file: the raw payloads hold no
    // BSN of the synthetic population, no bearer or consent token (nor any JWT), no report text.
    const tokens = [await t.token('km-jan'), await t.token('rib-werkfit'), await t.token('client-fatima'), token];
    const reportText = ['Op tijd komen op de werkervaringsplaats', 'Tien sollicitaties per maand', 'Sollicitatietraining', 'Doorgaan met het traject', 'Twee keer te laat'];
    const raw = receiver.bodies.map((b) => b.raw.toString('utf8')).join('\n');
    expect(raw.length).toBeGreaterThan(0);
    expect(everyBsn.filter((bsn) => raw.includes(bsn))).toEqual([]);
    expect(tokens.filter((tk) => raw.includes(tk) || raw.includes(tk.split('.')[1]!))).toEqual([]);
    expect(raw).not.toMatch(/eyJ[A-Za-z0-9_-]{5,}/);
    expect(reportText.filter((text) => raw.includes(text))).toEqual([]);
    expect(raw).not.toContain(traject.id);
  }));
});

// The operator's way: `ketenpoort serve` with the variable set starts tracing before the program
// loads and exports OTLP/HTTP protobuf (the default) until it stops; without it, nothing.
describe('ketenpoort serve', { timeout: 180_000 }, () => {
  let dir: string;
  let env: Record<string, string>;
  let dropSchema = async () => {};
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    dir = await mkdtemp(join(tmpdir(), 'kp-traces-'));
    env = { DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'info', NODE_ENV: 'test', DEV_ISSUER: 'on', PUBLIC_URL: 'http://ketenpoort.test', SIGNAL_SCAN_INTERVAL_MS: '0' };
    if (process.env.DATABASE_URL) {
      const s = await freshDatabase(process.env.DATABASE_URL);
      env.DATABASE_URL = s.url;
      dropSchema = s.drop;
    }
  });
  afterAll(async () => {
    await receiver?.close();
    await dropSchema();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function serve(extra: Record<string, string>) {
    const child = runKetenpoort(['serve', '--demo'], { ...env, ...extra });
    const line = await child.waitForLog((l) => l.msg === 'Ketenpoort is listening', 90_000);
    const tokenRes = await fetch(`${line.url}/dev-issuer/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ person: 'km-jan' }) });
    const { access_token: token } = (await tokenRes.json()) as { access_token: string };
    return { child, line, url: line.url as string, token };
  }

  it('exports the spans of a request, and the last ones on SIGTERM', async () => {
    const { child, line, url, token } = await serve({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'ketenpoort-test' });
    expect(line.traces).toBe(true);
    const traceId = randomBytes(16).toString('hex');
    const r = await graphql(url, token, KLANTBEELD, { bsn: fatima.bsn }, { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` });
    expect(r.errors).toEqual([]);
    child.proc.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    const protobuf = receiver.bodies.filter((b) => b.contentType === 'application/x-protobuf');
    expect(protobuf.length).toBeGreaterThan(0);
    const raw = Buffer.concat(protobuf.map((b) => b.raw));
    expect(raw.includes(Buffer.from(traceId, 'hex'))).toBe(true);
    expect(raw.includes(Buffer.from('ketenpoort-test'))).toBe(true);
    expect(raw.includes(Buffer.from('sandbox-uwv'))).toBe(true);
    expect(everyBsn.filter((bsn) => raw.includes(Buffer.from(bsn)))).toEqual([]);
    expect(raw.includes(Buffer.from(token.split('.')[1]!))).toBe(false);
  });

  it('without the variable starts no tracing, and still answers', async () => {
    const { child, line, url, token } = await serve({});
    expect(line.traces).toBe(false);
    const r = await graphql(url, token, KLANTBEELD, { bsn: fatima.bsn });
    expect(r.errors).toEqual([]);
    child.proc.kill('SIGTERM');
    expect(await child.exited).toBe(0);
  });
});
