// Date formats the partners' source APIs use, and their translation to the chain's ISO dates
// (yyyy-mm-dd). Each parser refuses anything but a real calendar date, so a partner changing its
// format shows up as an error instead of a silently wrong date.
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const DUTCH = /^(\d{2})-(\d{2})-(\d{4})$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;

// Arithmetic, not a Date round trip: every date of a caseload page passes here (~2,000 for 300
// klanten), and building and printing a Date for each cost the adapters ~5 % of their CPU
// (bench/compare.ts --profile). The proleptic Gregorian calendar, as Date has it.
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

function checked(y: string, m: string, d: string, input: string): string {
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  const last = month === 2 && isLeap(year) ? 29 : DAYS[month - 1];
  if (last === undefined || day < 1 || day > last) throw new RangeError(`not a calendar date: ${JSON.stringify(input)}`);
  return `${y}-${m}-${d}`;
}

export function isIsoDate(value: string): boolean {
  const m = ISO.exec(value);
  if (!m) return false;
  try {
    checked(m[1]!, m[2]!, m[3]!, value);
    return true;
  } catch {
    return false;
  }
}

/** dd-mm-yyyy (CWI) → yyyy-mm-dd. */
export function fromDutchDate(value: string): string {
  const m = DUTCH.exec(value);
  if (!m) throw new RangeError(`not a dd-mm-yyyy date: ${JSON.stringify(value)}`);
  return checked(m[3]!, m[2]!, m[1]!, value);
}

/** yyyy-mm-dd → dd-mm-yyyy (CWI). */
export function toDutchDate(iso: string): string {
  const m = ISO.exec(iso);
  if (!m) throw new RangeError(`not an ISO date: ${JSON.stringify(iso)}`);
  return `${m[3]}-${m[2]}-${m[1]}`;
}

/** yyyymmdd (gemeente) → yyyy-mm-dd. */
export function fromCompactDate(value: string): string {
  const m = COMPACT.exec(value);
  if (!m) throw new RangeError(`not a yyyymmdd date: ${JSON.stringify(value)}`);
  return checked(m[1]!, m[2]!, m[3]!, value);
}

/** yyyy-mm-dd → yyyymmdd (gemeente). */
export function toCompactDate(iso: string): string {
  if (!ISO.test(iso)) throw new RangeError(`not an ISO date: ${JSON.stringify(iso)}`);
  return iso.replaceAll('-', '');
}

/** yyyy-mm-dd (UWV) checked and passed through. */
export function fromIsoDate(value: string): string {
  if (!isIsoDate(value)) throw new RangeError(`not a yyyy-mm-dd date: ${JSON.stringify(value)}`);
  return value;
}
