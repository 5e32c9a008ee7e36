// The auditor's pages in words: roles, signal kinds, follow-up states and months as a Dutch reader
// writes them. The graph's machine values (buiten_caseload, in_onderzoek, 2026-12) stay in the
// forms' attributes and the export; a person reads these.
import { dayOf } from '../../audit/period.js';

const ROLES: Record<string, string> = {
  klantmanager: 'klantmanager',
  rib: 're-integratiebureau',
  auditor: 'privacyfunctionaris',
  client: 'cliënt',
  system: 'Ketenpoort zelf',
};
export const roleWords = (rol: string | null | undefined) => (rol ? (ROLES[rol] ?? 'andere rol') : '');

export const SIGNAL_TITLES: Record<string, string> = {
  volume: 'Veel meer cliënten dan gewoonlijk',
  buiten_caseload: 'Cliënten buiten de caseload geprobeerd',
  weigeringen: 'Veel weigeringen kort na elkaar',
  buiten_werktijd: 'Gegevens bekeken buiten werktijd',
  veel_medewerkers: 'Eén cliënt bekeken door veel medewerkers',
};
export const signalTitle = (soort: string) => SIGNAL_TITLES[soort] ?? 'Signaal';

export const FOLLOW_UP: Record<string, string> = {
  in_onderzoek: 'In onderzoek',
  geen_misbruik: 'Onderzocht: geen misbruik',
  maatregel_genomen: 'Onderzocht: maatregel genomen',
};
export const followUpWords = (status: string) => FOLLOW_UP[status] ?? 'Onbekende stand';

const MONTHS = ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'];

/** "december 2026" for 2026-12. */
export function monthWords(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return `${MONTHS[m! - 1] ?? ''} ${y}`;
}

/** Today as a Dutch calendar day (YYYY-MM-DD, Europe/Amsterdam). */
export const today = () => dayOf(new Date());

/** This month and the twelve before it, newest first, as YYYY-MM. */
export function recentMonths(count = 13): string[] {
  const [y, m] = today().split('-').map(Number);
  return Array.from({ length: count }, (_, i) => {
    const d = new Date(Date.UTC(y!, m! - 1 - i, 1));
    return d.toISOString().slice(0, 7);
  });
}
