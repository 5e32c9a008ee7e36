import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKetenpoort } from '../support/child.js';
import { freshDatabase } from '../support/database.js';

// The server as an operator runs it: `ketenpoort serve` in its own process.
let env: Record<string, string>;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kp-server-'));
  env = { DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'info', NODE_ENV: 'test', DEV_ISSUER: 'on', PUBLIC_URL: 'http://ketenpoort.test' };
  let dropSchema = async () => {};
  if (process.env.DATABASE_URL) {
    const s = await freshDatabase(process.env.DATABASE_URL);
    env.DATABASE_URL = s.url;
    dropSchema = s.drop;
  }
  cleanup = async () => {
    await dropSchema();
    await rm(dir, { recursive: true, force: true });
  };
});
afterAll(() => cleanup());

async function start() {
  const child = runKetenpoort(['serve', '--demo'], env);
  const line = await child.waitForLog((l) => l.msg === 'Ketenpoort is listening', 90_000);
  return { child, url: line.url as string };
}

// Each test starts real processes (gateway, adapters, sandboxes): allow for a busy machine.
describe('ketenpoort serve', { timeout: 180_000 }, () => {
  it('answers /health and /ready, and keeps its data across a restart', async () => {
    const first = await start();
    expect((await fetch(`${first.url}/health`)).status).toBe(200);
    const ready = await fetch(`${first.url}/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { database: string }).database).toBe(env.DATABASE_URL ? 'postgres' : 'pglite');
    // Signing a token creates the development issuer's key: data that must survive a restart.
    const token = await fetch(`${first.url}/dev-issuer/token`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ person: 'km-jan' }),
    });
    expect(token.status).toBe(200);
    const before = await (await fetch(`${first.url}/dev-issuer/jwks.json`)).json();
    first.child.proc.kill('SIGTERM');
    expect(await first.child.exited).toBe(0);

    const second = await start();
    const after = await (await fetch(`${second.url}/dev-issuer/jwks.json`)).json();
    expect(after).toEqual(before);
    second.child.proc.kill('SIGTERM');
    expect(await second.child.exited).toBe(0);
  });

  it('finishes requests in flight on SIGTERM, then exits 0', async () => {
    const { child, url } = await start();
    const { port } = new URL(url);
    const body = JSON.stringify({ person: 'client-fatima' });
    // Start three requests and send only half of each body, so they are surely in flight.
    const inFlight = [0, 1, 2].map(() => {
      let resolveHalf!: () => void;
      const halfSent = new Promise<void>((r) => (resolveHalf = r));
      const req = request({
        host: '127.0.0.1', port, path: '/dev-issuer/token', method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      });
      const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
        req.on('response', (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode!, text }));
        });
        req.on('error', reject);
      });
      req.write(body.slice(0, 10), () => resolveHalf());
      return { req, halfSent, response };
    });
    await Promise.all(inFlight.map((f) => f.halfSent));
    await new Promise((r) => setTimeout(r, 200));
    child.proc.kill('SIGTERM');
    await child.waitForLog((l) => String(l.msg).startsWith('shutting down'));
    // New connections are refused while the old ones finish.
    await expect(fetch(`${url}/health`)).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 300));
    for (const f of inFlight) f.req.end(body.slice(10));
    const results = await Promise.all(inFlight.map((f) => f.response));
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(JSON.parse(r.text).access_token).toMatch(/^eyJ/);
    }
    expect(await child.exited).toBe(0);
    expect(child.stdout()).toContain('"msg":"stopped"');
  });
});
