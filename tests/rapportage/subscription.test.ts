// The klantmanager gets a subscription event when a report arrives: through the gateway's
// websocket (bearer token in connection_init), from the keten subgraph, fed by LISTEN/NOTIFY.
// Only for their own gemeente, also when another gemeente's klantmanager asks the same query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG } from '../../adapters/population/organisations.js';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { consentFor, freshTraject, postRapportage, rapportage, WERKFIT } from './helpers.js';
import { connect, type Message } from './ws-client.js';

let t: TestApp;
let traject: Awaited<ReturnType<typeof freshTraject>>;
let token: string;
beforeAll(async () => {
  t = await startTestApp();
  traject = await freshTraject(t, findDemoPerson('client-fatima')!.bsn!, WERKFIT);
  ({ token } = await consentFor(t, 'client-fatima', 'rib-werkfit', traject));
});
afterAll(() => t?.close());

const FOLLOW = `subscription($oin: String!) { rapportageOntvangen(gemeenteOin: $oin) { rapportageId trajectId soort volgnummer bureau { oin naam } } }`;
const isData = (id: string) => (m: Message) => m.id === id && m.type === 'next';

describe('subscription: rapportageOntvangen', () => {
  it('tells the klantmanager of the gemeente that a report arrived', async () => {
    const jan = await connect(t.url, { authorization: `Bearer ${await t.token('km-jan')}` });
    await jan.next((m) => m.type === 'connection_ack');
    jan.subscribe('1', FOLLOW, { oin: ORG.amsterdam.oin });
    // Give the gateway a moment to open the upstream subscription before the report is written.
    await new Promise((r) => setTimeout(r, 500));
    const res = await postRapportage(t, 'rib-werkfit', traject.id, rapportage(traject), { 'consent-token': token });
    expect(res.status).toBe(201);
    const event = await jan.next((m) => isData('1')(m) && m.payload?.data?.rapportageOntvangen?.rapportageId === res.body.rapportageId);
    expect(event.payload.data.rapportageOntvangen).toEqual({
      rapportageId: res.body.rapportageId, trajectId: traject.id, soort: 'voortgangsrapportage', volgnummer: res.body.volgnummer, bureau: { oin: WERKFIT, naam: ORG.werkfit.name },
    });
    jan.close();
  });

  it("refuses another gemeente's klantmanager asking for Amsterdam, even with the very same query", async () => {
    const jan = await connect(t.url, { authorization: `Bearer ${await t.token('km-jan')}` });
    await jan.next((m) => m.type === 'connection_ack');
    jan.subscribe('1', FOLLOW, { oin: ORG.amsterdam.oin });
    await new Promise((r) => setTimeout(r, 300));
    const sanne = await connect(t.url, { authorization: `Bearer ${await t.token('km-sanne')}` });
    await sanne.next((m) => m.type === 'connection_ack');
    sanne.subscribe('1', FOLLOW, { oin: ORG.amsterdam.oin });
    const error = await sanne.next((m) => m.id === '1' && m.type === 'error');
    expect(JSON.stringify(error.payload)).toMatch(/own gemeente/);
    const res = await postRapportage(t, 'rib-werkfit', traject.id, rapportage(traject), { 'consent-token': token });
    await jan.next((m) => isData('1')(m) && m.payload?.data?.rapportageOntvangen?.rapportageId === res.body.rapportageId);
    await new Promise((r) => setTimeout(r, 300));
    expect(sanne.messages.filter((m) => m.type === 'next')).toEqual([]);
    jan.close();
    sanne.close();
  });

  it('refuses a RIB, and a connection without a valid bearer token', async () => {
    const rib = await connect(t.url, { authorization: `Bearer ${await t.token('rib-werkfit')}` });
    await rib.next((m) => m.type === 'connection_ack');
    rib.subscribe('1', FOLLOW, { oin: ORG.amsterdam.oin });
    expect((await rib.next((m) => m.id === '1' && m.type === 'error')).payload).toBeDefined();
    rib.close();
    const anonymous = await connect(t.url, {});
    await anonymous.closed;
    expect(anonymous.messages.some((m) => m.type === 'connection_ack')).toBe(false);
    const forged = await connect(t.url, { authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' });
    await forged.next((m) => m.type === 'connection_ack');
    forged.subscribe('1', FOLLOW, { oin: ORG.amsterdam.oin });
    expect(JSON.stringify((await forged.next((m) => m.id === '1' && m.type === 'error')).payload)).toMatch(/bearer token/i);
    forged.close();
  });
});
