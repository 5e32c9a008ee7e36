// The kinds of signal a klantmanager gets. The kind is an internal label (stored, in the API's
// `soort`); a person reads the words beside it, and dates in a summary as a Dutch reader writes them.
export const SIGNAL_WORDS = {
  'rapportage-nieuw': 'Nieuwe rapportage',
  'rapportage-te-laat': 'Rapportage te laat',
  'uitkering-beeindigd': 'Uitkering beëindigd',
  'uitkering-gewijzigd': 'Uitkering gewijzigd',
} as const;

export type SignalKind = keyof typeof SIGNAL_WORDS;
export const SIGNAL_KINDS = Object.keys(SIGNAL_WORDS) as SignalKind[];

const dayFmt = new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Amsterdam' });

/**
 * "3 maart 2026" for a calendar day (YYYY-MM-DD, read as that day, not as midnight UTC) or for a
 * moment (the day it was in the Netherlands).
 */
export function dutchDay(value: string | Date): string {
  const d = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00Z`) : new Date(value);
  return dayFmt.format(d);
}
