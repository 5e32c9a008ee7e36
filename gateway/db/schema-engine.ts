// Prisma's schema engine compiled to WASM, so migrations are produced and applied without the
// native binary Prisma's CLI would download (unreachable on locked-down networks, and here).
// The package's own ESM entry imports a .wasm module, which Node 20 refuses; we instantiate it.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import * as bg from '@prisma/schema-engine-wasm/schema_engine_bg';

type Engine = Awaited<ReturnType<typeof bg.SchemaEngine.new>>;

let ready: Promise<void> | undefined;

function loadWasm(): Promise<void> {
  ready ??= (async () => {
    const require = createRequire(import.meta.url);
    const bgPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const wasmPath = join(dirname(bgPath), 'schema_engine_bg.wasm');
    const bytes = await readFile(wasmPath);
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': bg as never });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
  })();
  return ready;
}

/**
 * Both driver adapters run migration scripts badly: @prisma/adapter-pg 7.10 splits a script on every
 * `;` (so a plpgsql function body breaks), and pglite-prisma-adapter 0.7 does not await `exec`
 * (so a failing migration is reported as applied). We run each script whole and await it:
 * pg's simple-query protocol and PGlite's `exec` both take many statements at once.
 */
function runScriptsWhole(factory: SqlMigrationAwareDriverAdapterFactory): SqlMigrationAwareDriverAdapterFactory {
  type Raw = { client: { exec?: (s: string) => Promise<unknown>; query: (s: string) => Promise<unknown> } };
  const patch = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    const { client } = adapter as unknown as Raw;
    const onError = (adapter as unknown as { onError(e: unknown): never }).onError.bind(adapter);
    adapter.executeScript = async (script: string) => {
      try {
        await (client.exec ? client.exec(script) : client.query(script));
      } catch (err) {
        onError(err);
      }
    };
    return adapter;
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => patch(await factory.connect()),
    connectToShadowDb: async () => patch(await factory.connectToShadowDb()),
  };
}

export async function openSchemaEngine(
  schemaPath: string,
  adapter: SqlMigrationAwareDriverAdapterFactory,
  onLog: (message: string) => void = () => {},
): Promise<Engine> {
  await loadWasm();
  const schema = await readFile(schemaPath, 'utf8');
  return bg.SchemaEngine.new(
    { datamodels: [[schemaPath, schema]] },
    (line: string) => onLog(line),
    bindMigrationAwareSqlAdapterFactory(runScriptsWhole(adapter)),
  );
}

export type { Engine as SchemaEngine };
export type { MigrationList } from '@prisma/schema-engine-wasm/schema_engine_bg';
