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

  it('accept exactly the days the Gregorian calendar has, as a Date round trip does', () => {
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    let accepted = 0;
    for (const year of [0, 1600, 1900, 1999, 2000, 2023, 2024, 2025, 2100, 2400, 9999]) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const iso = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
          const date = new Date(`${iso}T00:00:00Z`);
          const real = !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === iso;
          expect(isIsoDate(iso), iso).toBe(real);
          if (real) {
            accepted++;
            expect(fromCompactDate(iso.replaceAll('-', ''))).toBe(iso);
            expect(fromDutchDate(`${pad(day, 2)}-${pad(month, 2)}-${pad(year, 4)}`)).toBe(iso);
          } else {
            expect(() => fromCompactDate(iso.replaceAll('-', '')), iso).toThrow(RangeError);
          }
        }
      }
    }
    // 11 years, of which 0, 1600, 2000, 2024 and 2400 leap years.
    expect(accepted).toBe(6 * 365 + 5 * 366);
  });
});
