// What a consent can allow: the scope catalogue. A RIB asks in scopes ("rapportage:schrijven"); the
// consent record stores them as RFC 9396 authorization details bound to one trajectory, so the grant
// says exactly what, on which object, and nothing can be widened by adding a scope name later.
export const SCOPES = {
  'rapportage:schrijven': {
    type: 'ketenpoort_rapportage',
    action: 'schrijven',
    // Writes are never served from the cache (see cache.ts): they always read the ledger row.
    write: true,
    uitleg: 'rapportages over uw traject schrijven',
  },
  'werkprofiel:lezen': {
    type: 'ketenpoort_werkprofiel',
    action: 'lezen',
    write: false,
    uitleg: 'uw werkprofiel bekijken (opleiding, rijbewijs, beroep)',
  },
} as const;

export type ConsentScope = keyof typeof SCOPES;
/** The actions `authorizeRibAction` decides on: the scopes of the catalogue. */
export type RibAction = ConsentScope;

/** Every consent must include writing the rapportage block: that is what a RIB is hired for. */
export const REQUIRED_SCOPE: ConsentScope = 'rapportage:schrijven';

/** Purpose (doelbinding) of every RIB consent: a URI in the register of processing activities. */
export const CONSENT_PURPOSE = 'https://ketenpoort.nl/verwerkingen/rapportage-aanleveren';

export interface AuthorizationDetail {
  type: string;
  actions: string[];
  identifier: string;
}

export const isScope = (s: string): s is ConsentScope => Object.hasOwn(SCOPES, s);

/** Scopes → authorization details for one trajectory, one entry per type, sorted for stable output. */
export function toAuthorizationDetails(scopes: readonly ConsentScope[], trajectId: string): AuthorizationDetail[] {
  const byType = new Map<string, Set<string>>();
  for (const s of scopes) {
    const { type, action } = SCOPES[s];
    byType.set(type, (byType.get(type) ?? new Set()).add(action));
  }
  return [...byType.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, actions]) => ({ type, actions: [...actions].sort(), identifier: trajectId }));
}

/**
 * The scopes the stored details grant on `trajectId`. Reads the JSON defensively: anything not in
 * the catalogue's shape grants nothing (default deny).
 */
export function grantedScopes(details: unknown, trajectId: string): ConsentScope[] {
  if (!Array.isArray(details)) return [];
  const granted = new Set<ConsentScope>();
  for (const d of details as Partial<AuthorizationDetail>[]) {
    if (!d || d.identifier !== trajectId || !Array.isArray(d.actions)) continue;
    for (const [scope, def] of Object.entries(SCOPES) as [ConsentScope, (typeof SCOPES)[ConsentScope]][]) {
      if (def.type === d.type && d.actions.includes(def.action)) granted.add(scope);
    }
  }
  return [...granted].sort();
}
