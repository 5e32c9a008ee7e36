// Issue 14 point 5: an event delivered over a subscription is a processing of the data of the
// client it is about. A klantmanager subscribes with the graphql-ws client, a RIB writes, the event
// arrives, and the client sees that delivery in their own processing log (API and page). When the
// log row cannot be written the event is not delivered (fail closed), and nothing is logged for it.
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ORG } from '../../adapters/population/organisations.js';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { Visitor } from '../pages/support/http.js';
import { consentFor, freshTraject, gql, postRapportage, rapportage, WERKFIT } from './helpers.js';

let t: TestApp;
let traject: Awaited<ReturnType<typeof freshTraject>>;
let consentToken: string;
/** Klantmanager Jan's subscription, the only one open in this file, so each event is logged once. */
let jan: Followed;
beforeAll(async () => {
  t = await startTestApp();
  traject = await freshTraject(t, findDemoPerson('client-fatima')!.bsn!, WERKFIT);
  ({ token: consentToken } = await consentFor(t, 'client-fatima', 'rib-werkfit', traject));
  jan = follow(await t.token('km-jan'));
  await writeUntilArrived(jan);
}, 180_000);
afterAll(async () => {
  await jan?.client.dispose();
  await t?.close();
});

// Only `rapportageId` and `soort`: whom the event is about is known to the gateway even so.
const FOLLOW = `subscription($oin: String!) { rapportageOntvangen(gemeenteOin: $oin) { rapportageId soort } }`;
const TOLD = 'bericht gekregen dat er een rapportage over uw traject is';

interface Followed {
  client: Client;
  events: { rapportageId: string; soort: string }[];
  arrived(id: string): Promise<void>;
}

function follow(bearer: string): Followed {
  const client = createClient({ url: `${t.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${bearer}` }, retryAttempts: 0 });
  const events: Followed['events'] = [];
  const listeners: (() => void)[] = [];
  client.subscribe<{ rapportageOntvangen: Followed['events'][number] }>(
    { query: FOLLOW, variables: { oin: ORG.amsterdam.oin } },
    { next: (r) => (r.data && events.push(r.data.rapportageOntvangen), listeners.forEach((l) => l())), error: () => {}, complete: () => {} },
  );
  const arrived = (id: string) =>
    new Promise<void>((resolve) => {
      const check = () => events.some((e) => e.rapportageId === id) && resolve();
      listeners.push(check);
      check();
    });
  return { client, events, arrived };
}

async function write(): Promise<string> {
  const res = await postRapportage(t, 'rib-werkfit', traject.id, rapportage(traject), { 'consent-token': consentToken });
  expect(res.status).toBe(201);
  return res.body.rapportageId as string;
}

/** Writes reports until one reaches the subscriber (its upstream subscription opens asynchronously). */
async function writeUntilArrived(f: Followed): Promise<string> {
  for (let i = 0; i < 20; i++) {
    const id = await write();
    if (await Promise.race([f.arrived(id).then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 1000))])) return id;
  }
  throw new Error('no event reached the subscriber');
}

/** The client's own processing log, through their own API, and the lines about a pushed report. */
async function toldLines() {
  const { data, errors } = await gql<{ mijnVerwerkingen: { tekst: string; organisatie: string | null }[] }>(t, 'client-fatima', '{ mijnVerwerkingen(aantal: 500) { tekst organisatie } }');
  expect(errors).toEqual([]);
  return data!.mijnVerwerkingen.filter((r) => r.tekst.includes(TOLD));
}

describe('a subscription event is processing', () => {
  it("is in the client's processing log once per delivered event, shown on the client's page", async () => {
    const before = (await toldLines()).length;
    const id = await write();
    await jan.arrived(id);
    expect(jan.events.find((e) => e.rapportageId === id)).toEqual({ rapportageId: id, soort: 'voortgangsrapportage' });
    const lines = await toldLines();
    expect(lines).toHaveLength(before + 1);
    expect(lines[0]).toMatchObject({ organisatie: ORG.amsterdam.name });
    expect(lines[0]!.tekst.startsWith(`${ORG.amsterdam.name} heeft op `)).toBe(true);

    const fatima = new Visitor(t.url);
    await fatima.login('client-fatima');
    const page = await fatima.get('/mijn/verwerkingen');
    expect(page.status).toBe(200);
    expect(page.text).toContain(TOLD);
  });

  it('an event that cannot be logged is not delivered, and nothing is logged for it', async () => {
    // A second client's trajectory, whose reports are logged as usual: they mark points in the
    // subscription, whose events arrive in the order the reports were written.
    const other = await freshTraject(t, findDemoPerson('client-dewi')!.bsn!, WERKFIT);
    const { token: otherToken } = await consentFor(t, 'client-dewi', 'rib-werkfit', other);
    const writeOther = async () => {
      const res = await postRapportage(t, 'rib-werkfit', other.id, rapportage(other), { 'consent-token': otherToken });
      expect(res.status).toBe(201);
      return res.body.rapportageId as string;
    };
    await jan.arrived(await writeOther());
    const told = (await toldLines()).length;
    // The database refuses the rows about Fatima, as a full disk or a lost connection would.
    const fatima = t.app.services.subjectKey(findDemoPerson('client-fatima')!.bsn!);
    await t.db.prisma.$executeRawUnsafe(`CREATE FUNCTION kp_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      IF NEW.name = 'melding nieuwe rapportage' AND NEW.subject_key = decode('${fatima}', 'hex') THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$`);
    await t.db.prisma.$executeRawUnsafe(`CREATE TRIGGER kp_test_refuse BEFORE INSERT ON verwerking FOR EACH ROW EXECUTE FUNCTION kp_test_refuse()`);
    let refused: string;
    try {
      refused = await write();
      // The report itself is stored (its own log row is written with it), only the push fails.
      expect(await t.db.prisma.rapportage.count({ where: { id: refused } })).toBe(1);
      await jan.arrived(await writeOther());
    } finally {
      await t.db.prisma.$executeRawUnsafe('DROP TRIGGER kp_test_refuse ON verwerking');
      await t.db.prisma.$executeRawUnsafe('DROP FUNCTION kp_test_refuse()');
    }
    expect(jan.events.map((e) => e.rapportageId)).not.toContain(refused);
    expect(await toldLines()).toHaveLength(told);
  });
});
