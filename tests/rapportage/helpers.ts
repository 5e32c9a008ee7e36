// Shared helpers for the rapportage tests: a valid report for a trajectory, the RIB's REST calls,
// and what a refusal must leave behind (nothing stored, one decision-log entry for its trace).
import { randomBytes, randomUUID } from 'node:crypto';
import type { TestApp } from '../support/app.js';

export { activeConsent, gql, trajectOf, WERKFIT, AANDESLAG } from '../consent/helpers.js';

const day = (d: Date) => d.toISOString().slice(0, 10);

/** A complete voortgangsrapportage for the trajectory, from its start until today. */
export function rapportage(traject: { startsOn: Date }, extra: Record<string, unknown> = {}) {
  const van = day(traject.startsOn);
  const tot = day(new Date());
  return {
    soort: 'voortgangsrapportage',
    periode: { van, tot },
    doelen: [
      { soort: 'leerdoel', omschrijving: 'Op tijd komen op de werkervaringsplaats', voortgang: 'loopt', toelichting: 'Twee keer te laat' },
      { soort: 'prestatiedoel', omschrijving: 'Tien sollicitaties per maand', voortgang: 'behaald' },
    ],
    activiteiten: [{ datum: tot, omschrijving: 'Sollicitatietraining', uren: 2.5 }],
    aanwezigheid: { gepland: 8, aanwezig: 7, afwezigMetBericht: 1, afwezigZonderBericht: 0 },
    advies: 'Doorgaan met het traject',
    ...extra,
  };
}

/** A new W3C traceparent, so a test can find the decision-log entries of exactly its request. */
export function newTrace() {
  const traceId = randomBytes(16).toString('hex');
  return { traceId, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
}

export interface RestResult {
  status: number;
  body: any;
  headers: Headers;
}

export async function postRapportage(
  t: Pick<TestApp, 'url' | 'token'>,
  person: string,
  trajectId: string,
  body: unknown,
  headers: Record<string, string | undefined> = {},
): Promise<RestResult> {
  const h: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${await t.token(person)}` };
  for (const [k, v] of Object.entries({ 'idempotency-key': randomUUID(), ...headers })) if (v !== undefined) h[k] = v;
  const res = await fetch(`${t.url}/rib/v1/trajecten/${trajectId}/rapportages`, { method: 'POST', headers: h, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

export async function postBijlage(
  t: Pick<TestApp, 'url' | 'token'>,
  person: string,
  trajectId: string,
  content: Buffer,
  headers: Record<string, string | undefined> = {},
): Promise<RestResult> {
  const h: Record<string, string> = { 'content-type': 'application/pdf', authorization: `Bearer ${await t.token(person)}` };
  for (const [k, v] of Object.entries({ 'idempotency-key': randomUUID(), ...headers })) if (v !== undefined) h[k] = v;
  const res = await fetch(`${t.url}/rib/v1/trajecten/${trajectId}/bijlagen?bestandsnaam=verslag.pdf`, { method: 'POST', headers: h, body: new Uint8Array(content) });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

/** A small but whole PDF file. */
export function pdf(text = 'Voortgangsverslag'): Buffer {
  return Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${text}\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
}

/** Rows a rapportage write might leave. */
export async function stored(t: TestApp) {
  const p = t.db.prisma;
  const [rapportage, bijlage, signalering] = await Promise.all([p.rapportage.count(), p.bijlage.count(), p.signalering.count({ where: { kind: 'rapportage-nieuw' } })]);
  return { rapportage, bijlage, signalering };
}

export async function decisionsOf(t: TestApp, traceId: string) {
  return t.db.prisma.besluit.findMany({ where: { traceId }, orderBy: { id: 'asc' } });
}

/** A new trajectory of a demo client in the gemeente of Amsterdam, assigned to `ribOin`. */
export async function freshTraject(t: TestApp, clientBsn: string, ribOin: string) {
  const start = new Date(Date.now() - 60 * 24 * 3600 * 1000);
  return t.db.prisma.traject.create({
    data: {
      gemeenteOin: '00000001990000000001',
      externalId: `TRJ-TEST-${randomUUID()}`,
      subjectBsn: clientBsn,
      title: 'Testtraject',
      startsOn: new Date(`${start.toISOString().slice(0, 10)}T00:00:00Z`),
      endsOn: new Date(Date.now() + 200 * 24 * 3600 * 1000),
      createdBy: 'test',
      blokken: { create: { ribOin, openedBy: 'test' } },
    },
  });
}

/** The RIB asks consent for this trajectory, the client approves, the RIB fetches its token. */
export async function consentFor(t: TestApp, client: string, rib: string, traject: { id: string; endsOn: Date }) {
  const { gql, REQUEST, APPROVE, TOKEN, endOf } = await import('../consent/helpers.js');
  const asked = await gql(t, rib, REQUEST, { invoer: { trajectId: traject.id, bevoegdheden: ['rapportage:schrijven'], geldigTot: endOf(traject) } });
  if (!asked.data) throw new Error(`request failed: ${JSON.stringify(asked.errors)}`);
  const approved = await gql(t, client, APPROVE, { id: asked.data.vraagToestemming.id });
  if (!approved.data) throw new Error(`approve failed: ${JSON.stringify(approved.errors)}`);
  const consentId = approved.data.keurVerzoekGoed.id as string;
  const tok = await gql(t, rib, TOKEN, { id: consentId });
  if (!tok.data) throw new Error(`token failed: ${JSON.stringify(tok.errors)}`);
  return { consentId, token: tok.data.toestemmingstoken.token as string };
}
