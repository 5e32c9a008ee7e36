// Starting and stopping the processes of a comparison run: the partner sandboxes and adapters
// (`ketenpoort sandbox|adapter`), Ketenpoort itself (`ketenpoort serve`) and the bench's own
// targets. Each is a separate Node process, as it would be in production; a process is ready when
// it logs the URL it listens on.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const KETENPOORT_BIN = `${root}bin/ketenpoort.js`;

export interface Proc {
  name: string;
  url: string;
  pid: number;
  /** Where its output goes (removed when the bench exits 0, kept and named when it fails). */
  logFile: string;
  /** SIGTERM, and SIGKILL after 15 s; or at once with the signal given (a crash: `SIGKILL`). */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * How long a setup request (a token, a trajectory, a consent) may take before the run fails naming
 * it: a gateway that stopped answering should end the run in a minute, not at undici's 300 s.
 */
export const SETUP_TIMEOUT_MS = 60_000;

const alive = new Set<ChildProcess>();
const logFiles = new Set<string>();
// Every bench started here keeps its processes' output when it fails (exit code not 0, an uncaught
// error included), to read what went wrong: the gateway's log was once removed with the process,
// so a PGlite run that got no answer for 300 s left nothing to read.
process.once('exit', (code) => {
  for (const p of alive) p.kill('SIGKILL');
  if (code === 0) {
    for (const f of logFiles) rmSync(f, { force: true });
  } else if (logFiles.size > 0) {
    process.stderr.write(`the processes' output is kept in:\n  ${[...logFiles].join('\n  ')}\n`);
  }
});

/** A free loopback port (for a process that logs nothing at the level it runs on). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * Runs `node <args>` with `env`, listening at `url` (the caller chose the port), and waits until
 * GET `url + health` answers 200. Its output goes to a file, never to a pipe into this process:
 * a busy load generator drains a pipe late, and a server writing its log lines synchronously
 * (pino does) would then wait on us and measure our slowness instead of its own.
 */
export async function startProcess(
  name: string,
  args: string[],
  env: Record<string, string | undefined>,
  options: { url: string; health?: string; timeoutMs?: number },
): Promise<Proc> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const logFile = join(tmpdir(), `kp-bench-${name.replace(/\W+/g, '-')}-${Date.now()}.log`);
  const out = openSync(logFile, 'w');
  logFiles.add(logFile);
  const proc = spawn(process.execPath, args, {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  alive.add(proc);
  const exited = new Promise<void>((resolve) => proc.on('exit', () => (alive.delete(proc), resolve())));
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${name} exited with ${proc.exitCode} before it listened:\n${readFileSync(logFile, 'utf8')}`);
    if (Date.now() > until) {
      proc.kill('SIGKILL');
      throw new Error(`${name} did not start in ${timeoutMs} ms:\n${readFileSync(logFile, 'utf8')}`);
    }
    const ok = await fetch(options.url + (options.health ?? '/health')).then((r) => r.ok, () => false);
    if (ok) break;
    // Often enough that the start time (KetenpoortTarget.startSeconds) is not the polling's.
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    name,
    url: options.url,
    pid: proc.pid!,
    logFile,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      const killer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** A process's resident memory now and its peak so far (MB), from /proc. */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every 100 ms while `work` runs; returns the highest sample (MB). */
export async function peakRssDuring<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  let peak = memoryOf(pid)?.rssMb ?? 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, memoryOf(pid)?.rssMb ?? 0);
  }, 100);
  try {
    const result = await work();
    return { result, peakMb: Math.max(peak, memoryOf(pid)?.rssMb ?? 0) };
  } finally {
    clearInterval(timer);
  }
}
