// Test support: `ketenpoort sandbox|adapter <partner>` as a child process, as an operator runs it,
// reading its JSON log lines. Uses the real bin once gateway/cli/commands.ts lists the commands.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { commands } from '../../gateway/cli/commands.js';

const BIN = fileURLToPath(new URL('../../bin/ketenpoort.js', import.meta.url));
const RUNNER = fileURLToPath(new URL('./run-partner-command.mjs', import.meta.url));

export interface PartnerProcess {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  waitForLog(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

export function runPartnerCommand(args: string[], env: Record<string, string>): PartnerProcess {
  const entry = 'sandbox' in commands && 'adapter' in commands ? BIN : RUNNER;
  const proc = spawn(process.execPath, [entry, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const lines: Record<string, unknown>[] = [];
  const waiters: { p: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  const take = (chunk: Buffer) => {
    out += chunk.toString();
    for (const line of chunk.toString().split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        lines.push(parsed);
        for (const w of [...waiters]) if (w.p(parsed)) waiters.splice(waiters.indexOf(w), 1) && w.resolve(parsed);
      } catch {
        // not a log line
      }
    }
  };
  proc.stdout!.on('data', take);
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return {
    proc,
    output: () => out,
    exited,
    waitForLog(predicate, timeoutMs = 20_000) {
      const seen = lines.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching log line in ${timeoutMs} ms:\n${out}`)), timeoutMs);
        exited.then((code) => reject(new Error(`exited with ${code} before the log line:\n${out}`)));
        waiters.push({ p: predicate, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      });
    },
  };
}
