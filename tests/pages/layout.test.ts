// One folder per role: a role's pages cannot reach another role's queries or URLs by accident.
// The imports are checked file by file; the area plugin refuses a route outside its base path and
// puts its role guard (and the CSRF check on changes) in front of every route it serves.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { Pages } from '../../gateway/pages/shared/context.js';
import { roleAreaPlugin, type RoleArea } from '../../gateway/pages/shared/role-area.js';
import { createKnownPages } from '../../gateway/pages/shared/safe-return.js';

const PAGES = resolve('gateway/pages');
const ROLES = ['client', 'klantmanager', 'rib', 'auditor'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The folder under gateway/pages/ a file belongs to ('' for pages/plugin.ts itself). */
function folderOf(file: string): string {
  const rel = relative(PAGES, file);
  return rel.includes(sep) ? rel.split(sep)[0]! : '';
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.[^']+)'/g)].map((m) => resolve(dirname(file), m[1]!));
}

describe('the pages folder', () => {
  it('has a folder per role and a shared part, and nothing else beside the plugin', () => {
    const entries = readdirSync(PAGES).sort();
    expect(entries).toEqual(['auditor', 'client', 'klantmanager', 'plugin.ts', 'rib', 'shared']);
  });

  it('lets no role folder import another role folder, and the shared part none at all', () => {
    const crossings: string[] = [];
    for (const file of files(PAGES)) {
      const own = folderOf(file);
      if (own === '') continue; // pages/plugin.ts registers every area
      for (const target of importsOf(file)) {
        if (!target.startsWith(PAGES + sep)) continue;
        const other = folderOf(target);
        if (ROLES.includes(other) && other !== own) crossings.push(`${relative(PAGES, file)} → ${relative(PAGES, target)}`);
      }
    }
    expect(crossings).toEqual([]);
  });
});

describe('a role area', () => {
  const fakePages = (seen: string[], knownPages = createKnownPages()) =>
    ({
      requireRole: (role: string) => async () => {
        seen.push(`guard:${role}`);
      },
      knownPages,
    }) as unknown as Pages;

  async function appWith(area: RoleArea, seen: string[], knownPages = createKnownPages()) {
    const app = Fastify();
    app.decorate('csrfProtection', (_req: unknown, _reply: unknown, done: () => void) => {
      seen.push('csrf');
      done();
    });
    await app.register(roleAreaPlugin(area, fakePages(seen, knownPages)));
    return app;
  }

  it('refuses to start with a route outside its base path', async () => {
    const area: RoleArea = {
      role: 'rib',
      base: '/rib',
      section: 'x',
      nav: [],
      async routes(app) {
        app.get('/mijn/iets', async () => 'no');
      },
    };
    await expect(appWith(area, [])).rejects.toThrow(/outside the rib area/);
  });

  it('puts the CSRF check and then the role guard before every change, the guard before every read', async () => {
    const seen: string[] = [];
    const area: RoleArea = {
      role: 'rib',
      base: '/rib',
      section: 'x',
      nav: [],
      async routes(app) {
        app.get('/rib', async () => 'read');
        app.post('/rib/iets', async () => 'write');
      },
    };
    const app = await appWith(area, seen);
    await app.inject({ method: 'GET', url: '/rib' });
    expect(seen).toEqual(['guard:rib']);
    seen.length = 0;
    await app.inject({ method: 'POST', url: '/rib/iets' });
    expect(seen).toEqual(['csrf', 'guard:rib']);
    await app.close();
  });

  it('names its GET routes, and only those, as pages a login may return to', async () => {
    const known = createKnownPages();
    const area: RoleArea = {
      role: 'rib',
      base: '/rib',
      section: 'x',
      nav: [],
      async routes(app) {
        app.get('/rib/trajecten/:id', async () => 'read');
        app.post('/rib/iets', async () => 'write');
      },
    };
    const app = await appWith(area, [], known);
    await app.ready();
    expect(known.has('/rib/trajecten/abc')).toBe(true);
    expect(known.has('/rib/iets')).toBe(false);
    expect(known.has('/rib')).toBe(false);
    await app.close();
  });
});
