// The klantmanager's pages (/klantmanager): the caseload with its signals, the search, one
// client's whole view, and the trajectory work on it (register, assign, another bureau, end). Only a klantmanager reaches them; the graph decides which clients.
import type { RoleArea } from '../shared/role-area.js';
import { klantmanagerCaseloadRoutes } from './caseload.js';
import { klantmanagerKlantRoutes } from './klant.js';
import { klantmanagerTrajectRoutes } from './traject-acties.js';
import { klantmanagerZoekRoutes } from './zoeken.js';

export const klantmanagerArea: RoleArea = {
  role: 'klantmanager',
  base: '/klantmanager',
  section: 'Klantmanager',
  nav: [
    { href: '/klantmanager', label: 'Caseload' },
    { href: '/klantmanager/zoeken', label: 'Klant zoeken' },
  ],
  async routes(app, pages) {
    await klantmanagerCaseloadRoutes(app, pages);
    await klantmanagerZoekRoutes(app, pages);
    await klantmanagerKlantRoutes(app, pages);
    await klantmanagerTrajectRoutes(app, pages);
  },
};
