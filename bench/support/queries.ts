// The three workloads of the comparison run, written once so every target answers exactly the
// same fields: the combined werk/inkomen view of one client, and caseload pages of 50 and 300.
// Only partner fields: the ceiling and the bare gateway have no chain data of their own.
export const GEMEENTE_VIEW = 'bsn naam { volledigeNaam } adres { postcode woonplaats } telefoon klantmanager bijstand { status bedragPerMaand }';
export const UWV_VIEW = 'uitkeringen { soort status ingangsdatum einddatum bedragPerMaand }';
export const CWI_VIEW = 'inschrijving { status inschrijfdatum } werkprofiel { beroepen { naam } opleidingen { naam } rijbewijzen eigenVervoer } sollicitaties { functie resultaat }';

export const GEMEENTE_CASELOAD = 'bsn naam { volledigeNaam } telefoon bijstand { status }';
export const UWV_CASELOAD = 'uitkeringen { soort status einddatum }';
export const CWI_CASELOAD = 'inschrijving { status }';

export const VIEW_QUERY = `query Klantbeeld($bsn: ID!) { klant(bsn: $bsn) { ${GEMEENTE_VIEW} ${UWV_VIEW} ${CWI_VIEW} } }`;
export const CASELOAD_QUERY = `query Caseload($eerste: Int!, $na: String) { caseload(eerste: $eerste, na: $na) { totaal volgende klanten { ${GEMEENTE_CASELOAD} ${UWV_CASELOAD} ${CWI_CASELOAD} } } }`;

export type QueryName = 'view' | 'caseload50' | 'caseload300';
export const PAGE_SIZE: Record<Exclude<QueryName, 'view'>, number> = { caseload50: 50, caseload300: 300 };

/** The entity query a gateway sends a partner for fields on Klant. */
export const entitiesQuery = (fields: string) =>
  `query($r: [_Any!]!) { _entities(representations: $r) { ... on Klant { ${fields} } } }`;
