// The chain's own services, made once per gateway instance and shared by the REST routes, the
// keten subgraph's resolvers and the access policy. Each is a factory taking its dependencies,
// so tests can build exactly what they need.
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { KeyStore } from './keys/key-store.js';
import { createDecisionLog, type DecisionLog } from './logs/decision-log.js';
import { createProcessingLog, type ProcessingLog } from './logs/processing-log.js';
import { createLogWriter, type LogWriter } from './logs/log-writer.js';
import { createSubjectCrypto } from './logs/subject-id.js';
import type { PrismaClient } from './db/generated/client.js';
import { createConsentService, type ConsentService } from './consent/service.js';
import { createInternalTokens, type InternalTokens } from './graph/internal-token.js';
import { createKlantAccess, type KlantAccess } from './graph/klant-access.js';
import { createReportAppender, type ReportAppender } from './rapportage/append-batch.js';
import { createChainHeadSigner, type ChainHeadSigner } from './rapportage/chain-head.js';
import { createConsentGrantLimit } from './limits/consent-grants.js';
import { createSharedCounters, type SharedCounters } from './limits/counters.js';
import { createLimitKeys, type LimitKeys } from './limits/keys.js';
import type { AdapterCircuit } from './graph/adapter-circuit.js';

export interface ChainServices {
  config: Readonly<Config>;
  db: Database;
  prisma: PrismaClient;
  keys: KeyStore;
  decisionLog: DecisionLog;
  processingLog: ProcessingLog;
  /** The writer both logs write through: rows of both written together share one commit. */
  logWriter: LogWriter;
  /** Keyed hash of a BSN: names a data subject in logs and decisions without the BSN itself. */
  subjectKey(bsn: string): string;
  /** The BSN behind a processing-log row's encrypted subject: only for the auditor (gateway/audit). */
  revealSubject(encrypted: string): string;
  /** Client consent: lifecycle, consent tokens, the ledger behind gateway/consent/enforce.ts. */
  consent: ConsentService;
  /** Signed tokens for the gateway's calls to subgraphs, reused per caller, subgraph and purpose. */
  internalTokens: InternalTokens;
  /**
   * The caseload rule (may this caller see or act on this client?), for the graph's views and for
   * every klantmanager action that names a client. Asks the gemeente's adapter at `partnerUrls.gemeente`.
   */
  klantAccess: KlantAccess;
  /** Signs and checks the rapportage blocks' chain heads (key from the configuration, not the database). */
  chainHeads: ChainHeadSigner;
  /** Writes report uploads, concurrent ones in one transaction (gateway/rapportage/append-batch.ts). */
  reportAppends: ReportAppender;
  /** The gateway's circuit breaker towards each partner adapter, by partner (gateway/graph/adapter-circuit.ts); for /ready. */
  adapterCircuits: Map<string, AdapterCircuit>;
  /** Where the partners' adapters answer; filled in when they are up (gateway/runtime.ts). */
  partnerUrls: { gemeente?: string };
  /** Request counts shared across instances and the keys they count by (gateway/limits/). */
  limits: { counters: SharedCounters; keys: LimitKeys };
}

export function createChainServices(config: Readonly<Config>, db: Database, keys: KeyStore): ChainServices {
  const subjects = createSubjectCrypto(config.logSubjectKey);
  // One writer for both logs: a view's decision and processing rows share one commit (logs/log-writer.ts).
  const logWriter = createLogWriter(db);
  const decisionLog = createDecisionLog(db, logWriter);
  const processingLog = createProcessingLog(db, subjects, logWriter);
  const limits = { counters: createSharedCounters(db), keys: createLimitKeys(config.logSubjectKey) };
  const grantLimit = createConsentGrantLimit(limits.counters, limits.keys, config.RATE_LIMIT_CONSENT_GRANTS_PER_HOUR);
  const consent = createConsentService({ config, db, keys, processingLog, grantLimit });
  const internalTokens = createInternalTokens(keys, config.publicUrl);
  const partnerUrls: ChainServices['partnerUrls'] = {};
  const adapterCircuits: ChainServices['adapterCircuits'] = new Map();
  const gemeente = () => {
    const circuit = adapterCircuits.get('gemeente');
    return partnerUrls.gemeente && circuit ? { url: partnerUrls.gemeente, agent: circuit.agent } : undefined;
  };
  const klantAccess = createKlantAccess({ decisionLog, subjectKey: subjects.key, internalTokens, gemeente });
  const chainHeads = createChainHeadSigner(config.chainHeadKey);
  const reportAppends = createReportAppender({ db, chainHeads, processingLog });
  return { config, db, prisma: db.prisma, keys, decisionLog, processingLog, logWriter, subjectKey: subjects.key, revealSubject: subjects.decrypt, consent, internalTokens, klantAccess, chainHeads, reportAppends, adapterCircuits, partnerUrls, limits };
}
