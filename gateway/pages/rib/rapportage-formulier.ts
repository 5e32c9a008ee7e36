// The report form (voortgangs- or eindrapportage) as plain HTML, no scripts: a fixed number of rows
// for goals and activities (empty rows are left out), attendance, result, advice and PDFs. The page
// only turns the typed text into the API's report (numbers, dates, empty rows); what is allowed is
// the API's to decide, and a field it refuses comes back next to that field in Dutch.
import { alert } from '../shared/components.js';
import { datum } from '../shared/format.js';
import { html, type SafeHtml } from '../shared/html.js';

export type Fields = Record<string, string>;
export type Problems = Record<string, string>;

export const MIN_ROWS = 3;

const DOEL_SOORT: [string, string][] = [['leerdoel', 'Leerdoel'], ['prestatiedoel', 'Prestatiedoel']];
const VOORTGANG: [string, string][] = [['niet_gestart', 'Nog niet begonnen'], ['loopt', 'Bezig'], ['behaald', 'Gehaald'], ['niet_behaald', 'Niet gehaald']];

/** Only the form's own text fields, trimmed and bounded. */
export function cleanFields(body: unknown): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (typeof v === 'string' && /^[A-Za-z0-9]{1,40}$/.test(k) && k !== 'bijlagen') out[k] = v.trim().slice(0, 5000);
  }
  return out;
}

/** How many goal and activity rows the posted form had (at least MIN_ROWS). */
export function rowsOf(f: Fields, prefix: 'doel' | 'act'): number {
  let n = MIN_ROWS;
  for (const k of Object.keys(f)) {
    const m = new RegExp(`^${prefix}(\\d{1,2})[A-Z]`).exec(k);
    if (m) n = Math.max(n, Number(m[1]));
  }
  return Math.min(n, 30);
}

function number(f: Fields, name: string, p: Problems, optional = false): number | undefined {
  const v = (f[name] ?? '').replace(',', '.');
  if (v === '') {
    if (!optional) p[name] = 'Vul een aantal in (0 als het er geen waren).';
    return undefined;
  }
  const n = Number(v);
  if (!Number.isFinite(n)) {
    p[name] = 'Vul een getal in.';
    return undefined;
  }
  return n;
}

/** The typed form as the API's report, or the problems that keep it from being one. */
export function toRapportage(f: Fields, bijlagen: string[]): { rapportage?: Record<string, unknown>; problems: Problems } {
  const p: Problems = {};
  if (f.soort !== 'voortgangsrapportage' && f.soort !== 'eindrapportage') p.soort = 'Kies wat voor rapportage dit is.';
  if (!f.van) p.van = 'Kies de eerste dag van de periode.';
  if (!f.tot) p.tot = 'Kies de laatste dag van de periode.';
  const doelen = [];
  for (let i = 1; i <= rowsOf(f, 'doel'); i++) {
    const omschrijving = f[`doel${i}Omschrijving`] ?? '';
    if (!omschrijving) continue;
    doelen.push({ soort: f[`doel${i}Soort`] ?? '', omschrijving, voortgang: f[`doel${i}Voortgang`] ?? '', ...(f[`doel${i}Toelichting`] ? { toelichting: f[`doel${i}Toelichting`] } : {}) });
  }
  if (!doelen.length) p.doel1Omschrijving = 'Noem minstens één doel.';
  const activiteiten = [];
  for (let i = 1; i <= rowsOf(f, 'act'); i++) {
    const omschrijving = f[`act${i}Omschrijving`] ?? '';
    if (!omschrijving && !f[`act${i}Datum`]) continue;
    const uren = number(f, `act${i}Uren`, p, true);
    activiteiten.push({ datum: f[`act${i}Datum`] ?? '', omschrijving, ...(uren !== undefined ? { uren } : {}) });
  }
  const aanwezigheid = {
    gepland: number(f, 'gepland', p),
    aanwezig: number(f, 'aanwezig', p),
    afwezigMetBericht: number(f, 'afwezigMetBericht', p),
    afwezigZonderBericht: number(f, 'afwezigZonderBericht', p),
    ...(f.aanwezigToelichting ? { toelichting: f.aanwezigToelichting } : {}),
  };
  if (Object.keys(p).length) return { problems: p };
  return {
    problems: p,
    rapportage: {
      soort: f.soort,
      periode: { van: f.van, tot: f.tot },
      doelen,
      activiteiten,
      aanwezigheid,
      ...(f.resultaat ? { resultaat: f.resultaat } : {}),
      ...(f.advies ? { advies: f.advies } : {}),
      bijlagen,
      ...(f.corrigeert ? { corrigeert: f.corrigeert } : {}),
    },
  };
}

const DATE_IN = /\((\d{4}-\d{2}-\d{2})\)/;

/** The API names the first wrong field (`rapportage.doelen.0.omschrijving`): that field of this form, in Dutch. */
export function problemFromApi(field: string | undefined, detail: string | undefined): Problems {
  const path = (field ?? '').split('.').slice(1);
  const msg = detail ?? '';
  const when = DATE_IN.exec(msg)?.[1];
  let text = 'Dit klopt niet. Kijk het na.';
  if (msg.includes('before the start of the trajectory')) text = `Deze dag ligt vóór het begin van het traject${when ? ` (${datum(when)})` : ''}.`;
  else if (msg.includes('after the end of the trajectory')) text = `Deze dag ligt na het einde van het traject${when ? ` (${datum(when)})` : ''}.`;
  else if (msg.includes('in the future')) text = 'Deze dag ligt in de toekomst.';
  else if (msg.includes('before periode.van')) text = 'De laatste dag ligt vóór de eerste dag.';
  else if (msg.includes('states the result')) text = 'Een eindrapportage noemt het resultaat.';
  else if (msg.includes('gives advice')) text = 'Een eindrapportage geeft een advies.';
  else if (msg.includes('may not exceed gepland')) text = 'Aanwezig en afwezig samen zijn meer dan gepland.';
  else if (msg.includes('reported period')) text = 'Deze dag ligt niet in de periode van de rapportage.';
  else if (msg.includes('quarters of an hour')) text = 'Vul uren in kwartieren in, bijvoorbeeld 1,5.';
  else if (msg.includes('at most 24')) text = 'Hoogstens 24 uur op een dag.';
  else if (msg.includes('characters')) text = 'Deze tekst is te lang.';
  else if (msg.includes('may not be empty')) text = 'Vul dit in.';
  else if (msg.includes('a date')) text = 'Kies een bestaande dag.';
  const [top, index, sub] = path;
  const row = index !== undefined && /^\d+$/.test(index) ? Number(index) + 1 : 1;
  const cap = (s: string | undefined, fallback: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : fallback);
  switch (top) {
    case 'soort':
      return { soort: 'Kies wat voor rapportage dit is.' };
    case 'periode':
      return { [index === 'tot' ? 'tot' : 'van']: text };
    case 'doelen':
      return { [`doel${row}${cap(sub, 'Omschrijving')}`]: sub === undefined && index === undefined ? 'Noem minstens één doel.' : text };
    case 'activiteiten':
      return { [`act${row}${cap(sub, 'Omschrijving')}`]: text };
    case 'aanwezigheid':
      return { [index === 'toelichting' ? 'aanwezigToelichting' : index ?? 'gepland']: text };
    case 'resultaat':
    case 'advies':
      return { [top]: text };
    case 'bijlagen':
      return { bijlagen: 'Een bijlage hoort niet bij dit blok. Kies de bestanden opnieuw.' };
    default:
      return { soort: text };
  }
}

const LABELS: Record<string, string> = {
  soort: 'Soort rapportage',
  van: 'Eerste dag van de periode',
  tot: 'Laatste dag van de periode',
  gepland: 'Geplande afspraken',
  aanwezig: 'Aanwezig',
  afwezigMetBericht: 'Afgemeld',
  afwezigZonderBericht: 'Niet gekomen zonder bericht',
  aanwezigToelichting: 'Toelichting op de aanwezigheid',
  resultaat: 'Resultaat',
  advies: 'Advies',
  bijlagen: 'Bijlagen (PDF)',
};

function labelOf(name: string): string {
  const m = /^(doel|act)(\d+)([A-Z]\w*)$/.exec(name);
  if (!m) return LABELS[name] ?? name;
  const part: Record<string, string> = { Soort: 'soort', Omschrijving: 'omschrijving', Voortgang: 'voortgang', Toelichting: 'toelichting', Datum: 'dag', Uren: 'uren' };
  return `${m[1] === 'doel' ? 'Doel' : 'Activiteit'} ${m[2]}: ${part[m[3]!] ?? m[3]}`;
}

/** The summary at the top: each problem links to its field. */
export function summary(p: Problems): SafeHtml | '' {
  const entries = Object.entries(p);
  if (!entries.length) return '';
  return alert('error', html`<p class="utrecht-paragraph">Er klopt iets niet:</p><ul class="utrecht-unordered-list">${entries.map(
    ([k, m]) => html`<li class="utrecht-unordered-list__item"><a class="utrecht-link" href="#${k}">${labelOf(k)}: ${m}</a></li>`,
  )}</ul>`);
}

function wrap(name: string, label: string, hint: string | undefined, problem: string | undefined, input: SafeHtml, kind = 'text'): SafeHtml {
  return html`<div class="utrecht-form-field utrecht-form-field--${kind} kp-field${problem ? ' utrecht-form-field--invalid' : ''}">
    <div class="utrecht-form-field__label"><label class="utrecht-form-label" for="${name}">${label}</label></div>
    ${hint ? html`<div class="utrecht-form-field-description" id="${name}-uitleg">${hint}</div>` : ''}
    ${problem ? html`<div class="utrecht-form-field-error-message kp-error" id="${name}-fout">${problem}</div>` : ''}
    <div class="utrecht-form-field__input">${input}</div>
  </div>`;
}

const aria = (name: string, hint: boolean, problem?: string) => {
  const ids = [hint ? `${name}-uitleg` : '', problem ? `${name}-fout` : ''].filter(Boolean).join(' ');
  return html`${ids ? html` aria-describedby="${ids}"` : ''}${problem ? html` aria-invalid="true"` : ''}`;
};

function input(f: Fields, p: Problems, name: string, type: 'text' | 'date' | 'number', opts: { hint?: string; max?: number; label?: string; extra?: SafeHtml } = {}): SafeHtml {
  return wrap(name, opts.label ?? labelOf(name), opts.hint, p[name], html`<input class="utrecht-textbox utrecht-textbox--html-input${p[name] ? ' utrecht-textbox--invalid' : ''}" type="${type}" id="${name}" name="${name}" value="${f[name] ?? ''}"${opts.max ? html` maxlength="${opts.max}"` : ''}${type === 'number' ? html` min="0" step="1" inputmode="numeric"` : ''}${opts.extra ?? ''}${aria(name, Boolean(opts.hint), p[name])}>`);
}

function area(f: Fields, p: Problems, name: string, max: number, hint?: string, label?: string): SafeHtml {
  return wrap(name, label ?? labelOf(name), hint, p[name], html`<textarea class="utrecht-textarea utrecht-textarea--html-textarea${p[name] ? ' utrecht-textarea--invalid' : ''}" id="${name}" name="${name}" rows="3" maxlength="${max}"${aria(name, Boolean(hint), p[name])}>${f[name] ?? ''}</textarea>`, 'textarea');
}

function select(f: Fields, p: Problems, name: string, options: [string, string][]): SafeHtml {
  const chosen = f[name] ?? options[0]![0];
  return wrap(name, labelOf(name), undefined, p[name], html`<select class="utrecht-select utrecht-select--html-select" id="${name}" name="${name}"${aria(name, false, p[name])}>${options.map(
    ([v, l]) => html`<option value="${v}"${v === chosen ? html` selected` : ''}>${l}</option>`,
  )}</select>`, 'select');
}

export interface FormContext {
  action: string;
  csrf: string;
  startdatum: string;
  einddatum: string;
  /** Files the API already received for this form (kept when the form comes back). */
  ontvangen: { id: string; naam: string }[];
  back: string;
}

export function rapportageForm(c: FormContext, f: Fields, p: Problems): SafeHtml {
  const soort = f.soort || 'voortgangsrapportage';
  const doelRows = rowsOf(f, 'doel');
  const actRows = rowsOf(f, 'act');
  const radio = (value: string, label: string) => html`<div class="utrecht-form-field utrecht-form-field--radio kp-choice">
    <input class="utrecht-radio-button utrecht-radio-button--html-input" type="radio" name="soort" id="soort-${value}" value="${value}"${soort === value ? html` checked` : ''}>
    <label class="utrecht-form-label utrecht-form-label--radio" for="soort-${value}">${label}</label></div>`;
  return html`<form method="post" action="${c.action}" enctype="multipart/form-data" class="kp-form" novalidate>
    <input type="hidden" name="_csrf" value="${c.csrf}">
    <input type="hidden" name="sleutel" value="${f.sleutel ?? ''}">
    ${f.corrigeert ? html`<input type="hidden" name="corrigeert" value="${f.corrigeert}">` : ''}
    ${c.ontvangen.map((b) => html`<input type="hidden" name="ontvangen" value="${b.id}|${b.naam}">`)}
    <fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset kp-fieldset" id="soort">
      <legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">Soort rapportage</legend>
      ${p.soort ? html`<div class="utrecht-form-field-error-message kp-error">${p.soort}</div>` : ''}
      ${radio('voortgangsrapportage', 'Voortgangsrapportage')}
      ${radio('eindrapportage', 'Eindrapportage (aan het eind van het traject; met resultaat en advies)')}
    </fieldset>
    <fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset kp-fieldset">
      <legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">Over welke periode?</legend>
      ${input(f, p, 'van', 'date', { hint: `Niet eerder dan het begin van het traject (${datum(c.startdatum)}).` })}
      ${input(f, p, 'tot', 'date', { hint: 'Niet later dan vandaag.' })}
    </fieldset>
    ${Array.from({ length: doelRows }, (_, i) => i + 1).map(
      (n) => html`<fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset kp-fieldset">
        <legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">Doel ${n}${n > 1 ? ' (mag leeg blijven)' : ''}</legend>
        ${select(f, p, `doel${n}Soort`, DOEL_SOORT)}
        ${input(f, p, `doel${n}Omschrijving`, 'text', { max: 500 })}
        ${select(f, p, `doel${n}Voortgang`, VOORTGANG)}
        ${area(f, p, `doel${n}Toelichting`, 1000)}
      </fieldset>`,
    )}
    ${Array.from({ length: actRows }, (_, i) => i + 1).map(
      (n) => html`<fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset kp-fieldset">
        <legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">Activiteit ${n} (mag leeg blijven)</legend>
        ${input(f, p, `act${n}Datum`, 'date')}
        ${input(f, p, `act${n}Omschrijving`, 'text', { max: 500 })}
        ${input(f, p, `act${n}Uren`, 'text', { hint: 'In kwartieren, bijvoorbeeld 1,5.', extra: html` inputmode="decimal"` })}
      </fieldset>`,
    )}
    <fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset kp-fieldset">
      <legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">Aanwezigheid in deze periode</legend>
      ${input(f, p, 'gepland', 'number')}
      ${input(f, p, 'aanwezig', 'number')}
      ${input(f, p, 'afwezigMetBericht', 'number')}
      ${input(f, p, 'afwezigZonderBericht', 'number')}
      ${area(f, p, 'aanwezigToelichting', 1000)}
    </fieldset>
    ${area(f, p, 'resultaat', 2000, 'Verplicht bij een eindrapportage.')}
    ${area(f, p, 'advies', 2000, 'Verplicht bij een eindrapportage.')}
    ${c.ontvangen.length ? html`<p class="utrecht-paragraph">Al ontvangen: ${c.ontvangen.map((b) => b.naam).join(', ')}. Die gaan mee met deze rapportage.</p>` : ''}
    ${wrap('bijlagen', LABELS.bijlagen!, 'Alleen PDF-bestanden, elk hoogstens 10 MB, hoogstens 5 tegelijk.', p.bijlagen, html`<input class="utrecht-textbox utrecht-textbox--html-input" type="file" id="bijlagen" name="bijlagen" accept="application/pdf,.pdf" multiple${aria('bijlagen', true, p.bijlagen)}>`)}
    <div class="utrecht-button-group kp-actions">
      <button type="submit" class="utrecht-button utrecht-button--primary-action">Rapportage versturen</button>
      <a class="utrecht-link" href="${c.back}">Terug, ik verstuur niets</a>
    </div>
  </form>`;
}
