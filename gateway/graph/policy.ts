// The gateway's access policy for the graph, in one place. Every root field of every operation is
// decided here before anything is fetched; default deny. Partner data (the combined werk/inkomen
// view) is governed by the table below. Root fields of the gateway's own subgraph ("keten":
// consent, trajectories, rapportages) pass to that subgraph, whose resolvers apply the consent
// module's rules (gateway/consent/enforce.ts) with the caller from the signed internal token.
import type { Caller, Role } from '../auth/caller.js';
import { KetenError, badInput, forbidden } from '../errors.js';
import { isValidBsn } from '../../lib/bsn.js';
import { ACTIVITIES, type Activity } from '../logs/processing-log.js';
import type { DecisionRow } from '../logs/log-statements.js';
import type { TraceContext } from '../logs/trace.js';
import type { ChainServices } from '../services.js';
import type { KlantAccess } from './klant-access.js';
import type { RootField } from './root-fields.js';

export const GRAPH_POLICY = { id: 'ketenpoort:graph-root-fields', version: '1' } as const;

interface RootRule {
  roles: readonly Role[];
  activity: Activity;
  /** The argument naming the client; access to that client is checked (caseload or self). */
  subjectArg?: string;
  /**
   * The field's owner, the gemeente, answers it only for a client on the caller's organisation's
   * caseload. So when that is not known yet, the gateway does not ask first ("is this client on
   * the caseload?") and then fetch: it fetches, and decides from whether the client came back
   * (KlantAccess.decideFromAnswer). One call to the gemeente instead of two in a row; the other
   * partners are asked only for a client the gemeente returned; the decision is on record before
   * anything leaves, as always. Only for an operation with this one root field: with others beside
   * it, a refusal would come after their partners had been asked for nothing.
   */
  ownerDecides?: boolean;
}

/** Root fields of the partner subgraphs that callers may use. Anything else is refused. */
const PARTNER_ROOT_FIELDS: Record<string, RootRule> = {
  'Query.klant': { roles: ['klantmanager', 'client'], activity: 'klantbeeld', subjectArg: 'bsn', ownerDecides: true },
  'Query.caseload': { roles: ['klantmanager'], activity: 'caseload' },
  'Query.zoekKlanten': { roles: ['klantmanager'], activity: 'caseload' },
};

/** What a RIB, a client or a klantmanager does in the keten subgraph, for the internal token. */
const KETEN_ACTIVITY: Record<Role, Activity> = {
  client: 'eigenGegevens',
  klantmanager: 'klantbeeld',
  rib: 'rapportageSchrijven',
  auditor: 'controle',
};

export interface RootDecision {
  activity: Activity;
  /** Clients whose access was checked for this field (for the processing log). */
  subjects: string[];
  /**
   * The permits' decision-log rows, not yet written: the caller writes them with the request's
   * processing rows, in one commit, before any data leaves (fail closed; graph/plugin.ts).
   */
  permits: DecisionRow[];
  /** Klantmanager's clients decided from the gemeente's answer (RootRule.ownerDecides), after execution. */
  decideFromAnswer: string[];
}

export async function decideRootFields(
  services: ChainServices,
  klantAccess: KlantAccess,
  trace: TraceContext,
  caller: Caller,
  fields: RootField[],
  ketenRootFields: Set<string>,
): Promise<RootDecision> {
  let activity: Activity | undefined;
  const subjects: string[] = [];
  const permits: DecisionRow[] = [];
  const decideFromAnswer: string[] = [];
  for (const field of fields) {
    if (ketenRootFields.has(field.key)) {
      activity ??= KETEN_ACTIVITY[caller.role];
      continue;
    }
    const rule = PARTNER_ROOT_FIELDS[field.key];
    if (!rule || !rule.roles.includes(caller.role)) {
      await services.decisionLog.record(trace, {
        decision: 'deny',
        reason: rule ? 'role-not-allowed' : 'unknown-root-field',
        action: field.key,
        resource: 'graph',
        policyId: GRAPH_POLICY.id,
        policyVersion: GRAPH_POLICY.version,
        caller,
        information: { role: caller.role, field: field.key },
      });
      throw forbidden(rule ? `${field.name} is not for the role ${caller.role}` : `${field.name} is not available`);
    }
    if (rule.subjectArg) {
      const bsn = field.args[rule.subjectArg];
      if (typeof bsn !== 'string' || !isValidBsn(bsn)) throw badInput(rule.subjectArg, 'a BSN of nine digits that passes the elfproef');
      if (rule.ownerDecides && fields.length === 1 && !klantAccess.decidesAtOnce(caller, bsn)) decideFromAnswer.push(bsn);
      else permits.push(await klantAccess.decide(trace, caller, bsn));
      subjects.push(bsn);
    }
    activity ??= rule.activity;
  }
  if (!activity) throw new KetenError('BAD_USER_INPUT', 'the operation asks for nothing');
  return { activity, subjects, permits, decideFromAnswer };
}

export const purposeOf = (activity: Activity) => ACTIVITIES[activity];
