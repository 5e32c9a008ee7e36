// The subcommands of the `ketenpoort` program. Each parses its own options (node:util parseArgs)
// and reads settings only through loadConfig.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { applyMigrations } from '../db/migrations.js';
import { demoPeople } from '../demo/people.js';
import { seedDemoData } from '../demo/seed.js';
import { openConfiguredDatabase } from '../runtime.js';
import { serve } from './serve.js';
import { adapterCommand, sandboxCommand } from './partner-commands.js';
import { verifyChainCommand } from './rapportage-commands.js';
import { printDevToken } from './token-command.js';
import { UsageError, type Command } from './command.js';

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, help: string) {
  try {
    const parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    if ((parsed.values as { help?: boolean }).help) {
      console.log(help);
      return undefined;
    }
    return parsed;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/**
 * Demo data and the development issuer are for trying Ketenpoort out: a production process never
 * loads made-up people, whatever else its settings say.
 */
function refuseInProduction(what: string) {
  if (process.env.NODE_ENV === 'production') throw new ConfigError('NODE_ENV', `${what} never runs when NODE_ENV=production`);
}

/** `--demo` means: the demo people can log in (development issuer) and demo data is loaded. */
function configFor(demo: boolean): Config {
  if (demo) refuseInProduction('--demo (demo data and the development issuer)');
  return loadConfig(demo && !process.env.DEV_ISSUER ? { ...process.env, DEV_ISSUER: 'on' } : process.env);
}

const serveHelp = `usage: ketenpoort serve [--demo]

Runs the gateway (and, unless their URLs are configured, the partner adapters and sandboxes) in
this process. Applies pending migrations first, under a lock, so instances can start together.

  --demo   load the demo data and switch on the development issuer (not in production)`;

const migrateHelp = `usage: ketenpoort migrate [--check]

Applies the committed migrations in prisma/migrations to the configured database.

  --check  do not apply; exit 1 when schema.prisma and the committed migrations disagree`;

const seedHelp = `usage: ketenpoort seed [--print]

Loads the demo data (organisations, trajectories, rapportage blocks) into the configured database.
Running it again changes nothing.

  --print  print the demo people and their identifiers as JSON instead (touches no database)`;

const tokenHelp = `usage: ketenpoort token <person-id>

Asks the running gateway's development issuer for an access token for a demo person and prints it.
The gateway is found at PUBLIC_URL, or else http://HOST:PORT: give the token command the same
PORT (HOST, PUBLIC_URL) the gateway runs with. Its development issuer is on with 'npm start'
('ketenpoort serve --demo') or DEV_ISSUER=on. Opens no database and writes no files.
'ketenpoort seed --print' lists the person ids.`;

export const commands: Record<string, Command> = {
  serve: {
    summary: 'run Ketenpoort (what npm start runs)',
    help: serveHelp,
    async run(args) {
      const parsed = parse(args, { demo: { type: 'boolean' } }, serveHelp);
      if (!parsed) return 0;
      const demo = Boolean(parsed.values.demo);
      await serve(configFor(demo), { demo });
    },
  },
  migrate: {
    summary: 'apply the database migrations',
    help: migrateHelp,
    async run(args) {
      const parsed = parse(args, { check: { type: 'boolean' } }, migrateHelp);
      if (!parsed) return 0;
      if (parsed.values.check) {
        const { diffSchemaAgainstMigrations } = await import('../db/migrations.js');
        const { changed, sql } = await diffSchemaAgainstMigrations();
        if (changed) {
          console.error('schema.prisma differs from prisma/migrations; the missing SQL is:\n' + sql);
          return 1;
        }
        console.log('schema.prisma and prisma/migrations agree');
        return 0;
      }
      const db = await openConfiguredDatabase(configFor(false));
      try {
        const applied = await applyMigrations(db);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      } finally {
        await db.close();
      }
    },
  },
  seed: {
    summary: 'load the demo data, or print the demo people (--print)',
    help: seedHelp,
    async run(args) {
      const parsed = parse(args, { print: { type: 'boolean' } }, seedHelp);
      if (!parsed) return 0;
      if (parsed.values.print) {
        console.log(JSON.stringify(demoPeople(), null, 2));
        return 0;
      }
      refuseInProduction('seed (demo data)');
      const db = await openConfiguredDatabase(configFor(false));
      try {
        await applyMigrations(db);
        const result = await seedDemoData(db.prisma);
        console.log(`demo data loaded: ${result.organisations} organisations, ${result.trajecten} new trajectories`);
      } finally {
        await db.close();
      }
    },
  },
  token: {
    summary: 'get a token for a demo person from the running gateway (development issuer)',
    help: tokenHelp,
    async run(args) {
      const parsed = parse(args, {}, tokenHelp);
      if (!parsed) return 0;
      const personId = parsed.positionals[0];
      if (!personId) throw new UsageError('name a demo person');
      refuseInProduction('token (the development issuer)');
      return printDevToken(loadConfig(), personId);
    },
  },
  'verify-chain': verifyChainCommand,
  adapter: adapterCommand,
  sandbox: sandboxCommand,
};
