// Group commit for the append-only logs. Every request that reads or decides something writes a
// row or two; written one transaction each, a loaded gateway spends its time (and the database
// its fsyncs) on commits. Here rows from concurrent requests go to the database together: while
// one statement is in flight, new rows queue, and the next statement takes all of them. Each
// caller's promise settles only when the statement holding its rows has committed, so "written
// before the answer leaves" (fail closed) still holds per request. At low load a row waits for
// nobody: an idle writer sends at once.
//
// A failed statement is retried per caller, so one caller's bad row fails only that caller.

export interface GroupCommit<T> {
  /** Resolves when `rows` are committed; rejects when they could not be written. */
  add(rows: T[]): Promise<void>;
  /** Resolves when everything queued so far has been written (or has failed). */
  drain(): Promise<void>;
}

interface Waiter<T> {
  rows: T[];
  /** Table rows `rows` stand for. */
  count: number;
  resolve(): void;
  reject(err: unknown): void;
}

export function createGroupCommit<T>(
  write: (rows: T[]) => Promise<unknown>,
  options: {
    maxRows?: number;
    /** How many table rows one item stands for (a group of rows sharing their values); 1 each by default. */
    rowsOf?: (item: T) => number;
    /** Told after each committed batch (metrics). */
    onWritten?: (rows: number, seconds: number) => void;
  } = {},
): GroupCommit<T> {
  const maxRows = options.maxRows ?? 2000;
  const rowsOf = options.rowsOf ?? (() => 1);
  const count = (items: T[]) => items.reduce((n, item) => n + rowsOf(item), 0);
  let queue: Waiter<T>[] = [];
  let inFlight: Promise<void> | undefined;

  async function writeBatch(batch: Waiter<T>[]) {
    try {
      const rows = batch.flatMap((w) => w.rows);
      const started = performance.now();
      await write(rows);
      options.onWritten?.(batch.reduce((n, w) => n + w.count, 0), (performance.now() - started) / 1000);
      for (const w of batch) w.resolve();
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      // Which caller's rows broke it? Each alone decides its own fate.
      await Promise.all(batch.map((w) => write(w.rows).then(w.resolve, w.reject)));
    }
  }

  function takeBatch(): Waiter<T>[] {
    let rows = 0;
    let n = 0;
    while (n < queue.length && (n === 0 || rows + queue[n]!.count <= maxRows)) rows += queue[n++]!.count;
    const batch = queue.slice(0, n);
    queue = queue.slice(n);
    return batch;
  }

  function pump() {
    if (inFlight || queue.length === 0) return;
    inFlight = (async () => {
      // Let the requests running in this turn of the event loop add their rows first.
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (queue.length > 0) await writeBatch(takeBatch());
    })().finally(() => {
      inFlight = undefined;
      pump();
    });
  }

  return {
    add(rows) {
      if (rows.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        queue.push({ rows, count: count(rows), resolve, reject });
        pump();
      });
    },
    async drain() {
      while (inFlight) await inFlight.catch(() => {});
    },
  };
}
