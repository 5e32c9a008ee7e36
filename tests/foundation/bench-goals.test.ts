// The comparison run judges issue 10's goals from its own figures (bench/support/goals.ts): each
// goal's limit, which side of it counts, and what the run did not measure.
import { describe, expect, it } from 'vitest';
import { judgeGoals, type GoalRun, type GoalStart } from '../../bench/support/goals.js';

const run = (target: GoalRun['target'], query: string, db: GoalRun['db'], rps: number, p50: number, p99: number, peak = 180, connections = 20): GoalRun => ({
  target, query, db, connections, rps, p50_ms: p50, p99_ms: p99, peak_rss_mb: peak,
});

// The 2026-12-06 16:04 run's figures (README, Benchmarks).
const runs: GoalRun[] = [
  run('ceiling', 'view', 'postgres', 916.4, 19, 57),
  run('bare', 'view', 'postgres', 758.5, 23, 72),
  run('ketenpoort', 'view', 'postgres', 500.4, 36, 89.5, 181),
  run('ceiling', 'view', 'postgres', 440.8, 1, 10.5, 123, 1),
  run('bare', 'view', 'postgres', 307.4, 2, 14.5, 130, 1),
  run('ketenpoort', 'view', 'postgres', 181.5, 4.5, 27, 175, 1),
  run('bare', 'caseload50', 'postgres', 321.5, 57.5, 116),
  run('ketenpoort', 'caseload50', 'postgres', 197.4, 92.5, 194.5, 188),
  run('bare', 'caseload300', 'postgres', 39.2, 484.5, 895),
  run('ketenpoort', 'caseload300', 'postgres', 29.5, 645.5, 848.5, 196),
  run('ketenpoort', 'upload', 'postgres', 822.6, 21, 68.5, 194),
  run('ceiling', 'rawinsert', 'postgres', 1617.3, 10.5, 39, 314),
  run('ketenpoort', 'view', 'pglite', 458, 40.5, 89, 271),
];
const starts: GoalStart[] = [{ db: 'postgres', start_to_ready_s: 1.6, idle_rss_mb: 148 }, { db: 'pglite', start_to_ready_s: 2.5, idle_rss_mb: 204 }];
const byGoal = (verdicts: ReturnType<typeof judgeGoals>) => Object.fromEntries(verdicts.map((v) => [v.goal, v]));

describe('issue 10 goals judged from a comparison run', () => {
  it('judges every goal from the figures, with the ceiling and bare gateway beside each latency', () => {
    const v = byGoal(judgeGoals(runs, starts, 20));
    expect(v['view ≥ 50 % of the bare gateway\'s rate']).toMatchObject({ value: '65.9 %', verdict: 'met' });
    expect(v['view p99 ≤ 50 ms']).toEqual({ goal: 'view p99 ≤ 50 ms', value: '89.5 ms', beside: 'ceiling 57 ms, bare 72 ms', verdict: 'missed' });
    expect(v['one request alone p50 ≤ 5 ms']).toMatchObject({ value: '4.5 ms', beside: 'ceiling 1 ms, bare 2 ms', verdict: 'met' });
    expect(v['caseload of 50 ≥ 50 % of the bare gateway\'s rate']).toMatchObject({ value: '61.3 %', verdict: 'met' });
    expect(v['caseload of 300 p99 ≤ 1 s']).toMatchObject({ value: '848.5 ms', beside: 'ceiling -, bare 895 ms', verdict: 'met' });
    expect(v['PGlite view ≥ 50 % of PostgreSQL\'s rate']).toMatchObject({ value: '91.5 %', verdict: 'met' });
    expect(v['uploads ≥ 50 % of the raw insert rate']).toMatchObject({ value: '50.8 %', verdict: 'met' });
    expect(v['idle ≤ 150 MB']).toMatchObject({ value: '148 MB', verdict: 'met' });
    // The highest of Ketenpoort's PostgreSQL rows, not the raw inserts' process.
    expect(v['under this load ≤ 250 MB']).toMatchObject({ value: '196 MB', verdict: 'met' });
    expect(v['PGlite peak ≤ 350 MB']).toMatchObject({ value: '271 MB', verdict: 'met' });
    expect(v['start to /ready on a migrated database ≤ 2 s']).toMatchObject({ value: '1.6 s', verdict: 'met' });
  });

  it('a ratio just under the limit is missed, a latency at the limit is met', () => {
    const edge = [run('bare', 'view', 'postgres', 1000, 20, 40), run('ketenpoort', 'view', 'postgres', 499.9, 25, 50)];
    const v = byGoal(judgeGoals(edge, [{ db: 'postgres', start_to_ready_s: 2.01, idle_rss_mb: 150 }], 20));
    expect(v['view ≥ 50 % of the bare gateway\'s rate']).toMatchObject({ value: '49.9 %', verdict: 'missed' });
    expect(v['view p99 ≤ 50 ms']).toMatchObject({ value: '50 ms', verdict: 'met' });
    expect(v['idle ≤ 150 MB']).toMatchObject({ verdict: 'met' });
    expect(v['start to /ready on a migrated database ≤ 2 s']).toMatchObject({ verdict: 'missed' });
  });

  it('says what the run did not measure instead of passing or failing it', () => {
    const v = byGoal(judgeGoals([run('ketenpoort', 'view', 'pglite', 400, 40, 90, 250)], [], 20));
    expect(v['PGlite peak ≤ 350 MB']).toMatchObject({ value: '250 MB', verdict: 'met' });
    for (const goal of ['view p99 ≤ 50 ms', 'view ≥ 50 % of the bare gateway\'s rate', 'PGlite view ≥ 50 % of PostgreSQL\'s rate', 'uploads ≥ 50 % of the raw insert rate', 'idle ≤ 150 MB', 'start to /ready on a migrated database ≤ 2 s']) {
      expect(v[goal]).toEqual({ goal, verdict: 'not measured' });
    }
  });
});
