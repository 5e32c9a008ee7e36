// The auditor's forms: plain HTML (no scripts), each wrong field named next to itself and in a
// summary at the top, as the NL Design System asks. Checked here first, in words, so the graph is
// only asked with input it accepts; what it still refuses becomes the pages' error page.
import { isValidBsn } from '../../../lib/bsn.js';
import { MAX_PERIOD_DAYS, addDays } from '../../audit/period.js';
import { REASON_MAX, REASON_MIN } from '../../audit/input.js';
import { alert } from '../shared/components.js';
import { datum } from '../shared/format.js';
import { html, type SafeHtml } from '../shared/html.js';
import { monthWords, recentMonths, today } from './words.js';

export type Fields = Record<string, string>;
export type Problems = Record<string, string>;

/** The posted (or queried) fields as trimmed strings, at most `max` characters each (longer is refused by the checks). */
export function fieldsOf(body: unknown, names: string[], max = 600): Fields {
  const b = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(names.map((n) => [n, typeof b[n] === 'string' ? (b[n] as string).trim().slice(0, max) : '']));
}

const isDay = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v) && v >= '2000-01-01';

/** From the first of this month to today, unless the form says otherwise. */
export function withPeriodDefaults(f: Fields): Fields {
  const now = today();
  return { ...f, van: f.van || `${now.slice(0, 8)}01`, tot: f.tot || now };
}

export function checkPeriod(f: Fields, p: Problems) {
  if (!isDay(f.van ?? '')) p.van = 'Kies de eerste dag.';
  if (!isDay(f.tot ?? '')) p.tot = 'Kies de laatste dag.';
  else if (!p.van && f.tot! < f.van!) p.tot = `De laatste dag ligt vóór de eerste dag (${datum(f.van)}).`;
  else if (!p.van && f.tot! > addDays(f.van!, MAX_PERIOD_DAYS)) p.tot = `Kies een periode van hoogstens ${MAX_PERIOD_DAYS} dagen.`;
}

export function checkReason(f: Fields, p: Problems) {
  const n = (f.reden ?? '').replace(/\s+/g, ' ').length;
  if (n < REASON_MIN) p.reden = `Schrijf op waarom u dit bekijkt, in minstens ${REASON_MIN} tekens. De reden wordt bewaard bij uw controle.`;
  else if (n > REASON_MAX) p.reden = `De reden is te lang: hoogstens ${REASON_MAX} tekens.`;
}

export function checkBsn(f: Fields, p: Problems) {
  const bsn = (f.bsn ?? '').replace(/[\s.]/g, '');
  if (!bsn) p.bsn = 'Vul het BSN van de cliënt in.';
  else if (!isValidBsn(bsn)) {
    p.bsn = /^\d{9}$/.test(bsn)
      ? 'Dit is geen geldig BSN. Het nummer heeft negen cijfers, maar klopt niet volgens de elfproef.'
      : 'Dit is geen geldig BSN. Een BSN heeft negen cijfers.';
  }
}

/** A month from the list the form offers (this month and the twelve before it). */
export function checkMonth(f: Fields, p: Problems) {
  if (!recentMonths().includes(f.maand ?? '')) p.maand = 'Kies een maand uit de lijst.';
}

const described = (name: string, problem?: string) =>
  html`aria-describedby="${name}-uitleg${problem ? ` ${name}-fout` : ''}"${problem ? html` aria-invalid="true"` : ''}`;

function wrap(name: string, label: string, hint: string, problem: string | undefined, input: SafeHtml, kind = 'text'): SafeHtml {
  return html`<div class="utrecht-form-field utrecht-form-field--${kind} kp-field${problem ? ' utrecht-form-field--invalid' : ''}">
    <div class="utrecht-form-field__label"><label class="utrecht-form-label" for="${name}">${label}</label></div>
    <div class="utrecht-form-field-description" id="${name}-uitleg">${hint}</div>
    ${problem ? html`<div class="utrecht-form-field-error-message kp-error" id="${name}-fout">${problem}</div>` : ''}
    <div class="utrecht-form-field__input">${input}</div>
  </div>`;
}

export function textField(input: { name: string; label: string; hint: string; value: string; problem?: string; type?: 'text' | 'date'; extra?: SafeHtml }): SafeHtml {
  const { name, problem } = input;
  return wrap(name, input.label, input.hint, problem, html`<input class="utrecht-textbox utrecht-textbox--html-input${problem ? ' utrecht-textbox--invalid' : ''}" type="${input.type ?? 'text'}" id="${name}" name="${name}" value="${input.value}" ${described(name, problem)} ${input.extra ?? ''}>`);
}

export function reasonField(value: string, problem: string | undefined, hint = 'Bijvoorbeeld een zaaknummer of de vraag die u onderzoekt. De reden wordt bewaard bij uw controle.'): SafeHtml {
  return wrap('reden', 'Reden van uw controle', hint, problem, html`<textarea class="utrecht-textarea utrecht-textarea--html-textarea${problem ? ' utrecht-textarea--invalid' : ''}" id="reden" name="reden" rows="3" maxlength="${REASON_MAX}" ${described('reden', problem)}>${value}</textarea>`, 'textarea');
}

export function periodFields(f: Fields, p: Problems): SafeHtml {
  return html`${textField({ name: 'van', label: 'Eerste dag', hint: 'De eerste dag van de periode.', value: f.van ?? '', problem: p.van, type: 'date' })}
    ${textField({ name: 'tot', label: 'Laatste dag', hint: `De laatste dag telt mee. Hoogstens ${MAX_PERIOD_DAYS} dagen na de eerste.`, value: f.tot ?? '', problem: p.tot, type: 'date' })}`;
}

export function monthField(chosen: string, problem: string | undefined, id = 'maand'): SafeHtml {
  return wrap(id, 'Maand', 'Deze maand of een van de twaalf maanden ervoor.', problem, html`<select class="utrecht-select utrecht-select--html-select" id="${id}" name="maand" ${described(id, problem)}>
    ${recentMonths().map((m) => html`<option value="${m}"${m === chosen ? html` selected` : ''}>${monthWords(m)}</option>`)}
  </select>`, 'select');
}

const LABELS: Record<string, string> = { bsn: 'BSN', medewerker: 'Medewerker', van: 'Eerste dag', tot: 'Laatste dag', reden: 'Reden', maand: 'Maand', formaat: 'Soort bestand', status: 'Stand', toelichting: 'Toelichting' };

/** The summary at the top: each problem links to its field. */
export function summary(problems: Problems): SafeHtml | '' {
  const entries = Object.entries(problems);
  if (!entries.length) return '';
  return alert('error', html`<p class="utrecht-paragraph"><strong>Kijk dit na:</strong></p><ul class="utrecht-unordered-list">${entries.map(
    ([k, m]) => html`<li class="utrecht-unordered-list__item"><a class="utrecht-link" href="#${k}">${LABELS[k] ?? k}: ${m}</a></li>`,
  )}</ul>`);
}

/** Hidden copies of fields, for "next page" buttons that post the same lookup again. */
export const hidden = (f: Fields) => Object.entries(f).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`);
