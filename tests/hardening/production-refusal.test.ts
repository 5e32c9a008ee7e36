// Attack: start a production process on synthetic data (no partners, no database, no issuer, no
// keys), or with the demo switched on. It must refuse before it listens or writes anything, naming
// every missing setting in one line. And the signing keys at rest must be useless without
// KEY_ENCRYPTION_KEY: a copy of the database does not let anyone sign consent tokens.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../gateway/config.js';
import { KeyEncryptionError } from '../../gateway/keys/key-encryption.js';
import { createKeyStore } from '../../gateway/keys/key-store.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { runKetenpoort } from '../support/child.js';

const KEY = Buffer.alloc(32, 3).toString('base64');
const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgresql://ketenpoort@db.example/ketenpoort',
  UWV_ADAPTER_URL: 'https://adapter-uwv.example/graphql',
  CWI_SOURCE_URL: 'https://cwi.example/api',
  CWI_SOURCE_CREDENTIAL: 'issued-by-cwi-to-our-adapter',
  GEMEENTE_ADAPTER_URL: 'https://adapter-gemeente.example/graphql',
  OIDC_ISSUER: 'https://login.example',
  OIDC_JWKS_URL: 'https://login.example/jwks',
  PUBLIC_URL: 'https://ketenpoort.example',
  KEY_ENCRYPTION_KEY: KEY,
  LOG_SUBJECT_KEY: Buffer.alloc(32, 4).toString('base64'),
};
const NAMED = ['DATABASE_URL', 'UWV_ADAPTER_URL or UWV_SOURCE_URL', 'CWI_ADAPTER_URL or CWI_SOURCE_URL', 'GEMEENTE_ADAPTER_URL or GEMEENTE_SOURCE_URL', 'OIDC_ISSUER', 'PUBLIC_URL', 'KEY_ENCRYPTION_KEY', 'LOG_SUBJECT_KEY'];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kp-prod-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('a production start without real parts', { timeout: 60_000 }, () => {
  it('refuses with one line naming every missing setting, and creates nothing', async () => {
    const dataDir = join(dir, 'data');
    const child = runKetenpoort(['serve'], { NODE_ENV: 'production', DATA_DIR: dataDir, PORT: '0' });
    expect(await child.exited).toBe(78);
    const lines = child.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    for (const name of NAMED) expect(lines[0]).toContain(name);
    expect(child.stdout()).not.toContain('listening');
    expect(existsSync(dataDir)).toBe(false);
  });

  it.each(NAMED.map((n) => [n]))('names %s alone when only it is missing', (name) => {
    const env: Record<string, string> = { ...PRODUCTION };
    for (const variable of name.split(' or ')) delete env[variable];
    if (name === 'OIDC_ISSUER') delete env.OIDC_JWKS_URL;
    const attempt = () => loadConfig(env);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(new RegExp(`^NODE_ENV: production refuses to start without ${name}[^;]*$`));
  });

  it('starts its configuration with every real part given', () => {
    const config = loadConfig(PRODUCTION);
    expect(config.production).toBe(true);
    expect(config.DEV_ISSUER).toBe(false);
  });

  it.each([
    [['serve', '--demo']],
    [['seed']],
  ])('refuses `ketenpoort %s` in production, even with every setting given', async (args) => {
    const dataDir = join(dir, `demo-${args.join('-')}`);
    const child = runKetenpoort(args, { ...PRODUCTION, DATA_DIR: dataDir, PORT: '0' });
    expect(await child.exited).toBe(78);
    expect(child.stderr()).toMatch(/never runs when NODE_ENV=production/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses to sign demo tokens in production', async () => {
    const child = runKetenpoort(['token', 'km-jan'], { ...PRODUCTION, DATA_DIR: join(dir, 'token') });
    expect(await child.exited).not.toBe(0);
    expect(child.stdout().trim()).toBe('');
  });
});

describe('signing keys at rest', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { KEY_ENCRYPTION_KEY: KEY } });
  });
  afterAll(() => t?.close());

  it('are sealed in the database, and open only with the same KEY_ENCRYPTION_KEY', async () => {
    // Signing a demo token creates the development issuer's key.
    const res = await fetch(`${t.url}/dev-issuer/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"person":"km-jan"}' });
    expect(res.status).toBe(200);
    const rows = await t.db.prisma.signingKey.findMany();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const stored = JSON.stringify(row.privateJwk);
      expect(stored).toContain('"sealed":"A256GCM"');
      expect(stored).not.toContain('"d":');
    }
    // The same database, another key (or none): no signing.
    const wrong = createKeyStore(t.db.prisma, { encryptionKey: Buffer.alloc(32, 8) });
    await expect(wrong.signer('dev-issuer')).rejects.toThrow(KeyEncryptionError);
    await expect(createKeyStore(t.db.prisma).signer('dev-issuer')).rejects.toThrow(/set KEY_ENCRYPTION_KEY/);
    // A sealed key moved onto another kid does not open either (bound to its kid).
    const [a] = rows;
    await t.db.prisma.signingKey.create({ data: { kid: 'dev-issuer-moved', use: 'dev-issuer', alg: a!.alg, publicJwk: a!.publicJwk as object, privateJwk: a!.privateJwk as object } });
    await expect(createKeyStore(t.db.prisma, { encryptionKey: Buffer.from(KEY, 'base64') }).signer('dev-issuer')).rejects.toThrow(KeyEncryptionError);
    await t.db.prisma.signingKey.delete({ where: { kid: 'dev-issuer-moved' } });
  });
});
