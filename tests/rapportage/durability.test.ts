// "Je bent dan alle gegevens kwijt" must not happen again: a report whose receipt was sent is
// committed. The server runs as its own process, takes a stream of concurrent uploads, is killed
// with SIGKILL in the middle, and restarts: every receipted report is there and whole, the chain
// verifies, and retrying the requests that got no answer stores each exactly once.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKetenpoort, type Child } from '../support/child.js';
import { freshDatabase } from '../support/database.js';
import { openDatabase } from '../../gateway/db/database.js';

let env: Record<string, string>;
let cleanup: () => Promise<void>;
const children: Child[] = [];

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kp-durable-'));
  // A generous shutdown grace: on a busy CI machine closing PGlite can take a while.
  env = { DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'info', NODE_ENV: 'test', DEV_ISSUER: 'on', PUBLIC_URL: 'http://ketenpoort.test', SHUTDOWN_GRACE_MS: '60000' };
  let dropSchema = async () => {};
  if (process.env.DATABASE_URL) {
    const s = await freshDatabase(process.env.DATABASE_URL);
    Object.assign(env, { DATABASE_URL: s.url });
    dropSchema = s.drop;
  }
  cleanup = async () => {
    for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    await dropSchema();
    await rm(dir, { recursive: true, force: true });
  };
});
afterAll(() => cleanup());

async function start() {
  const child = runKetenpoort(['serve', '--demo'], env);
  children.push(child);
  const line = await child.waitForLog((l) => l.msg === 'Ketenpoort is listening', 120_000);
  return { child, url: line.url as string };
}

async function tokenFor(url: string, person: string): Promise<string> {
  const res = await fetch(`${url}/dev-issuer/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ person }) });
  return ((await res.json()) as { access_token: string }).access_token;
}

async function gql(url: string, token: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  return (await res.json()) as { data?: any; errors?: unknown[] };
}

const today = () => new Date().toISOString().slice(0, 10);
const report = (n: string) => ({
  soort: 'voortgangsrapportage',
  periode: { van: today(), tot: today() },
  doelen: [{ soort: 'prestatiedoel', omschrijving: `Doel ${n}`, voortgang: 'loopt' }],
  aanwezigheid: { gepland: 4, aanwezig: 4, afwezigMetBericht: 0, afwezigZonderBericht: 0 },
  advies: `Advies ${n}`,
});

interface Sent { key: string; body: ReturnType<typeof report>; receipt?: { rapportageId: string; hash: string; volgnummer: number } }

describe('durability', () => {
  it('keeps every receipted report across a SIGKILL, whole, with an intact chain', { timeout: 400_000 }, async () => {
    const first = await start();
    const rib = await tokenFor(first.url, 'rib-aandeslag');
    // The demo seed gives client-aandeslag's trajectory an active consent for Aan de Slag.
    const mine = await gql(first.url, rib, 'query { toestemmingenVanMijnBureau { id trajectId status } }');
    const consent = mine.data.toestemmingenVanMijnBureau.find((c: { status: string }) => c.status === 'actief');
    const consentToken = (await gql(first.url, rib, 'query($id: ID!) { toestemmingstoken(toestemmingId: $id) { token } }', { id: consent.id })).data.toestemmingstoken.token;
    const trajectId: string = consent.trajectId;

    const post = (url: string, token: string, s: Sent) =>
      fetch(`${url}/rib/v1/trajecten/${trajectId}/rapportages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'consent-token': consentToken, 'idempotency-key': s.key },
        body: JSON.stringify(s.body),
      });

    // Eight writers stream reports until the server dies under them.
    const sent: Sent[] = [];
    let receipts = 0;
    let killed = false;
    const writer = async (w: number) => {
      for (let i = 0; !killed; i++) {
        const s: Sent = { key: randomUUID(), body: report(`${w}-${i}`) };
        sent.push(s);
        try {
          const res = await post(first.url, rib, s);
          if (res.status !== 201) throw new Error(`unexpected ${res.status}: ${await res.text()}`);
          s.receipt = (await res.json()) as Sent['receipt'];
          receipts++;
        } catch (err) {
          if (!killed) throw err;
          return;
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    while (receipts < 40) await new Promise((r) => setTimeout(r, 5));
    killed = true;
    first.child.proc.kill('SIGKILL');
    await Promise.all(writers);
    await first.child.exited;
    const receipted = sent.filter((s) => s.receipt);
    expect(receipted.length).toBeGreaterThanOrEqual(40);

    const second = await start();
    const rib2 = await tokenFor(second.url, 'rib-aandeslag');
    const read = async () => {
      const res = await fetch(`${second.url}/rib/v1/trajecten/${trajectId}/rapportages`, { headers: { authorization: `Bearer ${rib2}`, 'consent-token': consentToken } });
      expect(res.status).toBe(200);
      return ((await res.json()) as { rapportages: { id: string; hash: string; volgnummer: number; vorigeHash: string | null; idempotencyKey: string; advies: string }[] }).rapportages;
    };
    const after = await read();
    const byId = new Map(after.map((r) => [r.id, r]));
    // Every receipt names a stored report with the same hash and place, and the content sent.
    for (const s of receipted) {
      const row = byId.get(s.receipt!.rapportageId);
      expect(row, s.key).toBeDefined();
      expect(row).toMatchObject({ hash: s.receipt!.hash, volgnummer: s.receipt!.volgnummer, idempotencyKey: s.key, advies: s.body.advies });
    }
    // No stray rows: each one stems from a request we sent; the links are unbroken.
    const keys = new Set(sent.map((s) => s.key));
    expect(after.every((r) => keys.has(r.idempotencyKey))).toBe(true);
    after.forEach((r, i) => {
      expect(r.volgnummer).toBe(i + 1);
      expect(r.vorigeHash).toBe(i === 0 ? null : after[i - 1]!.hash);
    });

    // The requests that got no answer are retried with their keys: each is stored exactly once.
    for (const s of sent.filter((x) => !x.receipt)) {
      const res = await post(second.url, rib2, s);
      expect([200, 201]).toContain(res.status);
      s.receipt = (await res.json()) as Sent['receipt'];
    }
    const final = await read();
    expect(final).toHaveLength(sent.length);
    expect(new Set(final.map((r) => r.idempotencyKey)).size).toBe(sent.length);

    second.child.proc.kill('SIGTERM');
    const code = await second.child.exited;
    expect(code, second.child.stdout().split('\n').filter((l) => !/request (completed)?|incoming/.test(l)).slice(-5).join('\n') + second.child.stderr()).toBe(0);
    // The operator's check, on the data the killed process left behind.
    const check = runKetenpoort(['verify-chain'], env);
    expect(await check.exited, check.stdout() + check.stderr()).toBe(0);
    expect(check.stdout()).toMatch(/block\(s\) verified/);

    // And it names the row an attacker changed behind the append-only trigger.
    const victim = final[Math.floor(final.length / 2)]!;
    const db = await openDatabase({ url: env.DATABASE_URL, schema: env.DATABASE_SCHEMA, dataDir: join(env.DATA_DIR!, 'pglite') });
    try {
      await db.prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe('ALTER TABLE rapportage DISABLE TRIGGER rapportage_append_only');
        await tx.$executeRawUnsafe(`UPDATE rapportage SET body = jsonb_set(body, '{advies}', '"Verzonnen"') WHERE id = '${victim.id}'`);
        await tx.$executeRawUnsafe('ALTER TABLE rapportage ENABLE TRIGGER rapportage_append_only');
      });
    } finally {
      await db.close();
    }
    const tampered = runKetenpoort(['verify-chain'], env);
    expect(await tampered.exited).toBe(1);
    expect(tampered.stdout()).toContain(`BROKEN  blok`);
    expect(tampered.stdout()).toContain(`rapportage ${victim.id} (volgnummer ${victim.volgnummer}): hash-mismatch`);
  });
});
