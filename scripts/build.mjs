// `npm run build`: compiles the TypeScript that runs (tsconfig.build.json) to dist/, and copies
// beside it every file the code reads at run time relative to itself: the GraphQL schemas, the
// Prisma schema and migrations, the sandboxes' OpenAPI contracts, the pages' assets. Any file in
// those folders that is not TypeScript is copied, so a new asset needs no entry here.
// Then bundles the program bin/ketenpoort.js runs (scripts/bundle.mjs).
// Incremental: a build with nothing changed takes a few seconds.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from './bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const require = createRequire(import.meta.url);

let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  console.error('build: typescript is not installed (npm install without --omit=dev builds dist/)');
  process.exit(1);
}
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);

/** Copies every file below `dir` that tsc does not produce (not .ts), keeping the layout. */
function copyAssets(dir) {
  for (const name of readdirSync(dir)) {
    const from = join(dir, name);
    if (statSync(from).isDirectory()) {
      if (name !== 'node_modules' && name !== 'generated') copyAssets(from);
    } else if (!name.endsWith('.ts')) {
      cpSync(from, join(dist, relative(root, from)));
    }
  }
}
for (const dir of ['gateway', 'adapters', 'lib', 'schema', 'prisma']) {
  if (existsSync(join(root, dir))) copyAssets(join(root, dir));
}

rmSync(join(dist, 'bundle'), { recursive: true, force: true });
await bundle(dist);
