// Starting and stopping the processes of a comparison run: the partner sandboxes and adapters
// (`ketenpoort sandbox|adapter`), Ketenpoort itself (`ketenpoort serve`) and the bench's own
// targets. Each is a separate Node process, as it would be in production; a process is ready when
// it logs the URL it listens on.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const KETENPOORT_BIN = `${root}bin/ketenpoort.js`;

export interface Proc {
  name: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const alive = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of alive) p.kill('SIGKILL');
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
 * Runs `node <args>` with `env` and waits until it logs a line with `url`, or, given `url`, until
 * GET `url + health` answers 200.
 */
export function startProcess(
  name: string,
  args: string[],
  env: Record<string, string | undefined>,
  options: { url?: string; health?: string; timeoutMs?: number } = {},
): Promise<Proc> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const proc = spawn(process.execPath, args, {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  alive.add(proc);
  const exited = new Promise<void>((resolve) => proc.on('exit', () => (alive.delete(proc), resolve())));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${name} did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(err);
    };
    let listening = false;
    proc.on('exit', (code) => {
      if (!listening) fail(new Error(`${name} exited with ${code} before it listened:\n${output}`));
    });
    proc.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const ready = (url: string) => {
      clearTimeout(timer);
      listening = true;
      // Output after start is not needed; keep the pipes drained.
      proc.stdout!.removeAllListeners('data').resume();
      proc.stderr!.removeAllListeners('data').resume();
      resolve({
        name,
        url,
        pid: proc.pid!,
        async stop() {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
          const killer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
          await exited;
          clearTimeout(killer);
        },
      });
    };
    if (options.url) {
      const poll = async () => {
        while (proc.exitCode === null) {
          const ok = await fetch(options.url + (options.health ?? '/health')).then((r) => r.ok, () => false);
          if (ok) return ready(options.url!);
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      proc.stdout!.on('data', (d: Buffer) => (output += d.toString()));
      void poll();
      return;
    }
    proc.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      for (const line of d.toString().split('\n')) {
        if (!line.startsWith('{')) continue;
        let parsed: { url?: unknown; msg?: unknown };
        try {
          parsed = JSON.parse(line);
        } catch {
          continue;
        }
        if (typeof parsed.url === 'string' && /listening/.test(String(parsed.msg))) return ready(parsed.url);
      }
    });
  });
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
