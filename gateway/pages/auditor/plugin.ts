// The auditor's pages (/auditor): the gemeente's privacy or security officer, who sees log
// metadata, never case content. Only an auditor reaches them.
import type { RoleArea } from '../shared/role-area.js';

export const auditorArea: RoleArea = {
  role: 'auditor',
  base: '/auditor',
  section: 'Controle',
  nav: [],
  async routes() {
    // The pages follow (issue 12, point 2); until then an auditor lands on /geen-toegang (shared/login.ts).
  },
};
