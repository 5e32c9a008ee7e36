#!/usr/bin/env node
// Runs the compiled, bundled JavaScript in dist/bundle/ (made by `npm run build`, which
// `npm install` runs; scripts/bundle.mjs says why a bundle). Compiling once instead of at every
// start (tsx) halves the start time and saves ~35 MB per process.
import { existsSync } from 'node:fs';

const main = new URL('../dist/bundle/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('ketenpoort: dist/ is missing; run `npm run build` (npm install does it) first');
  process.exit(1);
}
// Traces (OpenTelemetry) start before the program is loaded, for the commands that serve, and
// only when OTEL_EXPORTER_OTLP_ENDPOINT is set: otherwise no SDK, exporter or instrumentation is
// loaded (only the small @opentelemetry/api, which prom-client asks for).
const command = process.argv[2];
if (command === 'serve' || command === 'adapter' || command === 'sandbox') {
  const { startTelemetry } = await import(new URL('../dist/bundle/telemetry.js', import.meta.url).href);
  try {
    await startTelemetry(process.env, command === 'serve' ? 'ketenpoort' : `ketenpoort-${command}`);
  } catch (err) {
    console.error(`ketenpoort: configuration error: ${err.message}`);
    process.exit(78);
  }
}
await import(main.href);
