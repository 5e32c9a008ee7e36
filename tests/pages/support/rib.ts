// What a re-integratiebureau's own system does through the API (no pages): find its consent,
// fetch the consent token, deliver a report over REST with that token.
import { randomUUID } from 'node:crypto';
import type { TestApp } from '../../support/app.js';

export async function graphAs<T>(t: TestApp, person: string, query: string, variables?: Record<string, unknown>): Promise<{ data: T | null; errors: { extensions: { code: string } }[] }> {
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token(person)}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T | null; errors?: { extensions: { code: string } }[] };
  return { data: body.data ?? null, errors: body.errors ?? [] };
}

export async function activeConsentOf(t: TestApp, rib: string): Promise<{ id: string; trajectId: string } | undefined> {
  const { data } = await graphAs<{ toestemmingenVanMijnBureau: { id: string; trajectId: string; status: string }[] }>(
    t,
    rib,
    'query { toestemmingenVanMijnBureau { id trajectId status } }',
  );
  return data?.toestemmingenVanMijnBureau.find((c) => c.status === 'actief');
}

export async function consentToken(t: TestApp, rib: string, consentId: string): Promise<string> {
  const res = await fetch(`${t.url}/toestemmingen/${consentId}/token`, { headers: { authorization: `Bearer ${await t.token(rib)}` } });
  if (res.status !== 200) throw new Error(`consent token: ${res.status}`);
  return ((await res.json()) as { consent_token: string }).consent_token;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** A voortgangsrapportage over the trajectory so far; `advies` lets a test recognise it on a page. */
export function report(startsOn: string, advies: string) {
  const today = day(new Date());
  return {
    soort: 'voortgangsrapportage',
    periode: { van: startsOn, tot: today },
    doelen: [
      { soort: 'leerdoel', omschrijving: 'Op tijd komen bij de werkervaringsplaats', voortgang: 'loopt', toelichting: 'Twee keer te laat gekomen' },
      { soort: 'prestatiedoel', omschrijving: 'Tien sollicitaties per maand', voortgang: 'behaald' },
    ],
    activiteiten: [{ datum: today, omschrijving: 'Sollicitatietraining', uren: 2.5 }],
    aanwezigheid: { gepland: 8, aanwezig: 7, afwezigMetBericht: 1, afwezigZonderBericht: 0 },
    advies,
  };
}

export async function deliverReport(t: TestApp, rib: string, trajectId: string, token: string, body: unknown): Promise<{ status: number; body: { code?: string; rapportageId?: string } }> {
  const res = await fetch(`${t.url}/rib/v1/trajecten/${trajectId}/rapportages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${await t.token(rib)}`,
      'consent-token': token,
      'idempotency-key': randomUUID(),
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { code?: string; rapportageId?: string } };
}
