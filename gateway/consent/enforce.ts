// Enforcement in one place: every RIB operation passes `authorizeRibAction` and gets a RibPermit,
// a value only this module can make. Storage functions for RIB writes take a RibPermit, so a write
// that skipped the check does not compile. Default deny: every path that is not a clean permit
// throws, and every call writes exactly one decision-log entry (Logius ADL), permit or deny.
import type { Caller } from '../auth/caller.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { KetenError, type ErrorCode } from '../errors.js';
import type { TraceContext } from '../logs/trace.js';
import type { ChainServices } from '../services.js';
import { ConsentTokenError, verifyConsentToken, type VerifiedConsentToken } from './consent-token.js';
import { ledgerRefusal, type LedgerState } from './ledger.js';
import { isScope, SCOPES, type ConsentScope, type RibAction } from './scopes.js';

export const CONSENT_POLICY = { id: 'ketenpoort:toestemming:rib-actie', version: '1' } as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const MINT: unique symbol = Symbol('RibPermit');

/** Proof that the consent check passed for one action on one trajectory, at one consent version. */
export class RibPermit {
  // A private field makes the class nominal: no object literal can pass for a RibPermit.
  readonly #issued = true;
  private constructor(
    readonly consentId: string,
    readonly consentVersion: number,
    readonly trajectId: string,
    readonly ribOin: string,
    /** For the gateway's own use (processing log); never sent to a RIB, left out of JSON. */
    readonly subjectBsn: string,
    readonly action: RibAction,
    readonly actions: readonly ConsentScope[],
    readonly decidedAt: Date,
    recorded: Promise<void>,
  ) {
    // Handled here, so a failure is reported by `settled()` and never as an unhandled rejection.
    this.#recorded = recorded.then(
      () => undefined,
      () => new KetenError('SERVICE_UNAVAILABLE', 'consent cannot be checked right now; try again later'),
    );
  }

  readonly #recorded: Promise<KetenError | undefined>;

  /**
   * Resolves once the permit's decision-log entry is durable; throws when it could not be written.
   * Every use of a permit awaits this before data leaves or a write commits (fail closed); the
   * check itself does not wait for the disk, so it costs no commit of its own.
   */
  async settled(): Promise<void> {
    const failed = await this.#recorded;
    if (failed) throw failed;
  }

  static [MINT](s: LedgerState, action: RibAction, at: Date, recorded: Promise<void>): RibPermit {
    return new RibPermit(s.consentId, s.version, s.trajectId, s.granteeOin, s.subjectBsn, action, Object.freeze([...s.scopes]), at, recorded);
  }

  /** True only for permits this module made (guards against prototype tricks at run time). */
  static isPermit(p: unknown): p is RibPermit {
    return typeof p === 'object' && p !== null && #issued in p;
  }

  toJSON() {
    const { consentId, consentVersion, trajectId, ribOin, action, actions, decidedAt } = this;
    return { consentId, consentVersion, trajectId, ribOin, action, actions, decidedAt };
  }
}

export interface RibActionRequest {
  caller: Caller;
  consentToken: string | undefined;
  action: RibAction;
  trajectId: string;
}

class Denial extends Error {
  constructor(readonly code: ErrorCode, readonly reason: string, message: string) {
    super(message);
  }
}

export async function authorizeRibAction(services: ChainServices, trace: TraceContext, req: RibActionRequest): Promise<RibPermit> {
  const now = new Date();
  const information: Record<string, unknown> = { action: req.action, trajectId: req.trajectId, at: now.toISOString() };
  let token: VerifiedConsentToken | undefined;
  let state: LedgerState | undefined;

  const record = (decision: 'permit' | 'deny', reason: string) =>
    services.decisionLog.record(trace, {
      decision,
      reason,
      action: String(req.action),
      resource: `traject/${String(req.trajectId).slice(0, 64)}`,
      policyId: CONSENT_POLICY.id,
      policyVersion: CONSENT_POLICY.version,
      caller: req.caller,
      consentId: state?.consentId ?? token?.consentId,
      consentVersion: state?.version,
      information,
    });

  try {
    if (req.caller.role !== 'rib') throw new Denial('FORBIDDEN', 'caller-not-rib', 'only a re-integratiebureau acts with a consent token');
    const callerOin = req.caller.oin;
    if (!isScope(req.action)) throw new Denial('FORBIDDEN', 'unknown-action', 'unknown action');
    if (typeof req.trajectId !== 'string' || !UUID.test(req.trajectId)) {
      throw new Denial('BAD_USER_INPUT', 'traject-id-invalid', 'trajectId: must be an id (uuid)');
    }
    if (!req.consentToken) throw new Denial('CONSENT_REQUIRED', 'token-missing', 'send the consent token in the Consent-Token header');

    token = services.consent.core.verifiedTokens.get(req.consentToken);
    if (!token) {
      try {
        token = await verifyConsentToken(services.keys, services.config.publicUrl, req.consentToken);
      } catch (err) {
        if (err instanceof ConsentTokenError && err.reason === 'token-expired') {
          throw new Denial('CONSENT_EXPIRED', 'token-expired', 'the consent token has expired');
        }
        if (isDatabaseUnavailable(err)) throw new Denial('SERVICE_UNAVAILABLE', 'keys-unavailable', 'consent cannot be checked right now; try again later');
        throw new Denial('FORBIDDEN', 'token-invalid', 'the consent token is not valid');
      }
      services.consent.core.verifiedTokens.set(req.consentToken, token, token.exp);
    }
    information.tokenKid = token.kid;
    information.tokenJti = token.jti;
    if (token.granteeOin !== callerOin) throw new Denial('FORBIDDEN', 'not-grantee', 'this consent was given to another organisation');
    if (token.trajectId !== req.trajectId) throw new Denial('FORBIDDEN', 'traject-mismatch', 'this consent is for another trajectory');

    // Writes always read the ledger row; reads may use the cache (why that is safe: cache.ts).
    const cached = !SCOPES[req.action].write;
    let source: string;
    try {
      const found = await services.consent.core.state(token.consentId, cached);
      state = found.state;
      source = found.source;
    } catch {
      throw new Denial('SERVICE_UNAVAILABLE', 'ledger-unavailable', 'consent cannot be checked right now; try again later');
    }
    information.source = source;
    if (!state) throw new Denial('FORBIDDEN', 'consent-unknown', 'this consent does not exist');
    Object.assign(information, {
      status: state.status,
      validThrough: state.validThrough,
      trajectActive: state.trajectActive,
      blokOpen: state.blokOpen,
      grantedActions: state.scopes,
    });
    // The ledger, not the token, is the authority on who and what.
    if (state.granteeOin !== callerOin || state.trajectId !== req.trajectId) {
      throw new Denial('FORBIDDEN', 'ledger-mismatch', 'this consent does not cover this request');
    }
    const refused = ledgerRefusal(state, now);
    if (refused) throw new Denial(refused.code, refused.reason, refused.message);
    if (!state.scopes.includes(req.action)) throw new Denial('FORBIDDEN', 'action-not-granted', `the consent does not allow ${req.action}`);
  } catch (err) {
    const d = err instanceof Denial ? err : new Denial('FORBIDDEN', 'internal-error', 'not allowed');
    // A denial stands even if it could not be logged; the log failure must not turn into a pass.
    await record('deny', d.reason).catch(() => {});
    throw new KetenError(d.code, d.message, { reason: d.reason });
  }

  // No use of the permit without its decision record (fail closed): see RibPermit.settled().
  return RibPermit[MINT](state, req.action, now, record('permit', 'consent-active'));
}
