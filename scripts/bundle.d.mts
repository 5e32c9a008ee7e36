// Types for scripts/bundle.mjs, which tests import.
/** Packages the bundle leaves to node_modules (a trailing `/*` names a scope or a package's files). */
export const EXTERNAL: readonly string[];
export function bundle(dist: string): Promise<void>;
