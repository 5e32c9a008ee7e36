// The re-integratiebureau's pages (/rib, "Ons blok"): the bureau's own trajectories, consent
// requests and the rapportage block it writes. Only a RIB's coach reaches them.
import type { RoleArea } from '../shared/role-area.js';

export const ribArea: RoleArea = {
  role: 'rib',
  base: '/rib',
  section: 'Re-integratiebureau',
  nav: [],
  async routes() {
    // The pages follow (issue 12); until then a RIB's coach lands on /geen-toegang (shared/login.ts).
  },
};
