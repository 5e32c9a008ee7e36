// Checkpoints for PGlite. PGlite runs PostgreSQL in single-user mode: there is no checkpointer
// process, so nothing ever checkpoints while the gateway runs, and two things follow:
// - the write-ahead log is never recycled: it grew by ~16 MB per second under a stream of 300-row
//   inserts (a scratch script opening PGlite as the gateway does), kept until the next restart;
// - once the log since the last checkpoint reaches ~530 MB (about where PostgreSQL asks for one:
//   max_wal_size ÷ (1 + checkpoint_completion_target), ~540 MB by default), a commit spins at
//   100 % CPU in pg_usleep for minutes, and being synchronous WebAssembly it stops the whole
//   process: no answers, no SIGTERM. Seen in bench/compare.ts on PGlite (the gateway got no answer
//   for 300 s); the stack, read through the inspector, was CommitTransactionCommand → XLogFlush →
//   … → pg_usleep → nanosleep. Reproduced alone: 300-row inserts stalled at 528 MB of log; with a
//   CHECKPOINT every ~16 MB of log the same 8,000 inserts ran through at 80 MB (each checkpoint ~16 ms).
// So the gateway checkpoints PGlite itself: every `everyMs` it reads how much log was written since
// the last checkpoint (one small query) and runs CHECKPOINT past `walMb`.
export interface PgliteCheckpointOptions {
  everyMs: number;
  walMb: number;
}

export const PGLITE_CHECKPOINTS: PgliteCheckpointOptions = { everyMs: 2_000, walMb: 64 };

interface Queryable {
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/** Starts the checks; the returned function stops them (call it before closing PGlite). */
export function startPgliteCheckpoints(client: Queryable, options: PgliteCheckpointOptions = PGLITE_CHECKPOINTS): () => void {
  let running = false;
  const check = async () => {
    if (running) return;
    running = true;
    try {
      const [since] = (await client.query<{ bytes: string }>(
        `SELECT (pg_current_wal_insert_lsn() - redo_lsn)::text AS bytes FROM pg_control_checkpoint()`,
      )).rows;
      if (since && Number(since.bytes) > options.walMb * 2 ** 20) await client.query('CHECKPOINT');
    } catch {
      // Tried again at the next tick; a database that cannot answer this cannot answer anything else either.
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void check(), options.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
