// Subscriptions over the GraphQL over WebSocket protocol, driven by the `graphql-ws` client that
// browser and server apps use: a klantmanager subscribes, a RIB writes, the event arrives. A
// connection lives no longer than its bearer token: when it expires the gateway closes it (4403)
// and no later event reaches it.
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ORG } from '../../adapters/population/organisations.js';
import { signDevToken } from '../../gateway/auth/dev-issuer.js';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { consentFor, freshTraject, postRapportage, rapportage, WERKFIT } from './helpers.js';

let t: TestApp;
let traject: Awaited<ReturnType<typeof freshTraject>>;
let consentToken: string;
beforeAll(async () => {
  t = await startTestApp();
  traject = await freshTraject(t, findDemoPerson('client-fatima')!.bsn!, WERKFIT);
  ({ token: consentToken } = await consentFor(t, 'client-fatima', 'rib-werkfit', traject));
});
afterAll(() => t?.close());

const FOLLOW = `subscription($oin: String!) { rapportageOntvangen(gemeenteOin: $oin) { rapportageId trajectId soort } }`;

interface Followed {
  client: Client;
  events: { rapportageId: string }[];
  /** Settles when the subscription ends: with the close event or error that ended it. */
  ended: Promise<unknown>;
  /** Resolves once an event for this report id arrived. */
  arrived(id: string): Promise<void>;
}

function follow(bearer: string): Followed {
  const client = createClient({
    url: `${t.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${bearer}` },
    retryAttempts: 0,
  });
  const events: { rapportageId: string }[] = [];
  const listeners: (() => void)[] = [];
  const ended = new Promise<unknown>((resolve) => {
    client.subscribe<{ rapportageOntvangen: { rapportageId: string } }>(
      { query: FOLLOW, variables: { oin: ORG.amsterdam.oin } },
      {
        next: (r) => {
          if (r.data) events.push(r.data.rapportageOntvangen);
          for (const l of listeners) l();
        },
        error: resolve,
        complete: () => resolve('complete'),
      },
    );
  });
  const arrived = (id: string) =>
    new Promise<void>((resolve) => {
      const check = () => events.some((e) => e.rapportageId === id) && resolve();
      listeners.push(check);
      check();
    });
  return { client, events, ended, arrived };
}

/** Writes reports until one reaches the subscriber (its upstream subscription opens asynchronously). */
async function writeUntilArrived(f: Followed): Promise<string> {
  for (let i = 0; i < 20; i++) {
    const res = await postRapportage(t, 'rib-werkfit', traject.id, rapportage(traject), { 'consent-token': consentToken });
    expect(res.status).toBe(201);
    const id = res.body.rapportageId as string;
    const got = await Promise.race([f.arrived(id).then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 1000))]);
    if (got) return id;
  }
  throw new Error('no event reached the subscriber');
}

describe('graphql-ws', () => {
  it('a klantmanager subscribes, a RIB writes, the event arrives', async () => {
    const jan = follow(await t.token('km-jan'));
    const id = await writeUntilArrived(jan);
    expect(jan.events.find((e) => e.rapportageId === id)).toEqual({ rapportageId: id, trajectId: traject.id, soort: 'voortgangsrapportage' });
    await jan.client.dispose();
  });

  it('an expired token closes the subscription (4403), and nothing arrives after', async () => {
    const short = await signDevToken(t.app.keys, findDemoPerson('km-jan')!, { publicUrl: t.config.publicUrl, ttlSeconds: 10 });
    const jan = follow(short);
    await writeUntilArrived(jan);
    const ended = (await jan.ended) as { code?: number; reason?: string };
    expect(ended.code).toBe(4403);
    expect(ended.reason).toBe('token expired');
    const seen = jan.events.length;
    const res = await postRapportage(t, 'rib-werkfit', traject.id, rapportage(traject), { 'consent-token': consentToken });
    expect(res.status).toBe(201);
    // A second, valid subscriber receives this report; by then the closed one would have too.
    const other = follow(await t.token('km-jan'));
    await writeUntilArrived(other);
    expect(jan.events).toHaveLength(seen);
    await other.client.dispose();
    await jan.client.dispose();
  });

  it('refuses a connection without a token, and one with an expired token', async () => {
    const anonymous = createClient({ url: `${t.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
    const refused = await new Promise<unknown>((resolve) => anonymous.subscribe({ query: FOLLOW, variables: { oin: ORG.amsterdam.oin } }, { next: () => resolve('data'), error: resolve, complete: () => resolve('complete') }));
    expect(refused).not.toBe('data');
    await anonymous.dispose();
    const stale = await signDevToken(t.app.keys, findDemoPerson('km-jan')!, { publicUrl: t.config.publicUrl, ttlSeconds: -10 });
    const f = follow(stale);
    const ended = await f.ended;
    expect(JSON.stringify(ended)).toMatch(/bearer token/i);
    expect(f.events).toEqual([]);
    await f.client.dispose();
  });
});
