// What the Dockerfile promises, checked where no container engine runs: the runtime stage installs
// production dependencies only (`npm ci --omit=dev`) and runs the compiled dist/, so every package
// the compiled code imports must be a production dependency; it runs as a non-root user; every
// path it copies exists; compose.yaml's services all run that image.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EXTERNAL } from '../../scripts/bundle.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? jsFiles(path) : path.endsWith('.js') ? [path] : [];
  });
}

const packageOf = (specifier: string) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);

describe('the container image', () => {
  it('needs no dev dependency at run time: every package dist/ imports is a production dependency', () => {
    // global-setup built dist/ for this run.
    const files = ['gateway', 'lib', 'adapters', 'bundle'].flatMap((d) => jsFiles(join(root, 'dist', d)));
    expect(files.length).toBeGreaterThan(50);
    // The bundle (what bin/ketenpoort.js runs) holds the packages it inlined as text, their code
    // generators' `require("ajv/…")` strings too; what it loads from node_modules are its externals.
    const external = (spec: string) => EXTERNAL.some((e) => (e.endsWith('/*') ? spec.startsWith(e.slice(0, -1)) : spec === e || spec.startsWith(`${e}/`)));
    const builtins = new Set(builtinModules);
    const imported = new Map<string, string>();
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\(\s*)['"]([^'".][^'"]*)['"]/g)) {
        const spec = m[1]!;
        // Not a package name (a word after `from` in a comment, say): not an import.
        if (!/^(@[a-z0-9._~-]+\/)?[a-z0-9._~-]+(\/[\w./-]*)?$/.test(spec)) continue;
        if (spec.startsWith('node:') || builtins.has(spec)) continue;
        if (file.includes('/dist/bundle/') && !external(spec)) continue;
        imported.set(packageOf(spec), file.slice(root.length));
      }
    }
    expect(imported.size).toBeGreaterThan(10);
    const missing = [...imported].filter(([name]) => !pkg.dependencies[name]).map(([name, file]) => `${name} (${file})`);
    expect(missing).toEqual([]);
  });

  it('is built in stages and runs the compiled JavaScript as a non-root user, without dev dependencies', () => {
    const stages = [...dockerfile.matchAll(/^FROM \S+ AS (\w+)/gm)].map((m) => m[1]);
    expect(stages).toEqual(['build', 'runtime']);
    const runtime = dockerfile.split(/^FROM .* AS runtime$/m)[1]!;
    expect(runtime).toMatch(/^RUN npm ci --omit=dev /m);
    expect(runtime).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^ENTRYPOINT \["node", "bin\/ketenpoort\.js"\]$/m);
    expect(runtime).not.toMatch(/tsx/);
    expect(readFileSync(join(root, 'bin/ketenpoort.js'), 'utf8')).toContain('../dist/bundle/main.js');
  });

  it('applies our patches to the packages it bundles: patches/ is in the build stage before npm ci', () => {
    const build = dockerfile.split(/^FROM .* AS runtime$/m)[0]!;
    const copied = build.search(/^COPY patches \.\/patches$/m);
    expect(copied).toBeGreaterThan(0);
    expect(copied).toBeLessThan(build.search(/^RUN npm ci /m));
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.postinstall).toMatch(/^patch-package && /);
  });

  it('copies only paths that exist', () => {
    for (const m of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const path of m[1]!.split(/\s+/)) expect(existsSync(join(root, path)), path).toBe(true);
    }
  });

  it("compose.yaml's services run this image (PostgreSQL aside)", () => {
    const compose = parse(readFileSync(join(root, 'compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, { image?: string; build?: string }> };
    for (const [name, service] of Object.entries(compose.services)) {
      if (name === 'postgres') expect(service.image).toMatch(/^postgres:/);
      else expect(service.image, name).toBe('ketenpoort');
    }
    expect(Object.values(compose.services).some((s) => s.build === '.')).toBe(true);
  });
});
