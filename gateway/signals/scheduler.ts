// Runs the benefit-change scan every SIGNAL_SCAN_INTERVAL_MS on each instance. Running on several
// instances at once is harmless (signals are deduplicated in the database); a failed scan is
// logged and tried again at the next tick, with the same look-back, so nothing is skipped.
import type { FastifyBaseLogger } from 'fastify';
import type { ChainServices } from '../services.js';
import { scanBenefitChanges } from './benefit-changes.js';

/** How far back each scan looks: a change is signalled even after a long outage of the scan. */
export const LOOKBACK_DAYS = 90;
const FIRST_SCAN_AFTER_MS = 5_000;

export function startSignalScan(
  services: ChainServices,
  urls: { uwv: string; gemeente: string },
  log: FastifyBaseLogger,
): () => void {
  const interval = services.config.SIGNAL_SCAN_INTERVAL_MS;
  if (interval === 0) return () => {};
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const since = new Date(Date.now() - LOOKBACK_DAYS * 24 * 3600 * 1000);
      const result = await scanBenefitChanges(services, urls, since);
      if (result.signals > 0) log.info(result, 'benefit changes signalled');
    } catch (err) {
      log.warn({ reason: (err as Error).message }, 'benefit change scan failed; retrying at the next interval');
    } finally {
      running = false;
    }
  };
  const first = setTimeout(tick, Math.min(FIRST_SCAN_AFTER_MS, interval));
  const timer = setInterval(tick, interval);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
