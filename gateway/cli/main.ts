// `ketenpoort <command>`: serve, migrate, seed, token. Each command has --help.
import { ConfigError } from '../config.js';
import { UsageError } from './command.js';
import { commands } from './commands.js';

const USAGE = `usage: ketenpoort <command> [options]

commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(14)}${c.summary}`)
  .join('\n')}

ketenpoort <command> --help shows a command's options.
Settings come from environment variables; see README.md, "Configuration".`;

const [name, ...args] = process.argv.slice(2);
if (!name || name === '--help' || name === '-h' || name === 'help') {
  console.log(USAGE);
  process.exit(name ? 0 : 2);
}
const command = commands[name];
if (!command) {
  console.error(`ketenpoort: unknown command "${name}"\n\n${USAGE}`);
  process.exit(2);
}
try {
  const code = await command.run(args);
  if (typeof code === 'number') process.exitCode = code;
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`ketenpoort: configuration error: ${err.message}`);
    process.exit(78);
  }
  if (err instanceof UsageError) {
    console.error(`ketenpoort ${name}: ${err.message}\n\n${command.help}`);
    process.exit(2);
  }
  console.error(`ketenpoort ${name}: ${(err as Error).message}`);
  process.exit(1);
}
