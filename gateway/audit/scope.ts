// Who may read the logs, in one place. Every auditor query and export passes `authorizeAudit` and
// gets an AuditScope, a value only this module can make; the log queries take one and filter on its
// organisation, so a query that skipped the check, or forgot the organisation, does not compile.
// Default deny: only the role `auditor` passes, for their own organisation. Every call writes
// exactly one decision-log entry (permit or deny) before any data is read (fail closed).
import type { Caller, OrganisationCaller } from '../auth/caller.js';
import { KetenError, forbidden } from '../errors.js';
import type { TraceContext } from '../logs/trace.js';
import type { ChainServices } from '../services.js';

export const AUDIT_POLICY = { id: 'ketenpoort:controle-eigen-organisatie', version: '1' } as const;

export type AuditAction =
  | 'klant'
  | 'medewerker'
  | 'weigeringen'
  | 'medewerkers'
  | 'signalen'
  | 'opvolging'
  | 'rapport'
  | 'ketenintegriteit'
  | 'export';

const MINT: unique symbol = Symbol('AuditScope');

/** Proof that this auditor may read their own organisation's logs for one action. */
export class AuditScope {
  // A private field makes the class nominal: no object literal can pass for an AuditScope.
  readonly #issued = true;
  private constructor(
    readonly auditor: OrganisationCaller,
    readonly action: AuditAction,
  ) {}

  /** The only organisation whose rows this scope may read. */
  get oin(): string {
    return this.auditor.oin;
  }

  static [MINT](auditor: OrganisationCaller, action: AuditAction): AuditScope {
    return new AuditScope(auditor, action);
  }

  static isScope(s: unknown): s is AuditScope {
    return typeof s === 'object' && s !== null && #issued in s;
  }
}

/**
 * Decides, validates the input (after the role check, so a stranger learns nothing from the input
 * rules; before the permit, so bad input leaves nothing behind), records the permit and returns
 * the scope with the parsed input.
 */
export async function authorizeAudit<T>(
  services: ChainServices,
  trace: TraceContext,
  caller: Caller,
  action: AuditAction,
  parse: () => T,
): Promise<{ scope: AuditScope; input: T }> {
  const record = (decision: 'permit' | 'deny', reason: string) =>
    services.decisionLog.record(trace, {
      decision,
      reason,
      action: `controle:${action}`,
      resource: caller.role === 'client' ? 'logboek' : `logboek/${caller.oin}`,
      policyId: AUDIT_POLICY.id,
      policyVersion: AUDIT_POLICY.version,
      caller,
      information: { role: caller.role, organisation: caller.role === 'client' ? null : caller.oin },
    });
  if (caller.role !== 'auditor') {
    // A denial stands even if it could not be logged; the log failure must not turn into a pass.
    await record('deny', 'role-not-auditor').catch(() => {});
    throw forbidden('the logs are for the auditor of the organisation');
  }
  const input = parse();
  try {
    await record('permit', 'auditor-own-organisation');
  } catch {
    throw new KetenError('SERVICE_UNAVAILABLE', 'the access log cannot be written right now; try again later');
  }
  return { scope: AuditScope[MINT](caller, action), input };
}
