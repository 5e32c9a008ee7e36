// CPU time per request, by where it is spent: in the gateway process, in the partners' adapters and
// sandboxes, and in the PostgreSQL server. The machines are shared: a rate or a latency moves by a
// third from one minute to the next (the bare gateway's one-client view measured 543 and 193 req/s
// within 25 minutes on 2026-12-05), while the CPU a request costs each process moves far less. So
// the comparison run reports both: what the caller sees, and what each request costs.
//
// Read from /proc (utime + stime) at the start and the end of the measured window. A process that
// exits inside the window takes its time with it; a PostgreSQL server shared with other work (a
// test run beside the bench) is counted whole, so measure on a quiet server.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = clockTicks();

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** User plus system CPU seconds a process has used so far; 0 when it is gone (or not on Linux). */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after it start at field 3 (state),
    // so utime (field 14) and stime (field 15) are the 12th and 13th after the closing parenthesis.
    const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(after[11]) + Number(after[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The processes of a PostgreSQL server running on this machine (server, backends, workers). */
export function postgresPids(): number[] {
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Whose CPU to count; `null` for a group that cannot be seen from here (elsewhere, or in-process). */
export interface CpuGroups {
  gateway: number[];
  /** Each partner's adapter and sandbox, by name: counted together and one by one (which of them a
   * workload loads most: on two cores, one busy adapter caps every target's rate). */
  partners: { name: string; pid: number }[] | null;
  database: number[] | null;
}

/** CPU milliseconds per answered request, per group. */
export interface CpuPerRequest {
  gateway_cpu_ms: number;
  partners_cpu_ms: number | null;
  database_cpu_ms: number | null;
  /** Per partner process (CpuGroups.partners). */
  processes_cpu_ms?: Record<string, number>;
}

const total = (pids: number[]) => pids.reduce((s, pid) => s + cpuSecondsOf(pid), 0);

type Seconds = { gateway: number; partners: number | null; database: number | null; processes?: Record<string, number> };

/** Runs `work` and returns its result with the CPU seconds each group used meanwhile. */
export async function cpuDuring<T>(groups: CpuGroups, work: () => Promise<T>): Promise<{ result: T; seconds: Seconds }> {
  const partnersNow = () => groups.partners?.map((p) => cpuSecondsOf(p.pid)) ?? null;
  const before = { gateway: total(groups.gateway), partners: partnersNow(), database: groups.database && total(groups.database) };
  const result = await work();
  const partners = partnersNow();
  const used = (now: number | null, then: number | null) => (now === null || then === null ? null : Math.max(0, now - then));
  const processes = groups.partners && partners && before.partners
    ? Object.fromEntries(groups.partners.map((p, i) => [p.name, Math.max(0, partners[i]! - before.partners![i]!)]))
    : undefined;
  return {
    result,
    seconds: {
      gateway: used(total(groups.gateway), before.gateway)!,
      partners: processes ? Object.values(processes).reduce((a, b) => a + b, 0) : null,
      database: used(groups.database && total(groups.database), before.database),
      ...(processes ? { processes } : {}),
    },
  };
}

export function perRequest(seconds: Seconds, requests: number): CpuPerRequest {
  const ms = (s: number | null) => (s === null || requests === 0 ? null : Math.round((1000 * s * 100) / requests) / 100);
  return {
    gateway_cpu_ms: ms(seconds.gateway)!,
    partners_cpu_ms: ms(seconds.partners),
    database_cpu_ms: ms(seconds.database),
    ...(seconds.processes && requests > 0 ? { processes_cpu_ms: Object.fromEntries(Object.entries(seconds.processes).map(([n, s]) => [n, ms(s)!])) } : {}),
  };
}

/** The machine's idle share (idle and waiting on I/O, over all cores) while `work` ran; null off Linux. */
export async function machineIdleDuring<T>(work: () => Promise<T>): Promise<{ result: T; idle: number | null }> {
  const read = () => {
    try {
      // The first line of /proc/stat: "cpu user nice system idle iowait irq softirq steal …", in ticks.
      const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
      return { idle: ticks[3]! + ticks[4]!, total: ticks.reduce((s, t) => s + t, 0) };
    } catch {
      return null;
    }
  };
  const before = read();
  const result = await work();
  const after = read();
  const total = before && after ? after.total - before.total : 0;
  return { result, idle: before && after && total > 0 ? (after.idle - before.idle) / total : null };
}
