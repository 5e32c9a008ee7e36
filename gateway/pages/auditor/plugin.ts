// The auditor's pages (/auditor): the gemeente's privacy or security officer, who sees log
// metadata of their own organisation, never case content or partner data. Everything comes from
// the graph's controle fields and the export route with the auditor's own token, so the scope
// (own organisation), the required reasons and the logging of each lookup are the API's, not the
// pages'. Only an auditor reaches them.
import type { RoleArea } from '../shared/role-area.js';
import { auditorExportRoutes } from './export.js';
import { auditorKlantRoutes } from './klant.js';
import { auditorMedewerkerRoutes } from './medewerker.js';
import { auditorOverzichtRoutes } from './overzicht.js';
import { auditorRapportRoutes } from './rapport.js';
import { auditorSignaalRoutes } from './signalen.js';
import { auditorWeigeringRoutes } from './weigeringen.js';

export const auditorArea: RoleArea = {
  role: 'auditor',
  base: '/auditor',
  section: 'Controle',
  nav: [
    { href: '/auditor', label: 'Overzicht' },
    { href: '/auditor/klant', label: 'Cliënt' },
    { href: '/auditor/medewerker', label: 'Medewerker' },
    { href: '/auditor/weigeringen', label: 'Weigeringen' },
    { href: '/auditor/signalen', label: 'Signalen' },
    { href: '/auditor/rapport', label: 'Maandrapport' },
    { href: '/auditor/export', label: 'Exporteren' },
  ],
  async routes(app, pages) {
    await auditorOverzichtRoutes(app, pages);
    await auditorKlantRoutes(app, pages);
    await auditorMedewerkerRoutes(app, pages);
    await auditorWeigeringRoutes(app, pages);
    await auditorSignaalRoutes(app, pages);
    await auditorRapportRoutes(app, pages);
    await auditorExportRoutes(app, pages);
  },
};
