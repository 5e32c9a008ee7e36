// The three targets of the comparison run, each started as its own process over the same partner
// adapters, and how a workload request is sent to each.
import { mkdtemp, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { NODE_START_FLAGS } from '../../gateway/cli/v8-settings.js';
import { openDatabase } from '../../gateway/db/database.js';
import { applyMigrations } from '../../gateway/db/migrations.js';
import type { BenchIssuer } from './bench-issuer.js';
import { freePort, KETENPOORT_BIN, SETUP_TIMEOUT_MS, startProcess, type Proc } from './processes.js';
import { CASELOAD_QUERY, VIEW_QUERY, type QueryName } from './queries.js';
import { BENCH_LIMITS } from './limits.js';

export type Target = 'ceiling' | 'bare' | 'ketenpoort';
export type Db = 'postgres' | 'pglite';

export interface Endpoint {
  target: Target;
  proc: Proc;
  headers: Record<string, string>;
  /** One workload request as this target takes it. */
  request(query: QueryName, vars: { bsn?: string; eerste?: number; na?: string | null }): { path: string; body: string };
}

const graphql = (query: QueryName, vars: { bsn?: string; eerste?: number; na?: string | null }) => ({
  path: '/graphql',
  body: JSON.stringify(query === 'view' ? { query: VIEW_QUERY, variables: { bsn: vars.bsn } } : { query: CASELOAD_QUERY, variables: { eerste: vars.eerste, na: vars.na } }),
});

export async function startCeiling(env: Record<string, string | undefined>, node: string[]): Promise<Endpoint> {
  const port = await freePort();
  const proc = await startProcess('ceiling', [...node, 'dist/bench/targets/ceiling.js'], { ...env, PORT: String(port) }, { url: `http://127.0.0.1:${port}` });
  return {
    target: 'ceiling',
    proc,
    headers: {},
    request: (query, vars) =>
      query === 'view' ? { path: '/view', body: JSON.stringify({ bsn: vars.bsn }) } : { path: '/caseload', body: JSON.stringify({ eerste: vars.eerste, na: vars.na }) },
  };
}

export async function startBare(env: Record<string, string | undefined>, node: string[]): Promise<Endpoint> {
  const port = await freePort();
  const proc = await startProcess('bare', [...node, 'dist/bench/targets/bare.js'], { ...env, PORT: String(port) }, { url: `http://127.0.0.1:${port}` });
  return { target: 'bare', proc, headers: {}, request: graphql };
}

/** What node runs for Ketenpoort: the bundle bin/ketenpoort.js runs, or the files tsc wrote. */
export const PROGRAMS = { bundle: KETENPOORT_BIN, files: 'dist/gateway/cli/main.js' } as const;
export type Program = keyof typeof PROGRAMS;
export const isProgram = (name: string): name is Program => Object.hasOwn(PROGRAMS, name);

export interface KetenpoortTarget extends Endpoint {
  /** Seconds from spawning the process until /ready answered 200 (database already migrated). */
  startSeconds: number;
  token(person: string): Promise<string>;
  /** Where its database is, for the raw inserts after it stopped. */
  database: { url?: string; dataDir: string };
  drop(): Promise<void>;
}

/**
 * `ketenpoort serve --demo` as shipped, on a fresh database migrated beforehand (so the start is
 * measured on an already migrated database), with the bench's key as its internal signing key and
 * the bench issuer's URL as its own: it signs internal tokens as the adapters expect, so the same
 * adapter processes serve every target.
 */
export async function startKetenpoort(
  db: Db,
  o: {
    serverUrl: string; issuer: BenchIssuer; env: Record<string, string | undefined>; node: string[];
    /** How Ketenpoort reaches the database (the soak run puts a proxy it can cut in between). */
    via?: (url: string) => string;
    /** Another instance on the database of this one (PostgreSQL): nothing is created or dropped. */
    beside?: KetenpoortTarget;
    /** Which program node runs (bench/start.ts compares them); the bundle unless named. */
    program?: Program;
  },
): Promise<KetenpoortTarget> {
  let url: string | undefined;
  let dataDir = '';
  let drop: () => Promise<void>;
  if (o.beside) {
    if (db !== 'postgres' || !o.beside.database.url) throw new Error('a second instance needs PostgreSQL');
    return launch(o.beside.database.url, '', async () => {}, o);
  }
  if (db === 'postgres') {
    const name = `kp_bench_${randomBytes(5).toString('hex')}`;
    await admin(o.serverUrl, `CREATE DATABASE ${name}`);
    const u = new URL(o.serverUrl);
    u.pathname = `/${name}`;
    url = u.toString();
    drop = () => admin(o.serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } else {
    const dir = await mkdtemp(join(tmpdir(), 'kp-bench-'));
    dataDir = join(dir, 'pglite');
    drop = () => rm(dir, { recursive: true, force: true });
  }
  const database = await openDatabase({ url, dataDir });
  try {
    await applyMigrations(database);
    const { d: _private, ...publicJwk } = o.issuer.privateJwk;
    await database.prisma.signingKey.create({
      data: { kid: o.issuer.privateJwk.kid!, use: 'internal', alg: 'ES256', publicJwk: { ...publicJwk, use: 'sig' }, privateJwk: o.issuer.privateJwk },
    });
  } finally {
    await database.close();
  }
  return launch(url, dataDir, drop, o);
}

async function launch(
  url: string | undefined,
  dataDir: string,
  drop: () => Promise<void>,
  o: { issuer: BenchIssuer; env: Record<string, string | undefined>; node: string[]; via?: (url: string) => string; program?: Program },
): Promise<KetenpoortTarget> {
  const port = await freePort();
  const env = {
    ...BENCH_LIMITS,
    ...o.env,
    ...(url ? { DATABASE_URL: o.via ? o.via(url) : url } : { DATA_DIR: join(dataDir, '..') }),
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    PORT: String(port),
    PUBLIC_URL: o.issuer.issuer,
    DEV_ISSUER: 'on',
  };
  const t0 = performance.now();
  // As shipped (npm start, the image): with the start flags; a bench's own --node-args come after and win.
  const proc = await startProcess('ketenpoort', [...NODE_START_FLAGS, ...o.node, PROGRAMS[o.program ?? 'bundle'], 'serve', '--demo'], env, { url: `http://127.0.0.1:${port}`, health: '/ready' });
  const startSeconds = Math.round((performance.now() - t0) / 100) / 10;
  const token = async (person: string) => {
    const res = await fetch(`${proc.url}/dev-issuer/token`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ person }), signal: AbortSignal.timeout(SETUP_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`setup: a token for ${person} answered ${res.status}`);
    return ((await res.json()) as { access_token: string }).access_token;
  };
  return {
    target: 'ketenpoort',
    proc,
    headers: { authorization: `Bearer ${await token('km-jan')}` },
    request: graphql,
    startSeconds,
    token,
    database: { url, dataDir },
    drop,
  };
}

async function admin(serverUrl: string, sql: string) {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}
