// One role's part of the pages (client, klantmanager, rib, auditor): its own folder, its own
// encapsulated fastify plugin, its own paths. Every route registered inside an area gets, before
// its handler, the CSRF check (for anything but GET/HEAD) and the guard for the area's role, so a
// page cannot forget either; and a route outside the area's base path stops the start, so a role's
// folder cannot serve another role's URLs. A role's queries live in its own folder: another role's
// folder is never imported (tests/pages/layout.test.ts checks the imports).
import type { FastifyInstance, RouteOptions, preHandlerHookHandler } from 'fastify';
import type { Role } from '../../auth/caller.js';
import type { Pages } from './context.js';
import type { NavItem } from './layout.js';

export interface RoleArea {
  role: Role;
  /** Every path of the area starts here; the role's start page. */
  base: string;
  /** The section's name in the page header ("Mijn gegevens", "Klantmanager"). */
  section: string;
  nav: NavItem[];
  routes(app: FastifyInstance, pages: Pages): Promise<void>;
}

const SAFE = new Set(['GET', 'HEAD']);

function under(url: string, base: string): boolean {
  return url === base || url.startsWith(`${base}/`);
}

function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The encapsulated plugin that serves one role's area. */
export function roleAreaPlugin(area: RoleArea, pages: Pages) {
  return async function roleArea(app: FastifyInstance) {
    const guard = pages.requireRole(area.role) as preHandlerHookHandler;
    app.addHook('onRoute', (route: RouteOptions) => {
      if (!under(route.url, area.base)) throw new Error(`pages: ${route.url} is outside the ${area.role} area (${area.base})`);
      const methods = asList(route.method);
      // A page one may be sent back to after logging in (shared/safe-return.ts).
      if (methods.includes('GET')) pages.knownPages.add(route.url);
      const changes = methods.some((m) => !SAFE.has(m));
      // CSRF first: a forged POST is refused before the guard could keep its fields as a draft.
      const first: preHandlerHookHandler[] = changes ? [app.csrfProtection as preHandlerHookHandler, guard] : [guard];
      route.preHandler = [...first, ...asList(route.preHandler)];
    });
    await area.routes(app, pages);
  };
}
