// The deployment layout of compose.yaml, run as plain processes (no container engine here): this
// test reads compose.yaml and starts each service's command with that service's environment, as
// compose would, with service names mapped to 127.0.0.1 and container ports to free local ports,
// and the postgres service replaced by a fresh database on the test's PostgreSQL server. So the
// documented layout is the tested one: PostgreSQL, two gateway instances, three adapters as their
// own services, each beside its partner's source API (here its sandbox). Tokens come from a real
// OIDC-style issuer (its JWKS served here), as in production, where the development issuer is off.
// Each sandbox shares a credential with its own adapter only (one .env variable per partner).
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ORG } from '../../adapters/population/organisations.js';
import { findDemoPerson } from '../../gateway/demo/people.js';
import { runKetenpoort, type Child } from '../support/child.js';
import { freshDatabase, usingPostgres } from '../support/database.js';

interface Service {
  command?: string[];
  environment?: Record<string, string | number>;
  depends_on?: Record<string, unknown>;
  image?: string;
}

const composeFile = fileURLToPath(new URL('../../compose.yaml', import.meta.url));

/** compose's variable substitution: ${VAR}, ${VAR:-default}, ${VAR:?message}. */
function substitute(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
    const v = vars[name];
    if (v !== undefined && v !== '') return v;
    if (op === '-') return arg ?? '';
    throw new Error(`compose.yaml needs ${name}${arg ? `: ${arg}` : ''}`);
  });
}

const PORT_VARIABLES = ['PORT', 'ADAPTER_PORT', 'SANDBOX_PORT', 'METRICS_PORT'];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** What .env.example asks for: one credential per partner, shared by its adapter and its sandbox. */
const CREDENTIALS = {
  UWV_SOURCE_CREDENTIAL: 'compose-uwv-credential-0123456789',
  CWI_SOURCE_CREDENTIAL: 'compose-cwi-credential-0123456789',
  GEMEENTE_SOURCE_CREDENTIAL: 'compose-gemeente-credential-0123456789',
};

let issuerServer: ReturnType<typeof Fastify>;
let signingKey: CryptoKey;
let issuer: string;
let drop: (() => Promise<void>) | undefined;
let databaseUrl: string;
const processes = new Map<string, Child>();
/** service → its URL here (http://127.0.0.1:<port>) */
const urls = new Map<string, string>();
const metricsUrls = new Map<string, string>();

async function token(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: 'test-idp-1' })
    .setIssuer(issuer)
    .setAudience('ketenpoort')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(signingKey);
}

beforeAll(async () => {
  if (!usingPostgres) return;
  // The identity provider: its keys at a JWKS URL, as a Keycloak or a DigiD broker publishes them.
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  signingKey = privateKey;
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-idp-1', alg: 'ES256', use: 'sig' };
  issuerServer = Fastify();
  issuerServer.get('/jwks', async () => ({ keys: [jwk] }));
  issuer = (await issuerServer.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');

  // A copy of the run's migrated template: Prisma's schema engine takes a server-wide lock with a
  // 10 s timeout, which other test files migrating on the same server would hold (see global-setup).
  const fresh = await freshDatabase(process.env.DATABASE_URL!);
  drop = fresh.drop;
  databaseUrl = fresh.url;

  const compose = parse(readFileSync(composeFile, 'utf8'), { merge: true }) as { services: Record<string, Service> };
  const vars: Record<string, string> = {
    PUBLIC_URL: 'http://ketenpoort.test',
    POSTGRES_PASSWORD: 'not-used-here',
    LOG_SUBJECT_KEY: Buffer.alloc(32, 7).toString('base64'),
    KEY_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
    PAGES_SESSION_KEY: Buffer.alloc(32, 9).toString('base64'),
    OIDC_ISSUER: issuer,
    OIDC_JWKS_URL: `${issuer}/jwks`,
    LOG_LEVEL: 'info',
    ...CREDENTIALS,
  };
  const services = Object.entries(compose.services).filter(([name]) => name !== 'postgres');
  // Each service's ports, from the settings it listens on, mapped to free local ports.
  const ports = new Map<string, Map<string, number>>();
  for (const [name, service] of services) {
    const mine = new Map<string, number>();
    for (const v of PORT_VARIABLES) {
      const value = service.environment?.[v];
      if (value !== undefined) mine.set(String(value), await freePort());
    }
    ports.set(name, mine);
  }
  const local = (value: string) =>
    value
      .replace(/^postgres(ql)?:\/\/[^@]*@postgres:\d+\/\w+$/, databaseUrl)
      .replace(/\/\/([\w-]+):(\d+)/g, (m, host: string, port: string) => {
        const mapped = ports.get(host)?.get(port);
        return mapped ? `//127.0.0.1:${mapped}` : m;
      });
  for (const [name, service] of services) {
    expect(service.command, `${name} has a command`).toBeDefined();
    const env: Record<string, string> = {};
    for (const [k, raw] of Object.entries(service.environment ?? {})) {
      const value = substitute(String(raw), vars);
      env[k] = PORT_VARIABLES.includes(k) ? String(ports.get(name)!.get(value)) : k.endsWith('HOST') && value === '0.0.0.0' ? '127.0.0.1' : local(value);
    }
    const listens = ['PORT', 'ADAPTER_PORT', 'SANDBOX_PORT'].find((k) => env[k]);
    urls.set(name, `http://127.0.0.1:${env[listens!]}`);
    if (env.METRICS_PORT) metricsUrls.set(name, `http://127.0.0.1:${env.METRICS_PORT}/metrics`);
    processes.set(name, runKetenpoort(service.command!, env));
  }
  // Up when each answers /health (compose's healthcheck) and each gateway is /ready.
  await Promise.all(
    [...processes].map(([name, child]) =>
      child.waitForLog((l) => typeof l.msg === 'string' && /is listening$/.test(l.msg), 90_000).then(() => name),
    ),
  );
}, 150_000);

afterAll(async () => {
  await Promise.all([...processes.values()].map(async (p) => {
    if (p.proc.exitCode === null) p.proc.kill('SIGTERM');
    await p.exited;
  }));
  await issuerServer?.close();
  await drop?.();
}, 60_000);

const gql = async (gateway: string, bearer: string, query: string, variables: Record<string, unknown>) => {
  const res = await fetch(`${urls.get(gateway)}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] } };
};

const VIEW = `query($bsn: ID!) { klant(bsn: $bsn) { bsn uitkeringen { soort } inschrijving { status } bijstand { status } } }`;

describe.skipIf(!usingPostgres)('the compose layout, as processes', () => {
  it('starts every service of compose.yaml but postgres: two gateways, three adapters, three partner sources', () => {
    expect([...processes.keys()].sort()).toEqual(['adapter-cwi', 'adapter-gemeente', 'adapter-uwv', 'gateway-1', 'gateway-2', 'sandbox-cwi', 'sandbox-gemeente', 'sandbox-uwv']);
  });

  it('both gateways are ready on the one PostgreSQL database', async () => {
    for (const gateway of ['gateway-1', 'gateway-2']) {
      const res = await fetch(`${urls.get(gateway)}/ready`);
      expect(res.status, gateway).toBe(200);
      expect(await res.json()).toEqual({ status: 'ready', database: 'postgres', adapters: { uwv: 'closed', cwi: 'closed', gemeente: 'closed' } });
    }
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const { rows } = await client.query('SELECT count(*)::int AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL');
    await client.end();
    expect(rows[0].n).toBeGreaterThan(0);
  });

  it("each gateway answers the combined view from the adapters' own processes, with a token from the identity provider", { timeout: 150_000 }, async () => {
    const jan = await token({ sub: 'km-jan', role: 'klantmanager', name: 'Jan Kok', oin: ORG.amsterdam.oin });
    const bsn = findDemoPerson('client-fatima')!.bsn!;
    for (const gateway of ['gateway-1', 'gateway-2']) {
      // Services start in any order, as under compose: an adapter that could not yet check the
      // gateway's keys joins the graph at the gateway's next schema poll (every 10 s).
      let res = await gql(gateway, jan, VIEW, { bsn });
      for (let i = 0; i < 60 && res.body.errors?.some((e) => e.extensions?.code === 'BAD_USER_INPUT'); i++) {
        await new Promise((r) => setTimeout(r, 1000));
        res = await gql(gateway, jan, VIEW, { bsn });
      }
      expect(res.body.errors ?? [], gateway).toEqual([]);
      expect(res.body.data.klant.bsn).toBe(bsn);
    }
    // The adapters ran the partner calls: their own /metrics count them.
    for (const partner of ['uwv', 'cwi', 'gemeente']) {
      const text = await (await fetch(metricsUrls.get(`adapter-${partner}`)!)).text();
      expect(text, partner).toMatch(new RegExp(`ketenpoort_partner_request_duration_seconds_count\\{partner="${partner}",outcome="ok"\\} [1-9]`));
    }
  });

  it("each sandbox answers only its own adapter's credential: none, or another partner's, gets 401", async () => {
    const bsn = findDemoPerson('client-fatima')!.bsn!;
    const ask = (authorization?: string) =>
      fetch(`${urls.get('sandbox-uwv')}/v1/uitkeringen/zoeken`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ burgerservicenummers: [bsn] }),
      });
    for (const authorization of [undefined, `Bearer ${CREDENTIALS.CWI_SOURCE_CREDENTIAL}`]) {
      const res = await ask(authorization);
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain(bsn);
    }
    expect((await ask(`Bearer ${CREDENTIALS.UWV_SOURCE_CREDENTIAL}`)).status).toBe(200);
  });

  it('refuses a token the identity provider did not sign, and the development issuer is off', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ sub: 'x', role: 'klantmanager', oin: ORG.amsterdam.oin })
      .setProtectedHeader({ alg: 'ES256', kid: 'test-idp-1' }).setIssuer(issuer).setAudience('ketenpoort').setExpirationTime('5m').sign(privateKey);
    const res = await gql('gateway-1', forged, VIEW, { bsn: findDemoPerson('client-fatima')!.bsn });
    expect(res.status).toBe(401);
    expect((await fetch(`${urls.get('gateway-1')}/dev-issuer/people`)).status).toBe(404);
  });

  it('stops every service cleanly on SIGTERM', async () => {
    for (const p of processes.values()) p.proc.kill('SIGTERM');
    const codes = await Promise.all([...processes].map(async ([name, p]) => [name, await p.exited] as const));
    expect(Object.fromEntries(codes)).toEqual(Object.fromEntries([...processes.keys()].map((n) => [n, 0])));
  });
});
