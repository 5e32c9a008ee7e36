// How many consents one client may grant per hour (RATE_LIMIT_CONSENT_GRANTS_PER_HOUR), counted
// over every instance. A client grants a handful in a lifetime; a stolen session or a script that
// grants to every bureau it can name is stopped here. Grants are GraphQL mutations answered by the
// keten subgraph, behind the gateway's per-caller limit, so this count is kept in the one place a
// consent is made (gateway/consent/core.ts createConsent) and refuses before anything is written.
// Every attempt counts, also one that is refused for another reason afterwards. If the count cannot
// be written, the grant fails too (fail closed, like the logs).
import type { SharedCounters } from './counters.js';
import type { LimitKeys } from './keys.js';
import { rateLimited } from './refusals.js';

const HOUR = 3600_000;

export interface ConsentGrantLimit {
  /** Counts a grant by this client; throws RATE_LIMITED when it is one too many this hour. */
  take(client: { subject: string }): Promise<void>;
}

export function createConsentGrantLimit(counters: SharedCounters, keys: LimitKeys, perHour: number): ConsentGrantLimit {
  return {
    // Counted in the database at once (not in the batched sync): grants are rare, and with a limit
    // this small the sync's lag would let a script spread over instances grant several too many.
    async take(client) {
      const { current, ttl } = await counters.incrNow(keys.grant(client), HOUR);
      if (current > perHour) throw rateLimited(ttl / 1000);
    },
  };
}
