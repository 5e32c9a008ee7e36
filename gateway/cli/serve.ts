// `ketenpoort serve`: start, then shut down gracefully on SIGTERM or SIGINT: stop accepting,
// let requests in flight finish, close the database, exit 0. A second signal, or a shutdown that
// takes longer than SHUTDOWN_GRACE_MS, exits at once with 1.
import type { Config } from '../config.js';
import { startRuntime } from '../runtime.js';
import { applyV8Settings, maxSemiSpaceMb } from './v8-settings.js';
import { shutdownTracing, tracingOn } from '../../lib/tracing.js';

export async function serve(config: Config, options: { demo: boolean }): Promise<void> {
  applyV8Settings(config);
  const runtime = await startRuntime(config, { demo: options.demo });
  const log = runtime.app.log;
  log.info({ url: runtime.url, database: runtime.db.kind, demo: options.demo, traces: tracingOn(), heapGrowingPercent: config.HEAP_GROWING_PERCENT, wasmTierUp: config.WASM_TIER_UP, maxSemiSpaceMb: maxSemiSpaceMb() ?? 'node default' }, 'Ketenpoort is listening');

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down: finishing requests in flight');
    const timer = setTimeout(() => {
      log.error('shutdown took longer than SHUTDOWN_GRACE_MS: exiting');
      process.exit(1);
    }, config.SHUTDOWN_GRACE_MS);
    timer.unref();
    // The last spans are exported after the last request (nothing to do with tracing off).
    runtime.close().then(shutdownTracing).then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err) => {
        log.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
