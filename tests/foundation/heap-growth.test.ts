// HEAP_GROWING_PERCENT (gateway/cli/heap-growth.ts). What it does to memory is measured by
// bench/compare.ts, not here; here: the setting's bounds, and that this Node's V8 still knows the
// flag, because setFlagsFromString ignores an unknown flag without a word.
import { execFileSync, spawnSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from '../../gateway/config.js';
import { applyHeapGrowing, heapGrowingFlag } from '../../gateway/cli/heap-growth.js';

// Setting a V8 flag in the test process would change how this worker collects garbage.
vi.mock('node:v8', async (original) => ({ ...(await original<typeof import('node:v8')>()), setFlagsFromString: vi.fn() }));

describe('HEAP_GROWING_PERCENT', () => {
  it('is 50 unless set, and 0 leaves V8 its own factor', () => {
    expect(loadConfig({}).HEAP_GROWING_PERCENT).toBe(50);
    expect(heapGrowingFlag(loadConfig({}).HEAP_GROWING_PERCENT)).toBe('--heap-growing-percent=50');
    expect(heapGrowingFlag(loadConfig({ HEAP_GROWING_PERCENT: '0' }).HEAP_GROWING_PERCENT)).toBeUndefined();
  });

  it.each(['-1', '301', '50%', '1.5', 'fast'])('refuses %s, naming the variable', (value) => {
    expect(() => loadConfig({ HEAP_GROWING_PERCENT: value })).toThrow(ConfigError);
    expect(() => loadConfig({ HEAP_GROWING_PERCENT: value })).toThrow(/^HEAP_GROWING_PERCENT: .*expected percent from 0 to 300/);
  });

  it('names a flag this Node accepts (an unknown one would be refused on the command line)', () => {
    const flag = heapGrowingFlag(50)!;
    expect(execFileSync(process.execPath, [flag, '-e', 'process.stdout.write("ok")'], { encoding: 'utf8' })).toBe('ok');
    const unknown = spawnSync(process.execPath, ['--heap-growing-percentage=50', '-e', '0'], { encoding: 'utf8' });
    expect(unknown.status).not.toBe(0);
  });

  it('sets the flag, unless node was started with it', () => {
    const set = vi.mocked(setFlagsFromString);
    set.mockClear();
    applyHeapGrowing(50, ['--enable-source-maps']);
    expect(set).toHaveBeenCalledWith('--heap-growing-percent=50');
    set.mockClear();
    applyHeapGrowing(50, ['--heap-growing-percent=25']);
    applyHeapGrowing(50, ['--heap_growing_percent=25']);
    applyHeapGrowing(0, []);
    expect(set).not.toHaveBeenCalled();
  });
});
