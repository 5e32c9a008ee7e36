// Issue 10's performance goals, judged from one comparison run's own figures, so the verdict is
// the run's and not a reading of it by hand. On PostgreSQL unless the goal names PGlite. The
// consent check's goals are another bench's (bench/consent-check.ts) and are not judged here.
// Beside each latency goal the same query's figure on the ceiling and the bare gateway: on a
// shared host a p99 says more next to theirs than on its own.

export interface GoalRun {
  target: 'ceiling' | 'bare' | 'ketenpoort';
  query: string;
  db: 'postgres' | 'pglite';
  connections: number;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  peak_rss_mb: number;
}

export interface GoalStart {
  db: 'postgres' | 'pglite';
  start_to_ready_s: number;
  idle_rss_mb: number;
}

export interface GoalVerdict {
  goal: string;
  /** Ketenpoort's figure, as printed; undefined when the run did not measure it. */
  value?: string;
  /** The ceiling's and the bare gateway's figure for the same, where there is one. */
  beside?: string;
  verdict: 'met' | 'missed' | 'not measured';
}

// One decimal, rounded down: 49.96 % is not 50 %.
const pct = (a: number, b: number) => Math.floor((1000 * a) / b) / 10;

/** Every goal of issue 10 this run can judge, in the issue's order. */
export function judgeGoals(runs: readonly GoalRun[], starts: readonly GoalStart[], connections: number): GoalVerdict[] {
  const find = (target: GoalRun['target'], query: string, db: GoalRun['db'], c = connections) =>
    runs.find((r) => r.target === target && r.query === query && r.db === db && r.connections === c);
  const judge = (goal: string, value: number | undefined, unit: string, limit: number, atMost: boolean, beside?: string): GoalVerdict =>
    value === undefined
      ? { goal, verdict: 'not measured' }
      : { goal, value: `${value}${unit}`, beside, verdict: (atMost ? value <= limit : value >= limit) ? 'met' : 'missed' };
  const latencyBeside = (query: string, c: number, key: 'p50_ms' | 'p99_ms') => {
    const ceiling = find('ceiling', query, 'postgres', c);
    const bare = find('bare', query, 'postgres', c);
    if (!ceiling && !bare) return undefined;
    return `ceiling ${ceiling ? `${ceiling[key]} ms` : '-'}, bare ${bare ? `${bare[key]} ms` : '-'}`;
  };
  const ofBare = (query: string) => {
    const kp = find('ketenpoort', query, 'postgres');
    const bare = find('bare', query, 'postgres');
    return kp && bare ? pct(kp.rps, bare.rps) : undefined;
  };

  const view = find('ketenpoort', 'view', 'postgres');
  const alone = find('ketenpoort', 'view', 'postgres', 1);
  const page300 = find('ketenpoort', 'caseload300', 'postgres');
  const viewLite = find('ketenpoort', 'view', 'pglite');
  const upload = find('ketenpoort', 'upload', 'postgres');
  const raw = find('ceiling', 'rawinsert', 'postgres');
  const peakOf = (db: GoalRun['db']) => {
    const peaks = runs.filter((r) => r.target === 'ketenpoort' && r.db === db).map((r) => r.peak_rss_mb);
    return peaks.length ? Math.max(...peaks) : undefined;
  };
  const startPg = starts.find((s) => s.db === 'postgres');

  return [
    judge('view ≥ 50 % of the bare gateway\'s rate', ofBare('view'), ' %', 50, false),
    judge('view p99 ≤ 50 ms', view?.p99_ms, ' ms', 50, true, latencyBeside('view', connections, 'p99_ms')),
    judge('one request alone p50 ≤ 5 ms', alone?.p50_ms, ' ms', 5, true, latencyBeside('view', 1, 'p50_ms')),
    judge('caseload of 50 ≥ 50 % of the bare gateway\'s rate', ofBare('caseload50'), ' %', 50, false),
    judge('caseload of 300 p99 ≤ 1 s', page300?.p99_ms, ' ms', 1000, true, latencyBeside('caseload300', connections, 'p99_ms')),
    judge('PGlite view ≥ 50 % of PostgreSQL\'s rate', view && viewLite ? pct(viewLite.rps, view.rps) : undefined, ' %', 50, false),
    judge('uploads ≥ 50 % of the raw insert rate', upload && raw ? pct(upload.rps, raw.rps) : undefined, ' %', 50, false),
    judge('idle ≤ 150 MB', startPg?.idle_rss_mb, ' MB', 150, true),
    judge('under this load ≤ 250 MB', peakOf('postgres'), ' MB', 250, true),
    judge('PGlite peak ≤ 350 MB', peakOf('pglite'), ' MB', 350, true),
    judge('start to /ready on a migrated database ≤ 2 s', startPg?.start_to_ready_s, ' s', 2, true),
  ];
}

/** The verdicts as lines for the bench's output. */
export function goalLines(verdicts: readonly GoalVerdict[]): string[] {
  const width = Math.max(...verdicts.map((v) => v.goal.length));
  return verdicts.map((v) => {
    const mark = (v.verdict === 'missed' ? 'MISSED' : v.verdict).padEnd('not measured'.length);
    return v.value ? `  ${mark} ${v.goal.padEnd(width)}  ${v.value}${v.beside ? ` (${v.beside})` : ''}` : `  ${mark} ${v.goal}`;
  });
}
