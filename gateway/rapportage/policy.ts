// The rapportage block's own rule, on top of the consent check: a RIB writes only into its own open
// block of an active trajectory. The consent module decides whether the client allows it; this
// decides whether the block still exists for that RIB at the moment of the write (inside the write
// transaction), so a token that is still valid cannot outlive a reassignment or an ended trajectory.
import type { Caller } from '../auth/caller.js';
import { KetenError, type ErrorCode } from '../errors.js';
import type { TraceContext } from '../logs/trace.js';
import type { ChainServices } from '../services.js';

export const BLOK_POLICY = { id: 'ketenpoort:rapportageblok', version: '1' } as const;

/** A refusal found inside a transaction; logged and turned into a KetenError after the rollback. */
export class BlokDenial extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export interface BlokDecision {
  action: string;
  trajectId: string;
  caller: Caller;
  consentId?: string;
  consentVersion?: number;
  information?: Record<string, unknown>;
}

export function recordBlokDecision(services: ChainServices, trace: TraceContext, d: BlokDecision, decision: 'permit' | 'deny', reason: string) {
  return services.decisionLog.record(trace, {
    decision,
    reason,
    action: d.action,
    resource: `traject/${d.trajectId}`,
    policyId: BLOK_POLICY.id,
    policyVersion: BLOK_POLICY.version,
    caller: d.caller,
    consentId: d.consentId,
    consentVersion: d.consentVersion,
    information: { trajectId: d.trajectId, ...d.information },
  });
}

/** Logs a BlokDenial (a denial stands even if logging fails) and rethrows it as a KetenError. */
export async function denyBlok(services: ChainServices, trace: TraceContext, d: BlokDecision, err: BlokDenial): Promise<never> {
  await recordBlokDecision(services, trace, d, 'deny', err.reason).catch(() => {});
  throw new KetenError(err.code, err.message, { reason: err.reason });
}
