// A small memory of tokens whose signature and claims were already verified. A caller sends the
// same bearer token with every request, and the gateway the same internal token to an adapter for
// half a minute; checking an ES256 signature again each time is most of what authentication costs.
// An entry lives until the token expires or `maxAgeMs` has passed (whichever is first), so a key
// withdrawn at the issuer stops being honoured within `maxAgeMs`. Only successes are remembered:
// a bad token is checked (and refused) every time. Bounded: the oldest entry makes room.
export interface VerifiedTokens<T> {
  get(token: string): T | undefined;
  /** `exp`: the token's expiry in seconds since the epoch. */
  set(token: string, value: T, exp: number | undefined): void;
}

export function createVerifiedTokens<T>(options: { max?: number; maxAgeMs?: number } = {}): VerifiedTokens<T> {
  const max = options.max ?? 10_000;
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const entries = new Map<string, { value: T; until: number }>();
  return {
    get(token) {
      const hit = entries.get(token);
      if (!hit) return undefined;
      if (hit.until <= Date.now()) {
        entries.delete(token);
        return undefined;
      }
      return hit.value;
    },
    set(token, value, exp) {
      const now = Date.now();
      const until = Math.min(now + maxAgeMs, typeof exp === 'number' ? exp * 1000 : now);
      if (until <= now) return;
      if (entries.size >= max) entries.delete(entries.keys().next().value!);
      entries.set(token, { value, until });
    },
  };
}
