// Runs `prisma generate` without Prisma's native engine download (unreachable on locked-down
// networks): generation runs in WASM and never starts the schema-engine binary, it only needs
// PRISMA_SCHEMA_ENGINE_BINARY to name an existing file. Runs on `npm install` (postinstall).
//
// Then one change to what it wrote: the client loads its query compiler (WebAssembly) from a module
// holding it as a 2.2 MB base64 string. Imported as an ES module, that module can never be
// unloaded, so its source and the string (4.4 MB) stayed in every process's heap for good, after
// their one use. Loaded as the package's CommonJS variant of the same file and dropped from
// require's cache once decoded, both are garbage (docs/performance.md, "Memory: Prisma's query
// compiler"). Generation fails loudly if Prisma writes that line differently, rather than leaving
// the client half-changed.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? fileURLToPath(import.meta.url), PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
const result = spawnSync('npx', ['--no-install', 'prisma', 'generate'], { stdio: 'inherit', env });
if (result.status !== 0) process.exit(result.status ?? 1);

const classFile = fileURLToPath(new URL('../gateway/db/generated/internal/class.ts', import.meta.url));
const esmImport = /const \{ wasm \} = await import\("(@prisma\/client\/runtime\/query_compiler_\w+_bg\.postgresql\.wasm-base64)\.mjs"\)/;
const text = readFileSync(classFile, 'utf8');
const found = text.match(esmImport);
if (!found) {
  console.error(`generate-prisma: ${classFile} no longer imports its query compiler as expected (${esmImport}); see scripts/generate-prisma.mjs`);
  process.exit(1);
}
const unretained = [
  `const { createRequire } = await import('node:module')`,
  `    const require = createRequire(import.meta.url)`,
  `    const path = require.resolve(${JSON.stringify(`${found[1]}.js`)})`,
  `    const { wasm } = require(path)`,
  `    delete require.cache[path]`,
].join('\n');
writeFileSync(classFile, text.replace(esmImport, unretained));
