// V8 settings `ketenpoort serve` sets on its own process. Node's command-line flags would only
// hold where the process is started with them (not `npm start`, not `npx ketenpoort`, not a
// service manager's plain `node`, and NODE_OPTIONS refuses these two), so serve sets them from
// within, before the runtime starts. A flag given on node's own command line wins.
//
// HEAP_GROWING_PERCENT: how far the old generation may grow past the live set before the next full
// collection. V8 picks the factor itself (1.1× to 4×) from how fast it collects against how fast
// the program allocates. A gateway's requests keep their objects alive across several
// young-generation collections (a 300-client caseload page takes ~0.7 s), so most of them are
// promoted and die in the old generation, and with a factor near 4 the process carried ~200 MB of
// that garbage over a ~70 MB live set: 452 MB peak under the caseload-300 load against 278 MB with
// a fixed 1.5×, at the same rate (bench/compare.ts, docs/performance.md, "Memory"). V8 reads the
// flag afresh whenever it sets a new limit.
//
// WASM_TIER_UP: V8 compiles WebAssembly twice, first quickly (Liftoff), then the hot functions
// again with its optimizing compiler, keeping both. PGlite is PostgreSQL compiled to WebAssembly
// (and Prisma's query compiler is WebAssembly too), so the second compilation cost ~50 MB of
// resident code on PGlite (idle 290 → 229 MB) and ~15 MB on a PostgreSQL server, for no rate this
// host could tell apart (docs/performance.md, "Memory"). Read when a module is compiled, so it is
// set before the database opens.
//
// The young generation is the one setting V8 fixes when the process starts: its size comes from
// node's command line or NODE_OPTIONS only, and setFlagsFromString afterwards changes nothing. By
// default it grows to 2 × 16 MB during start-up and stays there; at 2 × 8 MB the idle gateway held
// ~15 MB less (161 → 147 MB on PostgreSQL) and less under load (view peak ~192 → ~170 MB,
// caseload-300 peak ~239 → ~221 MB), at a rate the bench could not tell apart (docs/performance.md,
// "Memory"). So the start commands the project ships pass NODE_START_FLAGS: `npm start` on node's
// command line, the container image in NODE_OPTIONS (an operator's own NODE_OPTIONS replaces it),
// and the benchmarks, which start the gateway as shipped. tests/foundation/v8-settings.test.ts
// holds them to this list.
import { setFlagsFromString } from 'node:v8';

/** A flag's name as V8 reads it: `_` and `-` alike, a leading `no-` dropped. */
const nameOf = (flag: string) => flag.replace(/^--(no-)?/, '').split('=')[0]!.replaceAll('_', '-');

/** Node flags that only hold when given at start; see above. */
export const NODE_START_FLAGS = ['--max-semi-space-size=8'] as const;

/**
 * The semi-space size (MB) this process was started with, from NODE_OPTIONS and then node's own
 * command line (which wins, as in node); undefined where V8 chose it. For the listening log line.
 */
export function maxSemiSpaceMb(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): number | undefined {
  let mb: number | undefined;
  for (const arg of [...nodeOptions.split(/\s+/), ...execArgv]) {
    if (arg.startsWith('--') && nameOf(arg) === 'max-semi-space-size') mb = Number(arg.split('=')[1]);
  }
  return mb;
}

export interface V8Settings {
  HEAP_GROWING_PERCENT: number;
  WASM_TIER_UP: boolean;
}

/** The V8 flags for these settings; none where V8's own behaviour is asked for. */
export function v8Flags(settings: V8Settings): string[] {
  const flags: string[] = [];
  if (settings.HEAP_GROWING_PERCENT > 0) flags.push(`--heap-growing-percent=${settings.HEAP_GROWING_PERCENT}`);
  if (!settings.WASM_TIER_UP) flags.push('--liftoff-only');
  return flags;
}

/** Sets each flag, unless node was started with that flag (or its negation) itself. */
export function applyV8Settings(settings: V8Settings, execArgv: readonly string[] = process.execArgv): void {
  const given = new Set(execArgv.filter((a) => a.startsWith('--')).map(nameOf));
  for (const flag of v8Flags(settings)) if (!given.has(nameOf(flag))) setFlagsFromString(flag);
}
