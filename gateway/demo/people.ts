// The demo people the development issuer can sign tokens for. Clients are drawn from the synthetic
// population so their partner data exists in the sandboxes.
import { ORG } from '../../adapters/population/organisations.js';
import { fullName, population } from '../../adapters/population/population.js';
import type { Role } from '../auth/caller.js';

export interface DemoPerson {
  id: string;
  role: Role;
  name: string;
  description: string;
  bsn?: string;
  oin?: string;
  organisation?: string;
}

function client(id: string, index: number, description: string): DemoPerson {
  const c = population()[index]!;
  return { id, role: 'client', name: fullName(c), bsn: c.bsn, description };
}

export function demoPeople(): DemoPerson[] {
  return [
    client('client-fatima', 0, 'Cliënt in Amsterdam met een traject bij Werkfit'),
    client('client-dewi', 1, 'Cliënt in Amsterdam met bijstand'),
    client('client-aandeslag', 3, 'Cliënt in Amsterdam met een traject bij Aan de Slag'),
    { id: 'km-jan', role: 'klantmanager', name: 'Jan Kok', oin: ORG.amsterdam.oin, organisation: ORG.amsterdam.name, description: 'Klantmanager bij de gemeente Amsterdam' },
    { id: 'km-sanne', role: 'klantmanager', name: 'Sanne Verhoeven', oin: ORG.leiden.oin, organisation: ORG.leiden.name, description: 'Klantmanager bij de gemeente Leiden' },
    { id: 'rib-werkfit', role: 'rib', name: 'Rik Hendriks', oin: ORG.werkfit.oin, organisation: ORG.werkfit.name, description: 'Jobcoach bij re-integratiebureau Werkfit' },
    { id: 'rib-aandeslag', role: 'rib', name: 'Mila Groen', oin: ORG.aandeslag.oin, organisation: ORG.aandeslag.name, description: 'Jobcoach bij re-integratiebureau Aan de Slag' },
    { id: 'auditor-amsterdam', role: 'auditor', name: 'Ellen Prins', oin: ORG.amsterdam.oin, organisation: ORG.amsterdam.name, description: 'Privacyfunctionaris bij de gemeente Amsterdam' },
    { id: 'auditor-leiden', role: 'auditor', name: 'Bram de Wit', oin: ORG.leiden.oin, organisation: ORG.leiden.name, description: 'Privacyfunctionaris bij de gemeente Leiden' },
  ];
}

export function findDemoPerson(id: string): DemoPerson | undefined {
  return demoPeople().find((p) => p.id === id);
}
