// Runs `ketenpoort` as a child process, as an operator would, and reads its JSON log lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/ketenpoort.js', import.meta.url));

export interface Child {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  /** Resolves with the first JSON log line matching `predicate`. */
  waitForLog(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

// A test that fails or times out must not leave a server running (it would hold its data folder
// and a CPU): every child still alive when the test worker exits is killed.
const alive = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of alive) p.kill('SIGKILL');
});

/** `cwd`: where it runs (a test that checks what it writes to the current folder gives its own). */
export function runKetenpoort(args: string[], env: Record<string, string | undefined>, options: { cwd?: string } = {}): Child {
  const proc = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    // As in testConfig (app.ts): no load shedding (a busy test machine lags on its own) and limits
    // far above any test; a test that is about them sets its own.
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PRESSURE_EVENT_LOOP_DELAY_MS: '0',
      RATE_LIMIT_PER_MINUTE: '1000000',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000',
      RATE_LIMIT_LOGIN_PER_MINUTE: '1000000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: Array<{ p: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }> = [];
  proc.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const line of d.toString().split('\n')) {
      if (!line.startsWith('{')) continue;
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line);
      } catch {
        continue;
      }
      for (const w of [...waiters]) {
        if (w.p(parsed)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(parsed);
        }
      }
    }
  });
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  alive.add(proc);
  const exited = new Promise<number | null>((resolve) =>
    proc.on('exit', (code) => {
      alive.delete(proc);
      resolve(code);
    }),
  );
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLog(predicate, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching log line in ${timeoutMs} ms:\n${out}\n${err}`)), timeoutMs);
        exited.then((code) => reject(new Error(`exited with ${code} before the log line:\n${out}\n${err}`)));
        waiters.push({ p: predicate, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      });
    },
  };
}
