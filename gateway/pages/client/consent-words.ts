// What a consent allows, in plain words (B1) for the client, both as what a bureau *may do* and as
// what *will stop* when the client says no or revokes. Scope names are the consent API's.
const MAY: Record<string, string> = {
  'rapportage:schrijven': 'rapportages schrijven over hoe het gaat in uw traject. Uw klantmanager leest die.',
  'werkprofiel:lezen': 'uw werkprofiel bekijken: uw opleiding, uw werkervaring en of u een rijbewijs hebt.',
};

const STOPS: Record<string, string> = {
  'rapportage:schrijven': 'geen nieuwe rapportages meer schrijven over uw traject.',
  'werkprofiel:lezen': 'uw werkprofiel niet meer bekijken.',
};

export function mayDo(scope: string): string {
  return MAY[scope] ?? `iets doen dat heet “${scope}”. Vraag uw klantmanager wat dat betekent.`;
}

export function willStop(scope: string): string {
  return STOPS[scope] ?? `niet meer doen wat “${scope}” heet.`;
}

export const CONSENT_STATUS_WORDS: Record<string, string> = {
  actief: 'Geldt nu',
  ingetrokken: 'Ingetrokken',
  verlopen: 'Verlopen',
  beeindigd: 'Gestopt',
};

export const REQUEST_STATUS_WORDS: Record<string, string> = {
  openstaand: 'Wacht op uw antwoord',
  goedgekeurd: 'U zei ja',
  afgewezen: 'U zei nee',
  ingetrokken: 'Ingetrokken door het bureau',
  verlopen: 'Verlopen',
};
