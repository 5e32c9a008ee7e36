// Shared helpers for the consent tests: GraphQL over HTTP as a demo person, the demo trajectories,
// and row counts to prove a refusal wrote nothing.
import { findDemoPerson } from '../../gateway/demo/people.js';
import { ORG } from '../../adapters/population/organisations.js';
import type { TestApp } from '../support/app.js';
import { addDays, dutchDay } from '../../lib/dutch-day.js';

/**
 * Test apps without background jobs: the signal scan logs processings on its own schedule, which
 * would make "nothing was written" counts race with it.
 */
export const QUIET = { SIGNAL_SCAN_INTERVAL_MS: '0' } as const;

export const WERKFIT = ORG.werkfit.oin;
export const AANDESLAG = ORG.aandeslag.oin;

export interface GqlResult<T = Record<string, any>> {
  status: number;
  data: T | null;
  errors: { message: string; extensions: { code: string; reason?: string } }[];
  codes: string[];
}

export async function gql<T = Record<string, any>>(
  t: Pick<TestApp, 'url' | 'token'>,
  person: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GqlResult<T>> {
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token(person)}`, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T | null; errors?: GqlResult['errors'] };
  const errors = body.errors ?? [];
  return { status: res.status, data: body.data ?? null, errors, codes: errors.map((e) => e.extensions?.code) };
}

/** The demo client's (only) trajectory, assigned by the seed to one RIB. */
export async function trajectOf(t: TestApp, personId: string) {
  const bsn = findDemoPerson(personId)!.bsn!;
  return t.db.prisma.traject.findFirstOrThrow({ where: { subjectBsn: bsn }, orderBy: { createdAt: 'asc' } });
}

/** The Dutch calendar day `days` from today (yyyy-mm-dd): a consent's last day is a date. */
export const inDays = (days: number) => addDays(dutchDay(new Date()), days);
/** The trajectory's end date (YYYY-MM-DD): a bare date means the end of that day, the longest allowed. */
export const endOf = (traject: { endsOn: Date }) => traject.endsOn.toISOString().slice(0, 10);

/** Rows in every table a consent operation might write. */
export async function rowCounts(t: TestApp) {
  const p = t.db.prisma;
  const [consent, consentRequest, consentEvent, rapportage, verwerking] = await Promise.all([
    p.consent.count(),
    p.consentRequest.count(),
    p.consentEvent.count(),
    p.rapportage.count(),
    p.verwerking.count(),
  ]);
  return { consent, consentRequest, consentEvent, rapportage, verwerking };
}

export const REQUEST = `mutation($invoer: ToestemmingsverzoekInvoer!) {
  vraagToestemming(invoer: $invoer) { id trajectId status bevoegdheden gevraagdTot toestemmingId }
}`;
export const APPROVE = `mutation($id: ID!, $tot: String) {
  keurVerzoekGoed(verzoekId: $id, geldigTot: $tot) { id status versie bevoegdheden geldigTot autorisatiedetails { type acties identificatie } geschiedenis { soort door rol } }
}`;
export const REVOKE = `mutation($id: ID!) { trekToestemmingIn(toestemmingId: $id, reden: "wil het niet meer") { id status versie ingetrokkenOp redenIntrekking } }`;
export const TOKEN = `query($id: ID!) { toestemmingstoken(toestemmingId: $id) { token kid verlooptOp } }`;

/**
 * Ends every pending request and active consent (the demo seed has some), so a test starts from a
 * known state. Straight in the ledger: rows are never deleted, and caches are empty at test start.
 */
export async function clearConsents(t: TestApp) {
  await t.db.prisma.consent.updateMany({ where: { status: 'active' }, data: { status: 'revoked', version: { increment: 1 } } });
  await t.db.prisma.consentRequest.updateMany({ where: { status: 'pending' }, data: { status: 'withdrawn' } });
}

/** A RIB asks, the client approves, the RIB fetches its token: the common start of many tests. */
export async function activeConsent(t: TestApp, client: string, rib: string, scopes = ['rapportage:schrijven', 'werkprofiel:lezen']) {
  const traject = await trajectOf(t, client);
  const asked = await gql(t, rib, REQUEST, { invoer: { trajectId: traject.id, bevoegdheden: scopes, geldigTot: endOf(traject) } });
  if (!asked.data) throw new Error(`request failed: ${JSON.stringify(asked.errors)}`);
  const approved = await gql(t, client, APPROVE, { id: asked.data.vraagToestemming.id });
  if (!approved.data) throw new Error(`approve failed: ${JSON.stringify(approved.errors)}`);
  const consentId = approved.data.keurVerzoekGoed.id as string;
  const tok = await gql(t, rib, TOKEN, { id: consentId });
  if (!tok.data) throw new Error(`token failed: ${JSON.stringify(tok.errors)}`);
  return { traject, consentId, token: tok.data.toestemmingstoken.token as string, requestId: asked.data.vraagToestemming.id as string };
}
