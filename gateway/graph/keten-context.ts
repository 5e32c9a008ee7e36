// What a resolver of the gateway's own subgraph ("keten": consents, trajectories, rapportages)
// knows about the request. The caller comes from the internal token the gateway signed after it
// verified the end user's bearer token, so resolvers can trust it.
import type { Caller } from '../auth/caller.js';
import type { TraceContext } from '../logs/trace.js';
import type { ChainServices } from '../services.js';

export interface KetenContext {
  caller: Caller;
  trace: TraceContext;
  /** The consent token a RIB presented (header Consent-Token), forwarded by the gateway. */
  consentToken?: string;
  services: ChainServices;
}
