// What a RIB may put in a report, checked before anything is stored. Every refusal is a
// BAD_USER_INPUT naming the field (a dotted path into the input), so a RIB's system can say exactly
// what to fix. The shape follows the trajectory plan: goals (leerdoelen, prestatiedoelen) with their
// progress, activities, attendance, result and advice.
import { z } from 'zod';
import { dutchDay } from '../../lib/dutch-day.js';
import { badInput, KetenError } from '../errors.js';

/** Largest report body, as canonical JSON. A monthly report is a few KiB; this leaves ample room. */
export const MAX_BODY_BYTES = 64 * 1024;
export const SOORTEN = ['voortgangsrapportage', 'eindrapportage'] as const;
export const DOEL_SOORTEN = ['leerdoel', 'prestatiedoel'] as const;
export const VOORTGANG = ['niet_gestart', 'loopt', 'behaald', 'niet_behaald'] as const;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'an existing date');
const text = (max: number) => z.string().trim().min(1, 'may not be empty').max(max, `at most ${max} characters`);
const optionalText = (max: number) => z.string().trim().max(max, `at most ${max} characters`).optional();
const count = z.number().int('a whole number').min(0, 'zero or more').max(10_000, 'at most 10000');

const doel = z.strictObject({
  soort: z.enum(DOEL_SOORTEN),
  omschrijving: text(500),
  voortgang: z.enum(VOORTGANG),
  toelichting: optionalText(2000),
});

const activiteit = z.strictObject({
  datum: isoDate,
  omschrijving: text(500),
  uren: z.number().min(0, 'zero or more').max(24, 'at most 24').multipleOf(0.25, 'in quarters of an hour').optional(),
});

const aanwezigheid = z
  .strictObject({
    gepland: count,
    aanwezig: count,
    afwezigMetBericht: count,
    afwezigZonderBericht: count,
    toelichting: optionalText(2000),
  })
  .refine((a) => a.aanwezig + a.afwezigMetBericht + a.afwezigZonderBericht <= a.gepland, {
    message: 'aanwezig plus afwezig may not exceed gepland',
    path: ['gepland'],
  });

export const rapportageInput = z
  .strictObject({
    soort: z.enum(SOORTEN),
    periode: z.strictObject({ van: isoDate, tot: isoDate }),
    doelen: z.array(doel).min(1, 'name at least one goal').max(30, 'at most 30 goals'),
    activiteiten: z.array(activiteit).max(100, 'at most 100 activities').default([]),
    aanwezigheid,
    resultaat: optionalText(5000),
    advies: optionalText(5000),
    /** Ids of PDFs uploaded into the same block (POST .../bijlagen). */
    bijlagen: z.array(z.uuid('an attachment id (uuid)')).max(20, 'at most 20 attachments').default([]),
    /** The report this one corrects; the old one stays, this becomes its next version. */
    corrigeert: z.uuid('a report id (uuid)').optional(),
  })
  .superRefine((r, ctx) => {
    if (r.periode.van > r.periode.tot) ctx.addIssue({ code: 'custom', path: ['periode', 'tot'], message: 'may not lie before periode.van' });
    if (r.soort === 'eindrapportage') {
      if (!r.resultaat) ctx.addIssue({ code: 'custom', path: ['resultaat'], message: 'an eindrapportage states the result' });
      if (!r.advies) ctx.addIssue({ code: 'custom', path: ['advies'], message: 'an eindrapportage gives advice' });
    }
    r.activiteiten.forEach((a, i) => {
      if (a.datum < r.periode.van || a.datum > r.periode.tot) {
        ctx.addIssue({ code: 'custom', path: ['activiteiten', i, 'datum'], message: 'must lie in the reported period' });
      }
    });
    if (new Set(r.bijlagen).size !== r.bijlagen.length) ctx.addIssue({ code: 'custom', path: ['bijlagen'], message: 'names an attachment twice' });
  });

export type RapportageInput = z.infer<typeof rapportageInput>;

function fieldOf(issue: z.core.$ZodIssue): string {
  return ['rapportage', ...issue.path.map(String)].join('.');
}

/** Parses a report; throws BAD_USER_INPUT naming the first wrong field. */
export function parseRapportage(value: unknown): RapportageInput {
  // Checked on the raw value too: a huge body is refused before zod walks it.
  if (Buffer.byteLength(JSON.stringify(value ?? null)) > MAX_BODY_BYTES) {
    throw new KetenError('PAYLOAD_TOO_LARGE', `rapportage: at most ${MAX_BODY_BYTES} bytes`, { field: 'rapportage' });
  }
  const parsed = rapportageInput.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badInput(fieldOf(issue), issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : issue.message);
  }
  return parsed.data;
}

/** The Idempotency-Key header (IETF draft): a caller-chosen key, a UUID recommended. */
export function parseIdempotencyKey(value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9._:-]{8,128}$/.test(value)) {
    throw badInput('Idempotency-Key', 'send a key of 8-128 characters (letters, digits, . _ : -), a UUID is best');
  }
  return value;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The period must lie within the trajectory and may not end in the future. */
export function checkPeriod(input: RapportageInput, traject: { startsOn: Date; endsOn: Date }, now = new Date()): void {
  const start = day(traject.startsOn);
  const end = day(traject.endsOn);
  if (input.periode.van < start) throw badInput('rapportage.periode.van', `may not lie before the start of the trajectory (${start})`);
  if (input.periode.tot > end) throw badInput('rapportage.periode.tot', `may not lie after the end of the trajectory (${end})`);
  // Today as the RIB's staff count it: in the Netherlands (at 00:30 there, UTC is still yesterday).
  if (input.periode.tot > dutchDay(now)) throw badInput('rapportage.periode.tot', 'may not lie in the future');
}
