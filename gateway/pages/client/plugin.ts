// The client's pages ("Mijn gegevens", /mijn): their own werk/inkomen overview, who may act for
// them (consent), the reports about them and who saw their data. Only a client reaches them.
import type { RoleArea } from '../shared/role-area.js';
import { clientOverviewRoutes } from './overzicht.js';
import { clientRapportageRoutes } from './rapportages.js';
import { clientToestemmingRoutes } from './toestemmingen.js';
import { clientVerwerkingRoutes } from './verwerkingen.js';

export const clientArea: RoleArea = {
  role: 'client',
  base: '/mijn',
  section: 'Mijn gegevens',
  nav: [
    { href: '/mijn', label: 'Overzicht' },
    { href: '/mijn/toestemmingen', label: 'Wie mag meekijken' },
    { href: '/mijn/rapportages', label: 'Rapportages' },
    { href: '/mijn/verwerkingen', label: 'Wie zag mijn gegevens' },
  ],
  async routes(app, pages) {
    await clientOverviewRoutes(app, pages);
    await clientToestemmingRoutes(app, pages);
    await clientRapportageRoutes(app, pages);
    await clientVerwerkingRoutes(app, pages);
  },
};
