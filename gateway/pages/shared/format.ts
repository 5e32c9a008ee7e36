// Dates, amounts and names as a Dutch reader expects them ("3 maart 2026", "€ 1.234,56"), always
// in the Netherlands' time zone, whatever the server's.
const TZ = 'Europe/Amsterdam';
const dateFmt = new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'long', year: 'numeric', timeZone: TZ });
const timeFmt = new Intl.DateTimeFormat('nl-NL', { hour: '2-digit', minute: '2-digit', timeZone: TZ });
const euro = new Intl.NumberFormat('nl-NL', { style: 'currency', currency: 'EUR' });

function parse(value: string | null | undefined): Date | undefined {
  if (!value) return undefined;
  // A bare date (yyyy-mm-dd) is a calendar day, not midnight UTC.
  const d = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00Z`) : new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function datum(value: string | null | undefined): string {
  const d = parse(value);
  return d ? dateFmt.format(d) : '';
}

export function datumTijd(value: string | null | undefined): string {
  const d = parse(value);
  return d ? `${dateFmt.format(d)} om ${timeFmt.format(d)}` : '';
}

export function bedrag(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? euro.format(value) : '';
}
