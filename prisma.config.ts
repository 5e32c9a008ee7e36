// Used by the Prisma CLI for `prisma generate` only. Migrations are produced and applied by
// gateway/db/migrate.ts through Prisma's WASM schema engine (see README, "Migrations").
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
