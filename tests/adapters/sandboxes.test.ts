// The three partner sandboxes, through real HTTP: each serves what its OpenAPI file documents
// (every served path is in it; JSON answers validate against its schemas; XML answers carry its
// required elements), with realistic synthetic data for the whole population.
import type { FastifyInstance } from 'fastify';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCwiSandbox } from '../../adapters/cwi/index.js';
import { createGemeenteSandbox } from '../../adapters/gemeente/index.js';
import { createUwvSandbox } from '../../adapters/uwv/index.js';
import { servedRoutes } from '../../adapters/common/sandbox-app.js';
import { randomCredential } from '../../adapters/common/sandbox-credential.js';
import { fromDutchDate } from '../../adapters/common/dates.js';
import { ORG } from '../../adapters/population/organisations.js';
import { population, REFERENCE_DATE } from '../../adapters/population/population.js';
import { isValidBsn } from '../../lib/bsn.js';
import { listen } from './loopback.js';
import { openapiOf, openapiPath, schemaValidator } from './openapi-contract.js';

const bsns = population().map((c) => c.bsn);
// Each sandbox's own credential; what a caller without it gets is in sandbox-credentials.test.ts.
const credential = randomCredential();
const authorization = `Bearer ${credential}`;
const sandboxes: Record<string, { app: FastifyInstance; url: string }> = {};

beforeAll(async () => {
  for (const [name, create] of [['uwv', createUwvSandbox], ['cwi', createCwiSandbox], ['gemeente', createGemeenteSandbox]] as const) {
    const app = create({ credential, logLevel: 'silent' });
    sandboxes[name] = { app, url: await listen(app) };
  }
});
afterAll(async () => {
  await Promise.all(Object.values(sandboxes).map((s) => s.app.close()));
});

const post = async (url: string, body: unknown, type = 'application/json') => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': type, authorization }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
};

describe('every sandbox', () => {
  it.each(['uwv', 'cwi', 'gemeente'] as const)('%s serves only paths its OpenAPI file documents, and all of them', async (partner) => {
    const doc = openapiOf(partner);
    const served = servedRoutes(sandboxes[partner]!.app);
    expect(served.length).toBeGreaterThan(2);
    for (const route of served) {
      expect(doc.paths[openapiPath(route.url)], `${route.method} ${route.url}`).toBeDefined();
      expect(doc.paths[openapiPath(route.url)]![route.method.toLowerCase()], `${route.method} ${route.url}`).toBeDefined();
    }
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const method of Object.keys(operations)) {
        expect(served.some((r) => openapiPath(r.url) === path && r.method.toLowerCase() === method), `${method} ${path}`).toBe(true);
      }
    }
  });

  it.each(['uwv', 'cwi', 'gemeente'] as const)('%s serves its own contract at /openapi.yaml', async (partner) => {
    const res = await fetch(`${sandboxes[partner]!.url}/openapi.yaml`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('openapi: 3.1.0');
  });
});

describe('UWV sandbox', () => {
  it('answers a batch search in its documented shape, paged by offset and limit', async () => {
    const doc = openapiOf('uwv');
    const valid = schemaValidator(doc, 'UitkeringenPagina');
    const first = await post(`${sandboxes.uwv!.url}/v1/uitkeringen/zoeken?offset=0&limit=30`, { burgerservicenummers: bsns.slice(0, 60) });
    expect(first.status).toBe(200);
    const page = JSON.parse(first.text);
    expect(valid(page)).toEqual([]);
    expect(page.uitkeringen).toHaveLength(30);
    expect(page.paginering.totaalAantal).toBeGreaterThan(30);
    const rest = JSON.parse((await post(`${sandboxes.uwv!.url}/v1/uitkeringen/zoeken?offset=30&limit=100`, { burgerservicenummers: bsns.slice(0, 60) })).text);
    expect(valid(rest)).toEqual([]);
    expect(page.uitkeringen.length + rest.uitkeringen.length).toBe(page.paginering.totaalAantal);
  });

  it('holds plausible WW, WIA and Wajong rights and nothing for bijstand or no-benefit clients', async () => {
    const all = JSON.parse((await post(`${sandboxes.uwv!.url}/v1/uitkeringen/zoeken?limit=100`, { burgerservicenummers: bsns })).text);
    const byBsn = new Map<string, { wet: string; statusCode: string; brutoMaandbedragCent: number; datumEinde: string | null }[]>();
    for (const u of all.uitkeringen) byBsn.set(u.burgerservicenummer, [...(byBsn.get(u.burgerservicenummer) ?? []), u]);
    for (const c of population()) {
      const rights = byBsn.get(c.bsn) ?? [];
      if (c.scenario === 'ww') expect(rights.map((r) => `${r.wet}:${r.statusCode}`)).toEqual(['WW:LOPEND']);
      if (c.scenario === 'wia') expect(rights.map((r) => r.wet)).toEqual(['WIA']);
      if (c.scenario === 'wajong') expect(rights.map((r) => r.wet)).toEqual(['WAJONG']);
      if (c.scenario === 'bijstand' || c.scenario === 'geen') expect(rights).toEqual([]);
      if (c.scenario === 'ww-naar-bijstand') expect(rights.map((r) => r.wet)).toEqual(['WW']);
      for (const r of rights.filter((x) => x.wet === 'WW')) {
        expect(r.brutoMaandbedragCent).toBeGreaterThanOrEqual(140_000);
        expect(r.brutoMaandbedragCent).toBeLessThanOrEqual(260_000);
      }
    }
  });

  it('refuses a search without BSNs or with more than 100, in problem+json', async () => {
    const none = await post(`${sandboxes.uwv!.url}/v1/uitkeringen/zoeken`, { burgerservicenummers: [] });
    expect(none.status).toBe(400);
    expect(none.type).toContain('application/problem+json');
    const tooMany = await post(`${sandboxes.uwv!.url}/v1/uitkeringen/zoeken`, { burgerservicenummers: Array(101).fill(bsns[0]) });
    expect(tooMany.status).toBe(400);
  });
});

describe('CWI sandbox', () => {
  it('answers each search in its documented shape, paged by Page and PageSize', async () => {
    const doc = openapiOf('cwi');
    for (const [path, item] of [['werkzoekenden', 'Werkzoekende'], ['sollicitaties', 'Sollicitatie'], ['vacaturematches', 'VacatureMatch']] as const) {
      const validPage = schemaValidator(doc, 'Pagina');
      const validItem = schemaValidator(doc, item);
      const res = await post(`${sandboxes.cwi!.url}/api/v2/${path}/zoeken`, { Bsns: bsns.slice(0, 50), Page: 2, PageSize: 10 });
      expect(res.status).toBe(200);
      const page = JSON.parse(res.text);
      expect(validPage(page)).toEqual([]);
      expect(page.Page).toBe(2);
      expect(page.TotalPages).toBe(Math.ceil(page.TotalCount / 10));
      expect(page.Items.length).toBeGreaterThan(0);
      for (const it of page.Items) expect(validItem(it)).toEqual([]);
    }
  });

  it('holds werkprofielen with opleiding, rijbewijs, eigen vervoer and beroep, and recent applications', async () => {
    const res = await post(`${sandboxes.cwi!.url}/api/v2/werkzoekenden/zoeken`, { Bsns: bsns.slice(0, 50), PageSize: 100 });
    const items = JSON.parse(res.text).Items as { Bsn: string; InschrijfDatum: string; Werkprofiel: { Opleidingen: unknown[]; Rijbewijzen: string; EigenVervoer: string; Beroepen: unknown[] } }[];
    expect(items.length).toBeGreaterThanOrEqual(40);
    expect(items.every((w) => w.Werkprofiel.Opleidingen.length > 0 && w.Werkprofiel.Beroepen.length > 0)).toBe(true);
    expect(items.some((w) => w.Werkprofiel.Rijbewijzen.includes('B'))).toBe(true);
    expect(items.some((w) => w.Werkprofiel.EigenVervoer === 'J')).toBe(true);
    expect(items.some((w) => w.Werkprofiel.EigenVervoer === 'N')).toBe(true);
    for (const w of items) expect(fromDutchDate(w.InschrijfDatum) <= REFERENCE_DATE).toBe(true);
    const sollicitaties = JSON.parse((await post(`${sandboxes.cwi!.url}/api/v2/sollicitaties/zoeken`, { Bsns: bsns.slice(0, 50), PageSize: 100 })).text);
    expect(sollicitaties.TotalCount).toBeGreaterThan(50);
  });

  it('refuses a search for more than 50 BSNs in its own error shape', async () => {
    const res = await post(`${sandboxes.cwi!.url}/api/v2/werkzoekenden/zoeken`, { Bsns: bsns.slice(0, 51) });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({ Code: 'VALIDATIE' });
  });
});

describe('gemeente sandbox', () => {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, isArray: (n) => n === 'klant' || n === 'traject' });
  const required = openapiOf('gemeente').components.schemas.Klant!.required!;

  it('answers the caseload in XML with the documented elements, paged by cursor', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await fetch(`${sandboxes.gemeente!.url}/gemeenten/${ORG.amsterdam.oin}/caseload?aantal=25${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/xml');
      const doc = parser.parse(await res.text()).caseload;
      expect(doc.gemeente).toBe(ORG.amsterdam.oin);
      for (const k of doc.klant) {
        for (const element of required) expect(k[element], element).toBeDefined();
        expect(k.gemeente.oin).toBe(ORG.amsterdam.oin);
        expect(k.geboortedatum).toMatch(/^\d{8}$/);
        // Optional elements are absent, never empty.
        for (const value of [k.voorvoegselGeslachtsnaam, k.bijstand?.einddatum]) expect(value).not.toBe('');
        seen.push(k['inp.bsn']);
      }
      cursor = doc.volgende;
      pages++;
    } while (cursor && pages < 10);
    const amsterdam = population().filter((c) => c.gemeenteOin === ORG.amsterdam.oin);
    expect(new Set(seen)).toEqual(new Set(amsterdam.map((c) => c.bsn)));
    expect(pages).toBe(Math.ceil(amsterdam.length / 25));
  });

  it('looks up klanten of any tenant by BSN in an XML body, with bijstand and trajectories', async () => {
    const body = `<opvraging>${bsns.slice(0, 12).map((b) => `<inp.bsn>${b}</inp.bsn>`).join('')}</opvraging>`;
    const res = await post(`${sandboxes.gemeente!.url}/klanten/opvragen`, body, 'application/xml');
    expect(res.status).toBe(200);
    const klanten = parser.parse(res.text).klanten.klant as Record<string, any>[];
    expect(klanten).toHaveLength(12);
    const gemeenten = new Set(klanten.map((k) => k.gemeente.oin));
    expect(gemeenten).toEqual(new Set([ORG.amsterdam.oin, ORG.leiden.oin]));
    const fatima = klanten.find((k) => k['inp.bsn'] === population()[0]!.bsn)!;
    expect(fatima.trajecten.traject[0]).toMatchObject({ id: 'TRJ-AMS-4000', aanbieder: { oin: ORG.werkfit.oin } });
    const bijstand = klanten.filter((k) => k.bijstand).map((k) => k.bijstand);
    expect(bijstand.length).toBeGreaterThan(0);
    for (const b of bijstand) expect(b.uitkeringsbedrag).toMatch(/^\d{3,4},\d{2}$/);
  });

  it('refuses a malformed lookup with an XML <fout>', async () => {
    const res = await post(`${sandboxes.gemeente!.url}/klanten/opvragen`, '<opvraging><inp.bsn>12</inp.bsn></opvraging>', 'application/xml');
    expect(res.status).toBe(400);
    expect(res.text).toContain('<fout>');
  });
});

describe('the synthetic population behind the sandboxes', () => {
  it('has at least 60 clients with valid, distinct BSNs and every scenario in both gemeenten', () => {
    const clients = population();
    expect(clients.length).toBeGreaterThanOrEqual(60);
    expect(clients.every((c) => isValidBsn(c.bsn))).toBe(true);
    expect(new Set(bsns).size).toBe(clients.length);
    for (const oin of [ORG.amsterdam.oin, ORG.leiden.oin]) {
      const scenarios = new Set(clients.filter((c) => c.gemeenteOin === oin).map((c) => c.scenario));
      expect(scenarios.size).toBe(6);
    }
    expect(clients[0]).toMatchObject({ voornaam: 'Fatima', woonplaats: 'Amsterdam' });
    expect(clients[0]!.trajecten[0]!.ribOin).toBe(ORG.werkfit.oin);
  });
});
