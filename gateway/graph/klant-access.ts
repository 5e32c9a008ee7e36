// May this caller see this client? A klantmanager only when the client is on the caseload of the
// klantmanager's organisation — the gemeente is the source of truth for caseloads, so we ask its
// adapter, and keep the answer briefly. A client only themselves. Everyone else: no.
// The refusal is the same whether or not the BSN exists, so it cannot be used to probe BSNs.
import type { Caller } from '../auth/caller.js';
import { KetenError, forbidden } from '../errors.js';
import { traceHeaders, type TraceContext } from '../logs/trace.js';
import type { Decision, DecisionLog } from '../logs/decision-log.js';
import type { DecisionRow } from '../logs/log-statements.js';
import { ACTIVITIES } from '../logs/processing-log.js';
import type { InternalTokens } from './internal-token.js';
import type { AdapterCircuit } from './adapter-circuit.js';

export const KLANT_POLICY = { id: 'ketenpoort:klantbeeld-op-caseload', version: '1' } as const;
const MEMBERSHIP_TTL_MS = 30_000;
const MAX_CACHED = 10_000;

export interface KlantAccess {
  /**
   * Decides; throws FORBIDDEN (after the denial is on record) or resolves with the permit's
   * decision-log write, which the caller awaits before any data leaves (fail closed) — it need not
   * hold up fetching the data.
   */
  check(trace: TraceContext, caller: Caller, bsn: string, action?: string): Promise<{ recorded: Promise<void> }>;
  /**
   * As `check`, but resolves with the permit's decision-log row unwritten: the caller writes it,
   * with the request's other log rows, before any data leaves (graph/plugin.ts: a view's decision
   * and processing rows in one commit). Denials are on record before it throws, as in `check`.
   */
  decide(trace: TraceContext, caller: Caller, bsn: string, action?: string): Promise<DecisionRow>;
  /** Whether `check` would decide without asking the gemeente (a client, or a caseload answer at hand). */
  decidesAtOnce(caller: Caller, bsn: string): boolean;
  /**
   * Decides from the gemeente's own answer to `klant(bsn)`, asked with the klantmanager's
   * organisation in the internal token: the gemeente's adapter answers a Klant only when the client
   * is on that organisation's caseload (adapters/gemeente/subgraph.ts, `visible`), the same rule
   * as its caseload-membership question. `found`: the Klant with this BSN came back; `unavailable`:
   * the gemeente did not answer. Throws and records denials like `check`; resolves, like `decide`,
   * with the permit's row unwritten.
   */
  decideFromAnswer(trace: TraceContext, caller: Caller, bsn: string, outcome: 'found' | 'not-found' | 'unavailable'): Promise<DecisionRow>;
  /** The gemeente just listed these clients as on the caller's organisation's caseload. */
  onCaseload(caller: Caller, bsns: Iterable<string>): void;
}

export interface KlantAccessDeps {
  decisionLog: DecisionLog;
  subjectKey(bsn: string): string;
  internalTokens: InternalTokens;
  /**
   * The gemeente adapter's /graphql URL and the gateway's pool and circuit breaker towards it
   * (adapter-circuit.ts), both or neither: there once the graph is mounted, which is before the
   * first request (graph/plugin.ts). The question rides the same kept-alive connections as the
   * view's own calls, and fails at once while the circuit is open.
   */
  gemeente(): { url: string; agent: AdapterCircuit['agent'] } | undefined;
}

const MEMBERSHIP_QUERY = 'query($bsn: ID!) { caseloadLidmaatschap(bsn: $bsn) { gemeenteOin } }';

export function createKlantAccess(services: KlantAccessDeps): KlantAccess {
  const cache = new Map<string, { member: boolean; until: number }>();

  async function isOnCaseload(trace: TraceContext, caller: Extract<Caller, { oin: string }>, bsn: string): Promise<boolean> {
    const key = `${caller.oin}:${bsn}`;
    const hit = cache.get(key);
    if (hit && hit.until > Date.now()) return hit.member;
    const gemeente = services.gemeente();
    if (!gemeente) throw new KetenError('PARTNER_UNAVAILABLE', 'the gemeente cannot be asked about the caseload', { partner: 'gemeente' });
    const token = await services.internalTokens.get({ subgraph: 'gemeente', caller, purpose: ACTIVITIES.klantbeeld });
    let body: { data?: { caseloadLidmaatschap: unknown } | null; errors?: unknown[] };
    try {
      // undici's request, not fetch: no web streams in between, a tenth of the work per call.
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...traceHeaders(trace) };
      const payload = JSON.stringify({ query: MEMBERSHIP_QUERY, variables: { bsn } });
      const target = new URL(gemeente.url);
      const res = await gemeente.agent.request({ origin: target.origin, path: target.pathname, method: 'POST', headers, body: payload });
      body = (await res.body.json()) as typeof body;
    } catch {
      throw new KetenError('PARTNER_UNAVAILABLE', 'the gemeente did not answer about the caseload', { partner: 'gemeente' });
    }
    if (!body.data || body.errors?.length) {
      throw new KetenError('PARTNER_UNAVAILABLE', 'the gemeente could not answer about the caseload', { partner: 'gemeente' });
    }
    const member = body.data.caseloadLidmaatschap != null;
    remember(key, member);
    return member;
  }

  function remember(key: string, member: boolean) {
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(key, { member, until: Date.now() + MEMBERSHIP_TTL_MS });
  }

  async function decide(trace: TraceContext, caller: Caller, bsn: string, action: string): Promise<DecisionRow> {
    let reason: string;
    let permit = false;
    try {
      if (caller.role === 'client') {
        permit = caller.bsn === bsn;
        reason = permit ? 'own-data' : 'not-own-data';
      } else if (caller.role === 'klantmanager') {
        permit = await isOnCaseload(trace, caller, bsn);
        reason = permit ? 'on-caseload' : 'not-on-caseload';
      } else {
        reason = 'role-not-allowed';
      }
    } catch (err) {
      // A decision we cannot make is a denial.
      reason = err instanceof KetenError ? err.code.toLowerCase() : 'error';
      await services.decisionLog.record(trace, decision(caller, bsn, false, reason, action));
      throw err;
    }
    if (!permit) {
      await services.decisionLog.record(trace, decision(caller, bsn, false, reason, action));
      throw forbidden('you may not see this client');
    }
    return services.decisionLog.prepare(trace, decision(caller, bsn, true, reason, action));
  }

  return {
    async check(trace, caller, bsn, action = 'klantbeeld:lezen') {
      const permit = await decide(trace, caller, bsn, action);
      return { recorded: services.decisionLog.write([permit]) };
    },
    decide: (trace, caller, bsn, action = 'klantbeeld:lezen') => decide(trace, caller, bsn, action),
    decidesAtOnce(caller, bsn) {
      if (caller.role !== 'klantmanager') return true;
      const hit = cache.get(`${caller.oin}:${bsn}`);
      return hit !== undefined && hit.until > Date.now();
    },
    async decideFromAnswer(trace, caller, bsn, outcome) {
      const action = 'klantbeeld:lezen';
      if (caller.role !== 'klantmanager') throw new KetenError('INTERNAL', 'only a klantmanager is decided from the gemeente\'s answer');
      if (outcome === 'unavailable') {
        await services.decisionLog.record(trace, decision(caller, bsn, false, 'partner_unavailable', action));
        throw new KetenError('PARTNER_UNAVAILABLE', 'the gemeente did not answer about the caseload', { partner: 'gemeente' });
      }
      const member = outcome === 'found';
      remember(`${caller.oin}:${bsn}`, member);
      if (!member) {
        await services.decisionLog.record(trace, decision(caller, bsn, false, 'not-on-caseload', action));
        throw forbidden('you may not see this client');
      }
      return services.decisionLog.prepare(trace, decision(caller, bsn, true, 'on-caseload', action));
    },
    onCaseload(caller, bsns) {
      // The gemeente's own caseload answer, for the caller's own organisation: as good as asking
      // about each client, and what a klantmanager opens next is usually on the page just shown.
      if (caller.role !== 'klantmanager') return;
      for (const bsn of bsns) remember(`${caller.oin}:${bsn}`, true);
    },
  };

  function decision(caller: Caller, bsn: string, permit: boolean, reason: string, action: string): Decision {
    return {
      decision: permit ? 'permit' : 'deny',
      reason,
      action,
      resource: `klant:${services.subjectKey(bsn)}`,
      policyId: KLANT_POLICY.id,
      policyVersion: KLANT_POLICY.version,
      caller,
      information: { role: caller.role, organisation: caller.role === 'client' ? null : caller.oin, caseloadSource: 'gemeente' },
    };
  }
}
