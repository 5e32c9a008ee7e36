// `ketenpoort sandbox <partner>` and `ketenpoort adapter <partner>` as their own processes: ports
// and URLs from configuration, the adapter trusting the gateway's published keys (JWKS), refusing
// unsigned calls, the sandbox answering only its adapter's credential, naming a missing setting,
// a sandbox refusing to run in production, and stopping cleanly on SIGTERM.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { population } from '../../adapters/population/population.js';
import { createTestSigner, ISSUER, type TestSigner } from './internal-tokens.js';
import { entitiesQuery, graphql, listen, representations } from './loopback.js';
import { runPartnerCommand, type PartnerProcess } from './partner-process.js';

let signer: TestSigner;
let jwksServer: FastifyInstance;
let jwksUrl: string;
const running: PartnerProcess[] = [];

beforeAll(async () => {
  signer = await createTestSigner();
  jwksServer = Fastify();
  jwksServer.get('/.well-known/jwks.json', async () => signer.jwks);
  jwksUrl = `${await listen(jwksServer)}/.well-known/jwks.json`;
});
afterEach(async () => {
  for (const p of running.splice(0)) if (p.proc.exitCode === null) p.proc.kill('SIGKILL');
});
afterAll(() => jwksServer.close());

const CREDENTIAL = 'cwi-sandbox-credential-0123456789';

const start = (args: string[], env: Record<string, string>) => {
  const p = runPartnerCommand(args, { LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env });
  running.push(p);
  return p;
};

describe('ketenpoort sandbox / adapter', () => {
  it('run a sandbox and an adapter alone; the adapter accepts only gateway-signed calls; SIGTERM stops both', async () => {
    const sandbox = start(['sandbox', 'cwi'], { SANDBOX_PORT: '0', SANDBOX_CREDENTIAL: CREDENTIAL });
    const sandboxUrl = String((await sandbox.waitForLog((l) => l.msg === 'sandbox is listening')).url);
    expect((await fetch(`${sandboxUrl}/openapi.yaml`)).status).toBe(200);
    const direct = await fetch(`${sandboxUrl}/api/v2/werkzoekenden/zoeken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Bsns: [population()[0]!.bsn] }),
    });
    expect(direct.status).toBe(401);

    // trace: the most talkative level, to show that even then no BSN or token reaches the log.
    const adapter = start(['adapter', 'cwi'], { ADAPTER_PORT: '0', CWI_SOURCE_URL: sandboxUrl, CWI_SOURCE_CREDENTIAL: CREDENTIAL, GATEWAY_JWKS_URL: jwksUrl, PUBLIC_URL: ISSUER, LOG_LEVEL: 'trace' });
    const adapterUrl = String((await adapter.waitForLog((l) => l.msg === 'adapter is listening')).url);
    const query = entitiesQuery('inschrijving { status }');
    const variables = { representations: representations([population()[0]!.bsn]) };
    expect((await graphql(adapterUrl, query, variables)).status).toBe(401);
    expect((await graphql(adapterUrl, query, variables, await signer.sign('uwv'))).status).toBe(401);
    const ok = await graphql(adapterUrl, query, variables, await signer.sign('cwi'));
    expect(ok.body).toEqual({ data: { _entities: [{ inschrijving: { status: 'INGESCHREVEN' } }] } });
    // A BSN in the query text itself, and a query that fails.
    const literal = `{ _entities(representations: [{ __typename: "Klant", bsn: "${population()[0]!.bsn}" }]) { ... on Klant { inschrijving { status } } } }`;
    expect((await graphql(adapterUrl, literal, {}, await signer.sign('cwi'))).status).toBe(200);
    await graphql(adapterUrl, `{ _entities(representations: [{ bsn: "${population()[0]!.bsn}" }]) { ... on Nope { x } } }`, {}, await signer.sign('cwi'));

    adapter.proc.kill('SIGTERM');
    sandbox.proc.kill('SIGTERM');
    expect(await adapter.exited).toBe(0);
    expect(await sandbox.exited).toBe(0);
    // Nothing personal or secret in the logs: no BSN, no token, no credential.
    for (const out of [adapter.output(), sandbox.output()]) {
      expect(out).not.toContain(population()[0]!.bsn);
      expect(out).not.toContain(CREDENTIAL);
      expect(out).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
    }
  });

  it('names the missing setting when an adapter has no source URL', async () => {
    const adapter = start(['adapter', 'uwv'], { GATEWAY_JWKS_URL: jwksUrl });
    expect(await adapter.exited).toBe(78);
    expect(adapter.output()).toContain('UWV_SOURCE_URL');
  });

  it('names the missing credential of an adapter with a source URL', async () => {
    const adapter = start(['adapter', 'cwi'], { CWI_SOURCE_URL: 'http://127.0.0.1:9', GATEWAY_JWKS_URL: jwksUrl });
    expect(await adapter.exited).toBe(78);
    expect(adapter.output()).toContain('CWI_SOURCE_CREDENTIAL');
    expect(adapter.output()).not.toContain('is listening');
  });

  it('refuses to serve with a source URL but not its credential, before opening anything', async () => {
    const dataDir = join(tmpdir(), `kp-source-credential-${process.pid}-${Date.now()}`);
    const gateway = start(['serve'], { UWV_SOURCE_URL: 'http://127.0.0.1:9', DATA_DIR: dataDir, PORT: '0' });
    expect(await gateway.exited).toBe(78);
    expect(gateway.output()).toContain('UWV_SOURCE_CREDENTIAL');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses a sandbox without a credential, or one too short, naming SANDBOX_CREDENTIAL', async () => {
    for (const env of [{}, { SANDBOX_CREDENTIAL: 'short-secret' }] as Record<string, string>[]) {
      const sandbox = start(['sandbox', 'uwv'], env);
      expect(await sandbox.exited).toBe(78);
      expect(sandbox.output()).toContain('SANDBOX_CREDENTIAL');
      expect(sandbox.output()).not.toContain('short-secret');
      expect(sandbox.output()).not.toContain('is listening');
    }
  });

  it('refuses to run a sandbox when NODE_ENV=production, credential or not', async () => {
    const sandbox = start(['sandbox', 'gemeente'], { NODE_ENV: 'production', SANDBOX_CREDENTIAL: CREDENTIAL, SANDBOX_PORT: '0' });
    expect(await sandbox.exited).toBe(78);
    expect(sandbox.output()).toContain('sandboxes are synthetic partners, never in production');
    expect(sandbox.output()).not.toContain('is listening');
  });

  it('prints help, and refuses an unknown partner', async () => {
    const help = start(['sandbox', '--help'], {});
    expect(await help.exited).toBe(0);
    expect(help.output()).toContain('SANDBOX_LATENCY_MS');
    const unknown = start(['adapter', 'belastingdienst'], {});
    expect(await unknown.exited).toBe(2);
    expect(unknown.output()).toContain('unknown partner');
  });
});
