// The auditor's words: purposes (processing activities) and refusal reasons, in plain Dutch.
// Machine values stay in the logs and the export; these are what a person reads beside them.
import { ACTIVITIES, type Activity } from '../logs/processing-log.js';

const PURPOSES: Record<Activity, string> = {
  klantbeeld: 'klantbeeld werk en inkomen',
  caseload: 'caseload-overzicht',
  rapportageSchrijven: 'rapportage aanleveren',
  rapportageLezen: 'rapportage inzien',
  werkprofielRib: 'werkprofiel voor een traject',
  toestemming: 'toestemming beheren',
  eigenGegevens: 'eigen gegevens inzien',
  trajectToewijzen: 'traject toewijzen',
  signalering: 'signalering uitkeringswijziging',
  controle: 'controle op gebruik (privacyfunctionaris)',
};

const BY_URI = new Map(Object.entries(ACTIVITIES).map(([k, uri]) => [uri as string, k as Activity]));

export const activityOf = (uri: string): Activity | undefined => BY_URI.get(uri);
export const purposeWords = (uri: string) => {
  const a = activityOf(uri);
  return a ? PURPOSES[a] : uri;
};

const REASONS: Record<string, string> = {
  'not-on-caseload': 'de cliënt staat niet in de caseload van de organisatie (of het BSN bestaat niet)',
  'role-not-allowed': 'deze rol mag dit niet',
  'unknown-root-field': 'iets gevraagd dat Ketenpoort niet aanbiedt',
  'not-own-data': 'een cliënt probeerde gegevens van een ander te zien',
  partner_unavailable: 'de gemeente kon niet zeggen of de cliënt in de caseload staat; bij twijfel weigert Ketenpoort',
  service_unavailable: 'de beslissing kon niet worden vastgelegd; bij twijfel weigert Ketenpoort',
  'role-not-auditor': 'alleen de privacyfunctionaris mag de logboeken inzien',
  'consent-revoked': 'de cliënt heeft de toestemming ingetrokken',
  'consent-expired': 'de toestemming is verlopen',
  'consent-unknown': 'de toestemming bestaat niet',
  'consent-not-yet-valid': 'de toestemming geldt nog niet',
  'token-missing': 'geen toestemmingsbewijs meegestuurd',
  'token-expired': 'het toestemmingsbewijs is verlopen',
  'token-invalid': 'het toestemmingsbewijs is niet geldig',
  'not-grantee': 'de toestemming is aan een andere organisatie gegeven',
  'traject-mismatch': 'de toestemming is voor een ander traject',
  'ledger-mismatch': 'de toestemming dekt dit verzoek niet',
  'action-not-granted': 'de toestemming staat deze handeling niet toe',
  'traject-ended': 'het traject is beëindigd',
  'blok-closed': 'het traject is niet meer aan dit bureau gegeven',
  'no-blok': 'dit bureau heeft geen rapportageblok voor dit traject',
  'caller-not-rib': 'alleen een re-integratiebureau schrijft met een toestemming',
  'ledger-unavailable': 'de toestemming kon niet worden gecontroleerd; bij twijfel weigert Ketenpoort',
  'unknown-subscription': 'een abonnement gevraagd dat niet bestaat',
};

export const reasonWords = (reason: string) => REASONS[reason] ?? reason;
