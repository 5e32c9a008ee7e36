// The gateway's program as one bundle (dist/bundle/), made by `npm run build` after tsc: what
// bin/ketenpoort.js runs. Loading ~870 separate modules cost ~1 s of every start (resolving,
// reading and compiling each file); as a handful of files the same code reaches /ready ~0.3 s
// sooner on PostgreSQL (docs/performance.md, "Start, bundled"). The files tsc wrote stay beside
// it: the bundle is made from them, and the benchmarks' own targets run them.
//
// Left out of the bundle, loaded from node_modules as before:
// - @prisma/*, @electric-sql/pglite: they load their WebAssembly and generated files relative to
//   their own module;
// - pg: Prisma's adapter takes our pg pool, and two copies of pg do not work together;
// - graphql: lib/graphql.ts loads it with node's require (see there why), so the bundle's copy
//   would be a second one, and graphql refuses another copy's objects;
// - pino: it starts its transports' workers from files of its own;
// - @fastify/swagger-ui: it serves its assets from its own folder;
// - @opentelemetry/*, @fastify/otel: loaded only when traces are on (gateway/telemetry/start.ts).
//
// Our own modules find their files (GraphQL schemas, migrations, pages' assets) relative to
// `import.meta.url`. In a bundle that would be the bundle's URL, so each of our modules gets its
// own URL back: the place tsc wrote it, where build.mjs copied its files beside it.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

export const EXTERNAL = ['@prisma/*', '@electric-sql/pglite', '@electric-sql/pglite/*', 'pg', 'graphql', 'graphql/*', 'pino', '@fastify/swagger-ui', '@opentelemetry/*', '@fastify/otel'];

/** Bundles dist/gateway/cli/main.js and dist/gateway/telemetry/start.js into dist/bundle/. */
export async function bundle(dist) {
  const outdir = join(dist, 'bundle');
  const ownFiles = new RegExp(`^${dist.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(gateway|adapters|lib|schema|prisma)/.*\\.js$`);
  const ownImportMetaUrl = {
    name: 'own-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, async (args) => {
        if (!ownFiles.test(args.path)) return undefined;
        let text = await readFile(args.path, 'utf8');
        if (text.includes('import.meta.url')) {
          const own = relative(outdir, args.path).split('\\').join('/');
          text = text.replaceAll('import.meta.url', `new URL(${JSON.stringify(own)}, import.meta.url).href`);
        }
        return { contents: text, loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
  await build({
    // Two entries, one shared set of chunks: the tracing state telemetry/start.js sets is the one
    // the program reads.
    entryPoints: { main: join(dist, 'gateway/cli/main.js'), telemetry: join(dist, 'gateway/telemetry/start.js') },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    // The CommonJS packages inside call require() for node's own modules.
    banner: { js: "import { createRequire as __ketenpoortRequire } from 'node:module'; const require = __ketenpoortRequire(import.meta.url);" },
    plugins: [ownImportMetaUrl],
    // Less to read and compile at start. The source maps lead back to the files tsc wrote (node
    // --enable-source-maps). Names are not pinned (keepNames): where two modules' functions share a
    // name, one is renamed (parse2), and that is all; pinning every function's name cost ~5 MB of
    // the idle process (151–155 MB against 144–150 MB unbundled, 146–151 MB without it). Our
    // plugins name themselves (fastify-plugin's `name`), and no code of ours reads a function's name.
    sourcemap: 'linked',
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
}
