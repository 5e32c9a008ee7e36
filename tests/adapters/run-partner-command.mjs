// Runs `ketenpoort sandbox|adapter <partner>` without going through gateway/cli/main.ts, for as
// long as the two commands are not listed there; the same Command objects, the same process setup.
import { register } from 'tsx/esm/api';

register();
const { ConfigError } = await import('../../gateway/config.ts');
const { sandboxCommand, adapterCommand } = await import('../../gateway/cli/partner-commands.ts');
const [which, ...args] = process.argv.slice(2);
try {
  const code = await (which === 'sandbox' ? sandboxCommand : adapterCommand).run(args);
  if (typeof code === 'number') process.exitCode = code;
} catch (err) {
  console.error(`ketenpoort ${which}: ${err.message}`);
  process.exit(err instanceof ConfigError ? 78 : 2);
}
