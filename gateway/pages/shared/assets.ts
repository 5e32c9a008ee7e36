// The pages' styles: the NL Design System's Utrecht component library and design tokens, straight
// from their npm packages, and our own small additions; and the one script, live.js, which lets an
// open page update itself (live-stream.ts; the pages work without it). Served with a short cache
// and no other files: only the names listed here can be fetched.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

const FILES: Record<string, string> = {
  'utrecht/theme.css': join(packageDir('@utrecht/design-tokens'), 'dist', 'theme.css'),
  'utrecht/index.css': join(packageDir('@utrecht/component-library-css'), 'dist', 'index.css'),
  'ketenpoort.css': fileURLToPath(new URL('./assets/ketenpoort.css', import.meta.url)),
  'live.js': fileURLToPath(new URL('./assets/live.js', import.meta.url)),
};
const typeOf = (name: string) => (name.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8');

export async function assetRoutes(app: FastifyInstance) {
  // Read once at start: a missing package stops the start instead of breaking pages later.
  const contents = new Map(Object.entries(FILES).map(([name, file]) => [name, readFileSync(file)]));
  for (const [name, body] of contents) {
    // Static and cheap: a page view fetches three, which should not count against the person.
    app.get(`/assets/${name}`, { config: { rateLimit: false } }, async (_request, reply) =>
      reply.type(typeOf(name)).header('cache-control', 'public, max-age=3600').send(body),
    );
  }
}
