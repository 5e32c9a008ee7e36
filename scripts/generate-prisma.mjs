// Runs `prisma generate` without Prisma's native engine download (unreachable on locked-down
// networks): generation runs in WASM and never starts the schema-engine binary, it only needs
// PRISMA_SCHEMA_ENGINE_BINARY to name an existing file. Runs on `npm install` (postinstall).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? fileURLToPath(import.meta.url), PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
const result = spawnSync('npx', ['--no-install', 'prisma', 'generate'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
