// The partners' date formats and their translation to ISO dates; anything but a real calendar
// date is refused, so a partner changing its format shows as an error, not a wrong date.
import { describe, expect, it } from 'vitest';
import { fromCompactDate, fromDutchDate, fromIsoDate, isIsoDate, toCompactDate, toDutchDate } from '../../adapters/common/dates.js';

describe('partner dates', () => {
  it('translate CWI dd-mm-yyyy and the gemeente’s yyyymmdd both ways', () => {
    expect(fromDutchDate('01-11-2026')).toBe('2026-11-01');
    expect(toDutchDate('2026-11-01')).toBe('01-11-2026');
    expect(fromCompactDate('20261101')).toBe('2026-11-01');
    expect(toCompactDate('2026-11-01')).toBe('20261101');
    expect(fromIsoDate('2024-02-29')).toBe('2024-02-29');
  });

  it('refuse dates that do not exist or come in another format', () => {
    for (const bad of ['31-02-2026', '2026-11-01', '1-11-2026', '']) expect(() => fromDutchDate(bad)).toThrow(RangeError);
    for (const bad of ['20260230', '2026-11-01', '261101']) expect(() => fromCompactDate(bad)).toThrow(RangeError);
    for (const bad of ['2025-02-29', '01-11-2026', '2026-13-01']) expect(() => fromIsoDate(bad)).toThrow(RangeError);
    expect(isIsoDate('2026-11-31')).toBe(false);
  });
});
