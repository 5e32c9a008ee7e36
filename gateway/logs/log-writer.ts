// One writer for both append-only logs. A request that reads a client's data writes a decision row
// (may this caller see this client?) and a processing row (what was read): written by separate
// writers, those were two statements and two commits, both waited for before the answer left, and
// under load each log's batches went to the database on their own. Here every request's rows,
// of either log, join one group commit (group-commit.ts): a batch holding both goes as one
// statement, so a view costs one commit, whoever else is writing.
import type { Database } from '../db/database.js';
import { metrics } from '../../lib/metrics.js';
import { createGroupCommit } from './group-commit.js';
import { INSERT_BOTH, INSERT_DECISIONS, INSERT_PROCESSING, processingRowCount, type DecisionRow, type ProcessingGroup } from './log-statements.js';

export interface LogRows {
  decisions?: DecisionRow[];
  processing?: ProcessingGroup[];
}

export interface LogWriter {
  /** Resolves once all the rows are committed; rejects when they could not be written (fail closed). */
  add(rows: LogRows): Promise<void>;
  /** Waits until everything added so far has been written (or has failed). */
  drain(): Promise<void>;
}

export function createLogWriter(db: Pick<Database, 'query'>): LogWriter {
  const writer = createGroupCommit<LogRows>(
    async (items) => {
      const decisions = items.flatMap((x) => x.decisions ?? []);
      const processing = items.flatMap((x) => x.processing ?? []);
      const started = performance.now();
      if (decisions.length && processing.length) {
        await db.query(INSERT_BOTH, [JSON.stringify(decisions), JSON.stringify(processing)], 'kp_logs_insert');
      } else if (decisions.length) {
        await db.query(INSERT_DECISIONS, [JSON.stringify(decisions)], 'kp_besluit_insert');
      } else if (processing.length) {
        await db.query(INSERT_PROCESSING, [JSON.stringify(processing)], 'kp_verwerking_insert');
      }
      const seconds = (performance.now() - started) / 1000;
      if (decisions.length) metrics.logWrite('decision', decisions.length, seconds);
      if (processing.length) metrics.logWrite('processing', processingRowCount(processing), seconds);
    },
    { rowsOf: (x) => (x.decisions?.length ?? 0) + processingRowCount(x.processing) },
  );
  return {
    add: (rows) => (rows.decisions?.length || rows.processing?.length ? writer.add([rows]) : Promise.resolve()),
    drain: () => writer.drain(),
  };
}
