// /metrics, scraped as Prometheus would: on its own port, behind its own credential; every metric
// the README documents is there, and each counter and histogram moves under a small load (a
// combined view, a caseload, a report upload, refused requests, a partner that goes down). Gauges show state; they are
// checked for a sane value.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { METRIC_NAMES } from '../../lib/metrics.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { consentFor, freshTraject, gql, postRapportage, rapportage, WERKFIT } from '../rapportage/helpers.js';

const TOKEN = 'metrics-scraper-credential-1234';

/** The metric names in the README's metrics table. */
function documented(): { name: string; type: string }[] {
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  const section = readme.split('## Metrics (Prometheus)')[1]!.split('\n## ')[0]!;
  return [...section.matchAll(/^\| `([a-z0-9_]+)` \| (histogram|counter|gauge) \|/gm)].map((m) => ({ name: m[1]!, type: m[2]! }));
}

interface Sample {
  name: string;
  labels: string;
  value: number;
}

function parse(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m) samples.push({ name: m[1]!, labels: m[2] ?? '', value: Number(m[3]) });
  }
  return { samples, types };
}

/** The figure that moves: a counter's sum, a histogram's count (over all label sets). */
function total(scrape: ReturnType<typeof parse>, name: string, type: string): number {
  const series = type === 'histogram' ? `${name}_count` : name;
  return scrape.samples.filter((s) => s.name === series).reduce((sum, s) => sum + s.value, 0);
}

let t: TestApp;
let metricsUrl: string;
const scrape = async () => {
  const res = await fetch(metricsUrl, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parse(await res.text());
};

beforeAll(async () => {
  t = await startTestApp({ env: { METRICS_PORT: '0', METRICS_TOKEN: TOKEN } });
  metricsUrl = t.runtime.metricsUrl!;
});
afterAll(() => t?.close());

describe('/metrics', () => {
  it('is on its own port, not on the API, and asks for its credential', async () => {
    expect(new URL(metricsUrl).port).not.toBe(new URL(t.url).port);
    expect((await fetch(`${t.url}/metrics`)).status).toBe(404);
    const anonymous = await fetch(metricsUrl);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toContain('ketenpoort_');
    expect((await fetch(metricsUrl, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
    expect((await fetch(metricsUrl.replace('/metrics', '/other'), { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
  });

  it('the README documents every metric Ketenpoort defines', () => {
    expect(documented().map((d) => d.name).sort()).toEqual([...METRIC_NAMES].sort());
  });

  it('the Grafana dashboard charts every documented metric, and only those', () => {
    const dashboard = JSON.parse(readFileSync(fileURLToPath(new URL('../../docs/grafana/ketenpoort.json', import.meta.url)), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    const used = new Set(exprs.flatMap((e) => [...e.matchAll(/\b((?:ketenpoort|nodejs)_[a-z0-9_]+?)(?:_bucket|_count|_sum)?\{/g)].map((m) => m[1]!)));
    expect([...used].sort()).toEqual(documented().map((d) => d.name).sort());
  });

  it('has each documented metric, and each counter and histogram moves under a small load', async () => {
    const before = await scrape();
    // A small load: combined views and a caseload (partners, decisions, processing log), a report
    // upload (consent decision, decision log), refused requests.
    const traject = await freshTraject(t, findDemoPerson('client-fatima')!.bsn!, WERKFIT);
    const { token } = await consentFor(t, 'client-fatima', 'rib-werkfit', traject);
    for (let i = 0; i < 3; i++) {
      const view = await gql(t, 'km-jan', 'query($bsn: ID!) { klant(bsn: $bsn) { bsn uitkeringen { soort } } }', { bsn: findDemoPerson('client-fatima')!.bsn });
      expect(view.status).toBe(200);
    }
    expect((await gql(t, 'km-jan', 'query { caseload(eerste: 5) { klanten { bsn } } }')).status).toBe(200);
    expect((await postRapportage(t, 'rib-werkfit', traject.id, rapportage(traject), { 'consent-token': token })).status).toBe(201);
    expect((await postRapportage(t, 'rib-aandeslag', traject.id, rapportage(traject), { 'consent-token': token })).status).toBe(403);
    expect((await fetch(`${t.url}/rib/v1/trajecten/${traject.id}/rapportages`)).status).toBe(401);
    // A partner that went down: its adapter's calls fail, the view comes back partial.
    await t.runtime.partners.stopSandbox('uwv');
    const partial = await gql(t, 'km-jan', 'query($bsn: ID!) { klant(bsn: $bsn) { bsn uitkeringen { soort } } }', { bsn: findDemoPerson('client-fatima')!.bsn });
    expect(partial.codes).toContain('PARTNER_UNAVAILABLE');
    const after = await scrape();

    const notMoved: string[] = [];
    for (const { name, type } of documented()) {
      expect(after.types.get(name), `${name} is exposed`).toBe(type);
      if (type === 'gauge') {
        const values = after.samples.filter((s) => s.name === name).map((s) => s.value);
        expect(values.length, `${name} has a value`).toBeGreaterThan(0);
        for (const v of values) expect(Number.isFinite(v) && v >= 0, `${name} = ${v}`).toBe(true);
        continue;
      }
      // Refusals for rate move only when a limit is hit; the small load stays under every limit.
      if (name === 'ketenpoort_refusals_total') continue;
      if (!(total(after, name, type) > total(before, name, type))) notMoved.push(name);
    }
    expect(notMoved, 'metrics that did not move under the load').toEqual([]);
    // Per route, not per URL: the trajectory id is not in any label.
    const http = after.samples.filter((s) => s.name === 'ketenpoort_http_request_duration_seconds_count');
    expect(http.some((s) => s.labels.includes('route="/rib/v1/trajecten/:trajectId/rapportages"') && s.labels.includes('status="201"'))).toBe(true);
    expect(after.samples.some((s) => s.labels.includes(traject.id))).toBe(false);
    expect(after.samples.some((s) => s.name === 'ketenpoort_graphql_operation_duration_seconds_count' && s.labels.includes('operation="query klant"'))).toBe(true);
    expect(after.samples.some((s) => s.name === 'ketenpoort_authorization_decisions_total' && s.labels.includes('decision="deny"'))).toBe(true);
    expect(after.samples.some((s) => s.name === 'ketenpoort_graphql_operation_duration_seconds_count' && s.labels.includes('outcome="partial"'))).toBe(true);
    expect(after.samples.some((s) => s.name === 'ketenpoort_partner_errors_total' && s.labels.includes('partner="uwv"'))).toBe(true);
    expect(after.samples.find((s) => s.name === 'ketenpoort_partner_circuit_state' && s.labels.includes('partner="uwv"'))?.value).toBe(0);
  });
});
