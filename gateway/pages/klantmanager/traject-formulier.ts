// The klantmanager's trajectory forms (traject-acties.ts): register and assign, choose another
// bureau. Plain HTML forms (no scripts), each wrong field named next to itself and in a summary
// at the top, as the NL Design System asks. Only bureaus under a running contract are offered,
// and a bureau that is not one of them is refused here before the graph is asked.
import { alert } from '../shared/components.js';
import { datum } from '../shared/format.js';
import { html, type SafeHtml } from '../shared/html.js';

export interface Bureau {
  oin: string;
  naam: string;
}

export type TrajectFields = { gemeenteKenmerk: string; titel: string; startdatum: string; einddatum: string; bureauOin: string };
export type Problems = Partial<Record<keyof TrajectFields, string>>;

const LABELS: Record<keyof TrajectFields, string> = {
  gemeenteKenmerk: 'Kenmerk van het traject',
  titel: 'Naam van het traject',
  startdatum: 'Eerste dag',
  einddatum: 'Laatste dag',
  bureauOin: 'Re-integratiebureau',
};

export function clean(body: unknown): TrajectFields {
  const b = (body ?? {}) as Record<string, unknown>;
  const s = (k: keyof TrajectFields) => (typeof b[k] === 'string' ? (b[k] as string).trim() : '');
  return { gemeenteKenmerk: s('gemeenteKenmerk'), titel: s('titel'), startdatum: s('startdatum'), einddatum: s('einddatum'), bureauOin: s('bureauOin') };
}

const isDay = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

/** What is wrong, in words for the klantmanager; `only` limits the check to the fields a form has. */
export function check(f: TrajectFields, bureaus: Bureau[], only?: (keyof TrajectFields)[]): Problems {
  const p: Problems = {};
  if (!f.gemeenteKenmerk) p.gemeenteKenmerk = 'Vul het kenmerk in dat de gemeente dit traject gaf.';
  else if (f.gemeenteKenmerk.length > 100) p.gemeenteKenmerk = 'Het kenmerk is te lang: hoogstens 100 tekens.';
  if (!f.titel) p.titel = 'Geef het traject een naam.';
  else if (f.titel.length > 200) p.titel = 'De naam is te lang: hoogstens 200 tekens.';
  if (!isDay(f.startdatum)) p.startdatum = 'Kies de eerste dag van het traject.';
  if (!isDay(f.einddatum)) p.einddatum = 'Kies de laatste dag van het traject.';
  else if (!p.startdatum && f.einddatum < f.startdatum) p.einddatum = `De laatste dag ligt vóór de eerste dag (${datum(f.startdatum)}).`;
  if (!bureaus.some((b) => b.oin === f.bureauOin)) p.bureauOin = 'Kies een bureau uit de lijst. Alleen bureaus waarmee de gemeente een contract heeft, staan erin.';
  if (!only) return p;
  return Object.fromEntries(Object.entries(p).filter(([k]) => only.includes(k as keyof TrajectFields))) as Problems;
}

/** A message of the trajectory API about one of its fields, as the field of this form it concerns. */
export function problemFromApi(field: string | undefined, message: string): Problems | undefined {
  const name = field?.split('.').at(-1);
  if (name === 'gemeenteKenmerk') {
    return { gemeenteKenmerk: message.includes('another client') ? 'Dit kenmerk hoort al bij een andere klant.' : message.includes('ended') ? 'Dit traject is al beëindigd. Gebruik een nieuw kenmerk.' : 'Dit kenmerk kan niet.' };
  }
  if (name === 'einddatum' || name === 'startdatum' || name === 'titel') return { [name]: `${LABELS[name]}: dit kan niet.` };
  if (name === 'bureauOin') return { bureauOin: 'Dit bureau kan niet gekozen worden.' };
  return undefined;
}

function wrap(name: keyof TrajectFields, hint: string, problem: string | undefined, input: SafeHtml): SafeHtml {
  return html`<div class="utrecht-form-field utrecht-form-field--text kp-field${problem ? ' utrecht-form-field--invalid' : ''}">
    <div class="utrecht-form-field__label"><label class="utrecht-form-label" for="${name}">${LABELS[name]}</label></div>
    <div class="utrecht-form-field-description" id="${name}-uitleg">${hint}</div>
    ${problem ? html`<div class="utrecht-form-field-error-message kp-error" id="${name}-fout">${problem}</div>` : ''}
    <div class="utrecht-form-field__input">${input}</div>
  </div>`;
}

const described = (name: string, problem?: string) => html`aria-describedby="${name}-uitleg${problem ? ` ${name}-fout` : ''}"${problem ? html` aria-invalid="true"` : ''}`;

function textField(name: keyof TrajectFields, hint: string, value: string, problem: string | undefined, type: 'text' | 'date', maxlength?: number): SafeHtml {
  return wrap(name, hint, problem, html`<input class="utrecht-textbox utrecht-textbox--html-input${problem ? ' utrecht-textbox--invalid' : ''}" type="${type}" id="${name}" name="${name}" value="${value}"${maxlength ? html` maxlength="${maxlength}"` : ''} ${described(name, problem)}>`);
}

export function bureauField(bureaus: Bureau[], chosen: string, problem: string | undefined, hint = 'Alleen bureaus waarmee de gemeente nu een contract heeft.'): SafeHtml {
  return wrap('bureauOin', hint, problem, html`<select class="utrecht-select utrecht-select--html-select${problem ? ' utrecht-select--invalid' : ''}" id="bureauOin" name="bureauOin" ${described('bureauOin', problem)}>
    <option value="">Kies een bureau</option>
    ${bureaus.map((b) => html`<option value="${b.oin}"${b.oin === chosen ? html` selected` : ''}>${b.naam}</option>`)}
  </select>`);
}

/** The summary at the top: each problem links to its field. */
export function summary(problems: Problems): SafeHtml | '' {
  const entries = Object.entries(problems) as [keyof TrajectFields, string][];
  if (!entries.length) return '';
  return alert('error', html`<p class="utrecht-paragraph">Er klopt iets niet:</p><ul class="utrecht-unordered-list">${entries.map(
    ([k, m]) => html`<li class="utrecht-unordered-list__item"><a class="utrecht-link" href="#${k}">${LABELS[k]}: ${m}</a></li>`,
  )}</ul>`);
}

export function newTrajectFields(f: TrajectFields, problems: Problems, bureaus: Bureau[]): SafeHtml {
  return html`${textField('gemeenteKenmerk', 'Het nummer of kenmerk van het traject in het systeem van de gemeente.', f.gemeenteKenmerk, problems.gemeenteKenmerk, 'text', 100)}
    ${textField('titel', 'Bijvoorbeeld: Werkfit-traject of Taal en werk.', f.titel, problems.titel, 'text', 200)}
    ${textField('startdatum', 'De dag waarop het traject begint.', f.startdatum, problems.startdatum, 'date')}
    ${textField('einddatum', 'De laatste dag van het traject. Het bureau kan tot en met deze dag rapporteren.', f.einddatum, problems.einddatum, 'date')}
    ${bureauField(bureaus, f.bureauOin, problems.bureauOin)}`;
}
