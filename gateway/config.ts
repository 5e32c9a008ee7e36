// The only file that reads process.env. Every setting is validated once at start and frozen;
// a bad value stops the start with one line naming the variable and what it expects.
import { hkdfSync } from 'node:crypto';
import { resolve } from 'node:path';
import { z } from 'zod';

const onOff = z
  .enum(['on', 'off', 'true', 'false', '1', '0'])
  .transform((v) => v === 'on' || v === 'true' || v === '1');
const wholeNumber = (min: number, max: number, what = 'a whole number') =>
  z.coerce
    .number({ error: `${what} from ${min} to ${max}` })
    .int(`${what} from ${min} to ${max}`)
    .min(min, `${what} from ${min} to ${max}`)
    .max(max, `${what} from ${min} to ${max}`);
const port = wholeNumber(0, 65535, 'a port number');
const url = z.url('an absolute URL such as http://127.0.0.1:4101');
const ms = wholeNumber(1, 600_000, 'milliseconds');
/** A shared bearer secret: printable, no spaces (it travels in an Authorization header). */
const secret = z.string().regex(/^[\x21-\x7e]{16,200}$/, '16 to 200 printable characters without spaces');

/** Each entry: environment variable → parser and default. The README table mirrors this list. */
const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: url.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'a lower-case PostgreSQL schema name').optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  // PGlite's shared buffers (gateway/db/database.ts): its own default pool (160 MB) is written
  // through at start-up, so it is resident from the first second whether used or not.
  PGLITE_SHARED_BUFFERS_MB: wholeNumber(1, 4096, 'megabytes').default(16),
  // V8 settings serve sets on itself (gateway/cli/v8-settings.ts): the old generation may grow
  // to the live set times (1 + this/100) before the next full collection (0: V8's own factor, up
  // to 4×, under which a 300-client caseload load held ~200 MB of garbage), and whether hot
  // WebAssembly (PGlite, Prisma's query compiler) is compiled a second time, optimised (~50 MB).
  HEAP_GROWING_PERCENT: wholeNumber(0, 300, 'percent').default(50),
  WASM_TIER_UP: onOff.default(false),
  DEV_ISSUER: onOff.default(false),
  OIDC_ISSUER: url.optional(),
  OIDC_JWKS_URL: url.optional(),
  OIDC_AUDIENCE: z.string().min(1).default('ketenpoort'),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_AUTHORIZATION_URL: url.optional(),
  OIDC_TOKEN_URL: url.optional(),
  OIDC_REDIRECT_URL: url.optional(),
  OIDC_SCOPE: z.string().min(1).optional(),
  OIDC_BEARER_TOKEN: z.enum(['access_token', 'id_token']).optional(),
  OIDC_PROVIDER_NAME: z.string().min(1).optional(),
  PAGES_SESSION_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, '32 random bytes in base64 (openssl rand -base64 32)')
    .optional(),
  // Web pages: a session no request touched for this long has ended (gateway/pages/shared/session-store.ts).
  PAGES_IDLE_MINUTES: wholeNumber(1, 720, 'minutes').default(15),
  // Pages that update by themselves (gateway/pages/shared/live-stream.ts): how often an open stream
  // re-reads its session (logged out or run out ends it), and how often it sends a keep-alive.
  LIVE_SESSION_CHECK_SECONDS: wholeNumber(1, 3600, 'seconds').default(30),
  LIVE_HEARTBEAT_SECONDS: wholeNumber(1, 3600, 'seconds').default(25),
  LOG_SUBJECT_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, '32 random bytes in base64 (openssl rand -base64 32)')
    .optional(),
  KEY_ENCRYPTION_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, '32 random bytes in base64 (openssl rand -base64 32)')
    .optional(),
  CHAIN_HEAD_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, '32 random bytes in base64 (openssl rand -base64 32)')
    .optional(),
  SHUTDOWN_GRACE_MS: ms.default(10_000),
  PARTNER_TIMEOUT_MS: ms.default(1500),
  CONSENT_CACHE_TTL_MS: wholeNumber(0, 60_000, 'milliseconds').default(5000),
  UWV_ADAPTER_URL: url.optional(),
  CWI_ADAPTER_URL: url.optional(),
  GEMEENTE_ADAPTER_URL: url.optional(),
  UWV_SOURCE_URL: url.optional(),
  CWI_SOURCE_URL: url.optional(),
  GEMEENTE_SOURCE_URL: url.optional(),
  // What each partner's source issued to our adapter, sent as a bearer credential (<P>_SOURCE_URL).
  UWV_SOURCE_CREDENTIAL: secret.optional(),
  CWI_SOURCE_CREDENTIAL: secret.optional(),
  GEMEENTE_SOURCE_CREDENTIAL: secret.optional(),
  // What `ketenpoort sandbox` demands of its callers (its adapter's <P>_SOURCE_CREDENTIAL).
  SANDBOX_CREDENTIAL: secret.optional(),
  ADAPTER_PORT: port.default(0),
  SANDBOX_PORT: port.default(0),
  GATEWAY_JWKS_URL: url.optional(),
  SIGNAL_SCAN_INTERVAL_MS: wholeNumber(0, 86_400_000, 'milliseconds (0 switches the scan off)').default(300_000),
  SANDBOX_LATENCY_MS: wholeNumber(0, 60_000, 'milliseconds').default(0),
  SANDBOX_POPULATION: wholeNumber(6, 100_000, 'a number of people').default(72),
  METRICS_PORT: port.optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  METRICS_TOKEN: z.string().regex(/^[\x21-\x7e]{16,200}$/, '16 to 200 printable characters without spaces').optional(),
  // Traces: gateway/telemetry/start.ts reads these (and the SDK the other OTEL_* settings) before
  // this config exists, since tracing must run before the first server is made; listed here so the
  // settings are in one list and a bad value is refused here too.
  OTEL_EXPORTER_OTLP_ENDPOINT: url.optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url.optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['http/protobuf', 'http/json']).default('http/protobuf'),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z.enum(['http/protobuf', 'http/json']).optional(),
  // Rate limits and load shedding (gateway/limits/); the README table explains each.
  RATE_LIMIT_PER_MINUTE: wholeNumber(1, 1_000_000, 'a number of requests').default(600),
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: wholeNumber(1, 1_000_000, 'a number of requests').default(120),
  RATE_LIMIT_LOGIN_PER_MINUTE: wholeNumber(1, 1_000_000, 'a number of requests').default(20),
  RATE_LIMIT_CONSENT_GRANTS_PER_HOUR: wholeNumber(1, 1_000_000, 'a number of consents').default(30),
  TRUST_PROXY: z
    .string()
    .regex(/^[0-9a-fA-F.:/]+(,\s*[0-9a-fA-F.:/]+)*$/, 'addresses or CIDR ranges of your reverse proxies, comma-separated')
    .optional(),
  PRESSURE_EVENT_LOOP_DELAY_MS: wholeNumber(0, 60_000, 'milliseconds (0 switches load shedding off)').default(1000),
  // Admission to the graph (gateway/graph/admission.ts): clients' worth of work at once, one caller's share of it, and how long the rest wait.
  GRAPH_CLIENTS_IN_FLIGHT: wholeNumber(0, 1_000_000, 'a number of clients (0 switches admission off)').default(1200),
  GRAPH_ADMISSION_WAIT_MS: wholeNumber(1, 600_000, 'milliseconds').default(10_000),
  GRAPH_CALLER_CLIENTS_IN_FLIGHT: wholeNumber(0, 1_000_000, 'a number of clients (0: no share per caller)').default(600),
  // Anomaly signals for the auditor (gateway/audit/anomalies.ts); the README table explains each.
  AUDIT_VOLUME_FACTOR: z.coerce
    .number({ error: 'a number from 1.5 to 100' })
    .min(1.5, 'a number from 1.5 to 100')
    .max(100, 'a number from 1.5 to 100')
    .default(3),
  AUDIT_VOLUME_MIN_CLIENTS: wholeNumber(1, 100_000, 'a number of clients').default(40),
  AUDIT_VOLUME_BASELINE_DAYS: wholeNumber(7, 365, 'a number of days').default(28),
  AUDIT_OUTSIDE_CASELOAD_MIN: wholeNumber(1, 100_000, 'a number of clients').default(5),
  AUDIT_REFUSAL_BURST_COUNT: wholeNumber(2, 100_000, 'a number of refusals').default(10),
  AUDIT_REFUSAL_BURST_MINUTES: wholeNumber(1, 1440, 'minutes').default(10),
  AUDIT_WORKING_HOURS: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a time range such as 07:00-19:00')
    .default('07:00-19:00'),
  AUDIT_WORKING_DAYS: z
    .string()
    .regex(/^(ma|di|wo|do|vr|za|zo)(-(ma|di|wo|do|vr|za|zo))?(,(ma|di|wo|do|vr|za|zo)(-(ma|di|wo|do|vr|za|zo))?)*$/, 'days such as ma-vr or ma-vr,za')
    .default('ma-vr'),
  AUDIT_OUTSIDE_HOURS_MIN: wholeNumber(1, 100_000, 'a number of consultations').default(1),
  AUDIT_SHARED_CLIENT_EMPLOYEES: wholeNumber(2, 1000, 'a number of employees').default(5),
  AUDIT_SHARED_CLIENT_HOURS: wholeNumber(1, 168, 'hours').default(24),
  // Whole months the processing and decision logs keep before their oldest month's partition is
  // dropped (gateway/logs/partitions.ts); unset keeps everything.
  LOG_RETENTION_MONTHS: wholeNumber(1, 1200, 'a number of months').optional(),
});

export type Env = z.infer<typeof schema>;

/** Settings whose value a configuration error must not repeat (it ends up in logs). */
const SECRETS = new Set<string>([
  'OIDC_CLIENT_SECRET', 'PAGES_SESSION_KEY', 'LOG_SUBJECT_KEY', 'KEY_ENCRYPTION_KEY', 'CHAIN_HEAD_KEY', 'METRICS_TOKEN',
  'UWV_SOURCE_CREDENTIAL', 'CWI_SOURCE_CREDENTIAL', 'GEMEENTE_SOURCE_CREDENTIAL', 'SANDBOX_CREDENTIAL',
]);

export interface Config extends Env {
  readonly production: boolean;
  /** Base URL of this gateway as callers see it; issuer of consent tokens and of the dev issuer. */
  readonly publicUrl: string;
  readonly dataDir: string;
  /** Key for encrypting and hashing data-subject identifiers in the processing log. */
  readonly logSubjectKey: Buffer;
  /** KEY_ENCRYPTION_KEY, decoded: seals the private signing keys in the database. */
  readonly keyEncryptionKey: Buffer | undefined;
  /**
   * Signs the rapportage blocks' chain heads (gateway/rapportage/chain-head.ts): CHAIN_HEAD_KEY, or
   * derived from LOG_SUBJECT_KEY. Never stored in the database, so whoever can only change the
   * database cannot sign a chain head that hides removed reports.
   */
  readonly chainHeadKey: Buffer;
  /** AUDIT_WORKING_HOURS and AUDIT_WORKING_DAYS, parsed (minutes since midnight; ISO weekdays 1-7). */
  readonly workingTime: { fromMinute: number; untilMinute: number; days: readonly number[] };
}

export class ConfigError extends Error {
  constructor(readonly variable: string, expected: string) {
    super(`${variable}: ${expected}`);
    this.name = 'ConfigError';
  }
}

// Only for development and tests: a published constant is no secret. Production must set its own.
const DEVELOPMENT_SUBJECT_KEY = 'a2V0ZW5wb29ydC1kZXZlbG9wbWVudC1vbmx5LWtleSE=';

/**
 * `scope: 'partner'` for `ketenpoort adapter|sandbox`: they keep no processing log, so they need
 * no LOG_SUBJECT_KEY even in production (a secret should live only where it is used).
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, scope: 'gateway' | 'partner' = 'gateway'): Readonly<Config> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0]);
    const shown = SECRETS.has(variable) ? 'invalid value (not shown: a secret)' : `invalid value ${JSON.stringify(input[variable])}`;
    throw new ConfigError(variable, `${shown}, expected ${describe(issue)}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if (production && e.DEV_ISSUER) {
    throw new ConfigError('DEV_ISSUER', 'cannot be on when NODE_ENV=production (demo people must never log in there)');
  }
  if (production && scope === 'gateway') {
    const missing = missingForProduction(e);
    if (missing.length) throw new ConfigError('NODE_ENV', `production refuses to start without ${missing.join('; ')}`);
  }
  if (Boolean(e.OIDC_ISSUER) !== Boolean(e.OIDC_JWKS_URL)) {
    throw new ConfigError(e.OIDC_ISSUER ? 'OIDC_JWKS_URL' : 'OIDC_ISSUER', 'OIDC_ISSUER and OIDC_JWKS_URL go together');
  }
  // The pages' login finds the provider's endpoints by discovery at OIDC_ISSUER (openid-client).
  for (const gone of ['OIDC_AUTHORIZATION_URL', 'OIDC_TOKEN_URL'] as const) {
    if (e[gone]) throw new ConfigError(gone, 'no longer used: the pages read the endpoints from the discovery document of OIDC_ISSUER; remove it');
  }
  if (e.OIDC_CLIENT_ID && !e.OIDC_ISSUER) throw new ConfigError('OIDC_ISSUER', 'required with OIDC_CLIENT_ID (the provider the pages log in with)');
  if (production && e.OIDC_CLIENT_ID && !e.OIDC_ISSUER!.startsWith('https://')) {
    throw new ConfigError('OIDC_ISSUER', 'must use https in production');
  }
  const workingTime = parseWorkingTime(e.AUDIT_WORKING_HOURS, e.AUDIT_WORKING_DAYS);
  const logSubjectKey = Buffer.from(e.LOG_SUBJECT_KEY ?? DEVELOPMENT_SUBJECT_KEY, 'base64');
  const publicUrl = (e.PUBLIC_URL ?? `http://${e.HOST.includes(':') ? `[${e.HOST}]` : e.HOST}:${e.PORT}`).replace(/\/$/, '');
  return Object.freeze({
    ...e,
    production,
    publicUrl,
    dataDir: resolve(e.DATA_DIR),
    keyEncryptionKey: e.KEY_ENCRYPTION_KEY ? Buffer.from(e.KEY_ENCRYPTION_KEY, 'base64') : undefined,
    logSubjectKey,
    chainHeadKey: e.CHAIN_HEAD_KEY
      ? Buffer.from(e.CHAIN_HEAD_KEY, 'base64')
      : Buffer.from(hkdfSync('sha256', logSubjectKey, Buffer.alloc(0), 'ketenpoort/chain-head/v1', 32)),
    workingTime,
  });
}

/**
 * What a production gateway must be given: nothing synthetic may stand in for it (no embedded
 * PGlite, no built-in sandboxes with made-up clients, no development issuer, no published
 * development keys). All missing settings are named at once, so an operator fixes them in one go.
 */
function missingForProduction(e: Env): string[] {
  const missing: string[] = [];
  if (!e.DATABASE_URL) missing.push('DATABASE_URL (PostgreSQL, as the embedded PGlite is for development)');
  for (const partner of ['UWV', 'CWI', 'GEMEENTE'] as const) {
    if (!e[`${partner}_ADAPTER_URL`] && !e[`${partner}_SOURCE_URL`]) {
      missing.push(`${partner}_ADAPTER_URL or ${partner}_SOURCE_URL (the partner's adapter or source, as sandboxes never run in production)`);
    }
  }
  if (!e.OIDC_ISSUER) missing.push('OIDC_ISSUER and OIDC_JWKS_URL (who may log in)');
  if (!e.PUBLIC_URL) missing.push('PUBLIC_URL (the https address callers use, which names the issuer of what we sign)');
  if (!e.KEY_ENCRYPTION_KEY) missing.push('KEY_ENCRYPTION_KEY (the signing keys are kept in the database, encrypted with it)');
  if (!e.LOG_SUBJECT_KEY) missing.push('LOG_SUBJECT_KEY (protects the BSNs in the processing log)');
  return missing;
}

const DAYS = ['ma', 'di', 'wo', 'do', 'vr', 'za', 'zo'];

function parseWorkingTime(hours: string, days: string): Config['workingTime'] {
  const [from, until] = hours.split('-').map((t) => {
    const [h, m] = t.split(':').map(Number);
    return h! * 60 + m!;
  });
  if (until! <= from!) throw new ConfigError('AUDIT_WORKING_HOURS', `invalid value ${JSON.stringify(hours)}, expected the end after the start`);
  const set = new Set<number>();
  for (const part of days.split(',')) {
    const [a, b] = part.split('-').map((d) => DAYS.indexOf(d) + 1);
    if (b !== undefined && b < a!) throw new ConfigError('AUDIT_WORKING_DAYS', `invalid value ${JSON.stringify(days)}, expected ranges from early to late in the week (ma-vr)`);
    for (let d = a!; d <= (b ?? a!); d++) set.add(d);
  }
  return Object.freeze({ fromMinute: from!, untilMinute: until!, days: Object.freeze([...set].sort()) });
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value') return `one of ${issue.values.map(String).join(', ')}`;
  return issue.message;
}
