// `ketenpoort token <person>` as a person runs it beside a gateway that is not on the defaults:
// the token it prints is one that gateway accepts, or it refuses saying what to set; either way it
// opens no database and creates no ./data (or DATA_DIR) folder.
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { runKetenpoort } from '../support/child.js';

let on: TestApp;
let off: TestApp;
let cwd: string;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'kp-token-cwd-'));
  on = await startTestApp();
  off = await startTestApp({ demo: false, env: { DEV_ISSUER: 'off' } });
}, 180_000);
afterAll(async () => {
  await on?.close();
  await off?.close();
  await rm(cwd, { recursive: true, force: true });
});

const portOf = (url: string) => new URL(url).port;

/** A loopback port nothing listens on. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return String(port);
}

async function token(person: string, env: Record<string, string>) {
  // A DATA_DIR as the person's shell might have it, for a folder that does not exist.
  const dataDir = join(cwd, 'elsewhere');
  const child = runKetenpoort(['token', person], { NODE_ENV: 'development', DATA_DIR: dataDir, ...env }, { cwd });
  const code = await child.exited;
  // Nothing written: neither ./data in the current folder nor the DATA_DIR.
  expect(readdirSync(cwd)).toEqual([]);
  expect(existsSync(dataDir)).toBe(false);
  return { code, stdout: child.stdout().trim(), stderr: child.stderr() };
}

describe('ketenpoort token', { timeout: 60_000 }, () => {
  it('prints a token the gateway on another port accepts, with its PORT given', async () => {
    const r = await token('km-jan', { PORT: portOf(on.url) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    const res = await fetch(`${on.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${r.stdout}` },
      body: JSON.stringify({ query: '{ gecontracteerdeBureaus { naam } }' }),
    });
    const body = (await res.json()) as { data?: { gecontracteerdeBureaus: { naam: string }[] }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data!.gecontracteerdeBureaus.length).toBeGreaterThan(0);
  });

  it('with PUBLIC_URL instead of PORT, too', async () => {
    const r = await token('rib-werkfit', { PUBLIC_URL: on.url, PORT: await closedPort() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^eyJ/);
  });

  it('refuses, naming PORT and PUBLIC_URL, when no gateway answers there', async () => {
    const r = await token('km-jan', { PORT: await closedPort() });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no Ketenpoort answers at http:\/\/127\.0\.0\.1:\d+/);
    expect(r.stderr).toContain('PORT');
    expect(r.stderr).toContain('PUBLIC_URL');
  });

  it('refuses, saying how to switch it on, when the gateway has its development issuer off', async () => {
    const r = await token('km-jan', { PORT: portOf(off.url) });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('development issuer off');
    expect(r.stderr).toContain('DEV_ISSUER=on');
  });

  it('refuses an unknown person, pointing at the list', async () => {
    const r = await token('km-nobody', { PORT: portOf(on.url) });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('ketenpoort seed --print');
  });
});
