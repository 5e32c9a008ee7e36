// The Node version we promise (package.json `engines`, the README, CI) is one every locked package
// accepts: a dependency that needs a newer Node fails here instead of as an EBADENGINE warning
// nobody reads. The one known exception is listed with its reason and must stay out of what runs.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: Record<string, string> | string[]; dev?: boolean; devOptional?: boolean }>;
};

/**
 * Packages allowed to declare a newer Node, and why. Each must be a development-only package (the
 * lockfile marks it dev or devOptional) that nothing under dist/ imports.
 */
const TOLERATED: Record<string, string> = {
  '@prisma/streams-local':
    'prisma 7.10 (the CLI, used only for `prisma generate` on install) pins @prisma/dev 0.24.17, which pins it; every release asks Node 22; only `prisma dev` imports it',
};
/** What would load it: the Prisma CLI and its local-development server. */
const TOLERATED_VIA = ['prisma', '@prisma/dev', ...Object.keys(TOLERATED)];

const lowest = semver.minVersion(pkg.engines.node)!;
const nameOf = (path: string) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? jsFiles(p) : p.endsWith('.js') ? [p] : [];
  });
}

describe('Node versions', () => {
  it('package.json promises a Node version as a plain lower bound', () => {
    expect(pkg.engines.node).toMatch(/^>=\d+\.\d+(\.\d+)?$/);
    expect(lowest.major).toBe(20);
  });

  it(`every locked package accepts the lowest promised Node (${pkg.engines.node})`, () => {
    const refusing = Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && p.engines && !Array.isArray(p.engines) && typeof p.engines.node === 'string')
      .filter(([, p]) => !semver.satisfies(lowest, (p.engines as Record<string, string>).node!, { includePrerelease: true }))
      .map(([path, p]) => `${nameOf(path)}@${p.version} needs node ${(p.engines as Record<string, string>).node}`);
    const unexpected = refusing.filter((r) => !Object.keys(TOLERATED).some((name) => r.startsWith(`${name}@`)));
    expect(unexpected).toEqual([]);
  });

  it('a tolerated exception is a development-only package that the compiled code never imports', () => {
    for (const name of TOLERATED_VIA) {
      const entry = lock.packages[`node_modules/${name}`];
      if (!entry) continue; // gone from the tree: nothing to tolerate
      expect(entry.dev === true || entry.devOptional === true, `${name} is a production dependency`).toBe(true);
    }
    const importing = jsFiles(join(root, 'dist')).filter((file) => {
      const text = readFileSync(file, 'utf8');
      return TOLERATED_VIA.some((name) => text.includes(`from '${name}`) || text.includes(`from "${name}`) || text.includes(`import('${name}`) || text.includes(`import("${name}`));
    });
    expect(importing).toEqual([]);
  });
});
