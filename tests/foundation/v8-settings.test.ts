// The V8 settings serve sets on itself (gateway/cli/v8-settings.ts). What they do to memory is
// measured by bench/compare.ts, not here; here: the settings' bounds, which flags they give, that
// an operator's own flag wins, and that this Node's V8 still knows each flag, because
// setFlagsFromString ignores an unknown flag without a word.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from '../../gateway/config.js';
import { NODE_START_FLAGS, applyV8Settings, maxSemiSpaceMb, v8Flags } from '../../gateway/cli/v8-settings.js';

// Setting a V8 flag in the test process would change how this worker compiles and collects.
vi.mock('node:v8', async (original) => ({ ...(await original<typeof import('node:v8')>()), setFlagsFromString: vi.fn() }));

describe('V8 settings', () => {
  it('by default: the heap grows by half past what is live, WebAssembly is compiled once', () => {
    expect(v8Flags(loadConfig({}))).toEqual(['--heap-growing-percent=50', '--liftoff-only']);
  });

  it("asks for V8's own behaviour with HEAP_GROWING_PERCENT=0 and WASM_TIER_UP=on", () => {
    expect(v8Flags(loadConfig({ HEAP_GROWING_PERCENT: '0', WASM_TIER_UP: 'on' }))).toEqual([]);
  });

  it.each([
    [{ HEAP_GROWING_PERCENT: '-1' }, 'HEAP_GROWING_PERCENT', 'percent from 0 to 300'],
    [{ HEAP_GROWING_PERCENT: '301' }, 'HEAP_GROWING_PERCENT', 'percent from 0 to 300'],
    [{ HEAP_GROWING_PERCENT: '50%' }, 'HEAP_GROWING_PERCENT', 'percent from 0 to 300'],
    [{ HEAP_GROWING_PERCENT: '1.5' }, 'HEAP_GROWING_PERCENT', 'percent from 0 to 300'],
    [{ WASM_TIER_UP: 'fast' }, 'WASM_TIER_UP', ''],
  ])('refuses %o, naming %s', (env, variable, expected) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^${variable}: .*${expected}`));
  });

  it('sets each flag, unless node was started with that flag or its negation', () => {
    const set = vi.mocked(setFlagsFromString);
    set.mockClear();
    applyV8Settings(loadConfig({}), ['--enable-source-maps']);
    expect(set.mock.calls).toEqual([['--heap-growing-percent=50'], ['--liftoff-only']]);
    set.mockClear();
    applyV8Settings(loadConfig({}), ['--heap_growing_percent=25', '--no-liftoff-only']);
    applyV8Settings(loadConfig({ HEAP_GROWING_PERCENT: '0', WASM_TIER_UP: 'on' }), []);
    expect(set).not.toHaveBeenCalled();
  });

  it('names flags this Node accepts (an unknown one is refused on the command line)', () => {
    const flags = v8Flags(loadConfig({}));
    expect(execFileSync(process.execPath, [...flags, '-e', 'process.stdout.write("ok")'], { encoding: 'utf8' })).toBe('ok');
    const unknown = spawnSync(process.execPath, ['--heap-growing-percentage=50', '-e', '0'], { encoding: 'utf8' });
    expect(unknown.status).not.toBe(0);
  });

  // The young generation's size holds only when node starts with it: the shipped start commands carry it.
  describe('start flags', () => {
    const root = new URL('../../', import.meta.url);
    // Grows the young generation as a busy gateway does: many objects that survive a collection or two.
    const grow = `const keep = new Array(200000); for (let i = 0; i < 600000; i++) keep[i % 200000] = { i, s: 'x' + i };
      process.stdout.write(String(require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576));`;

    it('cap the young generation, given on the command line or in NODE_OPTIONS; without them V8 lets it grow past that', () => {
      const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
        Number(execFileSync(process.execPath, [...args, '-e', grow], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } }));
      // Two semi-spaces of at most 8 MB each.
      expect(run([...NODE_START_FLAGS])).toBeLessThanOrEqual(16);
      expect(run([], { NODE_OPTIONS: NODE_START_FLAGS.join(' ') })).toBeLessThanOrEqual(16);
      expect(run([])).toBeGreaterThan(16);
    });

    it('are passed by npm start and by the container image', () => {
      const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> };
      expect(pkg.scripts.start).toBe(`node ${NODE_START_FLAGS.join(' ')} bin/ketenpoort.js serve --demo`);
      const runtime = readFileSync(new URL('Dockerfile', root), 'utf8').split(/^FROM .* AS runtime$/m)[1]!;
      expect(runtime).toMatch(new RegExp(`^\\s+NODE_OPTIONS=${NODE_START_FLAGS.join(' ')}$`, 'm'));
    });

    it('are reported as started: NODE_OPTIONS first, then the command line, which wins', () => {
      expect(maxSemiSpaceMb([], '')).toBeUndefined();
      expect(maxSemiSpaceMb(['--enable-source-maps'], '--max-old-space-size=512')).toBeUndefined();
      expect(maxSemiSpaceMb([], '--max-semi-space-size=8')).toBe(8);
      expect(maxSemiSpaceMb(['--max_semi_space_size=16'], '--max-semi-space-size=8')).toBe(16);
    });
  });
});
