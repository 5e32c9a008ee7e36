// The README's walk-through for a re-integratiebureau, run exactly as written: the ```sh block
// between its walkthrough markers goes to bash against `ketenpoort serve --demo` (its own port and
// data folder), with only KP set, as a person pasting it beside `npm start` would have. Each step's
// printed line is checked, so the document cannot drift from what the gateway does.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dutchDayEndsAt } from '../../lib/dutch-day.js';
import { runKetenpoort, type Child } from '../support/child.js';
import { freshDatabase } from '../support/database.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** The shell block between `<!-- walkthrough:start -->` and `<!-- walkthrough:end -->`. */
function walkthroughBlock(readme: string): string {
  const between = /<!-- walkthrough:start -->\s*```sh\n([\s\S]*?)```\s*<!-- walkthrough:end -->/.exec(readme);
  if (!between) throw new Error('README.md has no ```sh block between the walkthrough markers');
  return between[1]!;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function runBash(script: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // -e and pipefail: a step that fails stops the walk there instead of feeding the next one.
    const proc = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd: ROOT, env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env } });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

let gateway: Child;
let url: string;
let cleanup: () => Promise<void> = async () => {};

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kp-readme-'));
  const env: Record<string, string> = { DATA_DIR: dir, PORT: String(await freePort()), LOG_LEVEL: 'info', SIGNAL_SCAN_INTERVAL_MS: '0' };
  let drop = async () => {};
  if (process.env.DATABASE_URL) {
    const s = await freshDatabase(process.env.DATABASE_URL);
    env.DATABASE_URL = s.url;
    drop = s.drop;
  }
  cleanup = async () => {
    if (gateway && gateway.proc.exitCode === null) {
      gateway.proc.kill('SIGTERM');
      await gateway.exited;
    }
    await drop();
    await rm(dir, { recursive: true, force: true });
  };
  gateway = runKetenpoort(['serve', '--demo'], env);
  url = (await gateway.waitForLog((l) => l.msg === 'Ketenpoort is listening', 120_000)).url as string;
}, 180_000);
afterAll(() => cleanup());

describe('README: a RIB from consent to corrected report', () => {
  it('runs as written: consent asked and approved, token, PDF, report with receipt, retry, correction', { timeout: 240_000 }, async () => {
    const block = walkthroughBlock(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    const run = await runBash(block, { KP: url });
    const explain = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
    expect(run.code, explain).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(lines, explain).toHaveLength(8);
    const [assigned, asked, approved, token, bijlage, receipt, retry, correction] = lines as Record<string, any>[];

    expect(assigned!.trajectId).toMatch(UUID);
    expect(asked!.id).toMatch(UUID);
    expect(asked!.status).toBe('openstaand');
    expect(approved!.status).toBe('actief');
    expect(approved!.id).toMatch(UUID);
    // The consent holds through its last day, Dutch time; the token expires when that day is over.
    expect(approved!.geldigTot).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(token!.expires_at).toBe(dutchDayEndsAt(approved!.geldigTot).toISOString());
    expect(token!.token_type).toBe('consent');

    // The raw body arrived as sent: the receipt's SHA-256 is that of the bytes printf wrote.
    expect(bijlage!).toEqual({
      bijlageId: expect.stringMatching(UUID),
      bestandsnaam: 'voortgang.pdf',
      sha256: createHash('sha256').update('%PDF-1.4\n%%EOF\n').digest('hex'),
    });

    expect(receipt!.rapportageId).toMatch(UUID);
    expect(receipt!.volgnummer).toBe(1);
    expect(receipt!.hash).toMatch(SHA256);
    expect(receipt!.ketenhoofd).toBe(1);
    // The retry with the same Idempotency-Key: the same receipt, not a second report.
    expect(retry).toEqual({ rapportageId: receipt!.rapportageId, volgnummer: 1, hash: receipt!.hash });
    expect(correction!.corrigeert).toBe(receipt!.rapportageId);
    expect(correction!.rapportageId).not.toBe(receipt!.rapportageId);
    expect(correction!.volgnummer).toBe(2);
    expect(correction!.hash).toMatch(SHA256);
    expect(correction!.hash).not.toBe(receipt!.hash);

    // No warning or error on the way (npx, curl, jq or the gateway).
    expect(run.stderr).toBe('');
  });
});
