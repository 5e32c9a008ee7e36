// How far V8 lets the old generation grow past the live set before its next full collection.
// V8 picks the factor itself (1.1× to 4×) from how fast it collects against how fast the program
// allocates. A gateway's requests keep their objects alive across several young-generation
// collections (a 300-client caseload page takes ~0.7 s), so most of them are promoted and die in
// the old generation, and with a factor near 4 the process carried ~200 MB of that garbage over a
// ~70 MB live set: 452 MB peak under the caseload-300 load against 246 MB with a fixed 1.5×, at
// the same rate (bench/compare.ts, README "Memory").
//
// A command-line flag would only hold where the process is started with it (not `npm start`, not
// `npx ketenpoort`, not a service manager's plain `node`); V8 reads this one afresh whenever it
// sets a new limit, so setting it from within takes effect at the next full collection.
import { setFlagsFromString } from 'node:v8';

/** The V8 flag for HEAP_GROWING_PERCENT; none for 0 (V8's own factor). */
export function heapGrowingFlag(percent: number): string | undefined {
  return percent > 0 ? `--heap-growing-percent=${percent}` : undefined;
}

/** Sets the factor, unless node was started with the flag itself: an operator's explicit flag wins. */
export function applyHeapGrowing(percent: number, execArgv: readonly string[] = process.execArgv): void {
  const flag = heapGrowingFlag(percent);
  if (flag && !execArgv.some((a) => /^--heap[-_]growing[-_]percent\b/.test(a))) setFlagsFromString(flag);
}
