// The auditor's tables and lists: processings (who, when, what, purpose, outcome), refusals (who,
// when, why in words), employees' activity, anomaly signals with their follow-up. Log metadata
// only; a client is named by BSN only where the lookup itself shows one (and is logged for them).
import type { EmployeeActivity } from '../../audit/log-queries.js';
import { reasonWords } from '../../audit/words.js';
import { badge, paragraph } from '../shared/components.js';
import { datum, datumTijd } from '../shared/format.js';
import { html, type SafeHtml } from '../shared/html.js';
import { followUpWords, roleWords, signalTitle } from './words.js';

export interface Verwerking {
  id: string;
  op: string;
  medewerker: string;
  rol: string;
  handeling: string;
  doelOmschrijving: string;
  soort: string;
  uitkomst: string;
  partners: string[];
  klantKenmerk: string;
  bsn: string | null;
}
export const VERWERKING_FIELDS = 'id op medewerker rol handeling doelOmschrijving soort uitkomst partners klantKenmerk bsn';

export interface Weigering {
  id: string;
  op: string;
  medewerker: string | null;
  rol: string | null;
  organisatie: string | null;
  reden: string;
  uitleg: string;
  klantKenmerk: string | null;
  trajectId: string | null;
}
export const WEIGERING_FIELDS = 'id op medewerker rol organisatie reden uitleg klantKenmerk trajectId';

/** controleMedewerkers and the report's perMedewerker: the back end's own rows (strings and numbers, unchanged by JSON). */
export type Activiteit = EmployeeActivity;
export const ACTIVITEIT_FIELDS = 'medewerker rol raadplegingen klanten verwerkingen weigeringen';

export interface Opvolging {
  status: string;
  toelichting: string;
  door: string;
  op: string;
}
export interface Signaal {
  id: string;
  soort: string;
  dag: string;
  medewerker: string | null;
  klantKenmerk: string | null;
  waarde: number;
  drempel: number;
  uitleg: string;
  opvolging: Opvolging | null;
  opvolgingen: Opvolging[];
}
export const SIGNAAL_FIELDS = 'id soort dag medewerker klantKenmerk waarde drempel uitleg opvolging { status toelichting door op } opvolgingen { status toelichting door op }';

const PARTNERS: Record<string, string> = { uwv: 'UWV', cwi: 'UWV (werk)', gemeente: 'gemeente' };
const partnerWords = (p: string[]) => p.map((x) => PARTNERS[x] ?? x).join(', ');

const time = (iso: string) => html`<time datetime="${iso}">${datumTijd(iso)}</time>`;
const headerCells = (names: string[]) => html`<thead class="utrecht-table__header"><tr class="utrecht-table__row">${names.map(
  (n) => html`<th scope="col" class="utrecht-table__header-cell">${n}</th>`,
)}</tr></thead>`;

/** A table that may scroll sideways on a phone: a named region the keyboard can reach. */
function table(caption: string, head: string[], rows: SafeHtml[]): SafeHtml {
  return html`<div class="utrecht-table-container kp-table-wrap" role="region" aria-label="${caption}" tabindex="0"><table class="utrecht-table utrecht-table--html-table kp-table">
    <caption class="utrecht-table__caption">${caption}</caption>
    ${headerCells(head)}
    <tbody class="utrecht-table__body">${rows}</tbody>
  </table></div>`;
}

const cell = (content: SafeHtml | string) => html`<td class="utrecht-table__cell">${content}</td>`;

/** Processings; `showClient` adds the client (BSN, or the pseudonymous key when there is none). */
export function processingTable(rows: Verwerking[], caption: string, showClient: boolean): SafeHtml {
  if (!rows.length) return paragraph('Geen verwerkingen in deze periode.');
  return table(caption, ['Wanneer', showClient ? 'Cliënt' : 'Medewerker', 'Wat', 'Doel', 'Uitkomst'], rows.map(
    (v) => html`<tr class="utrecht-table__row">
      ${cell(time(v.op))}
      ${cell(showClient ? (v.bsn ? html`BSN ${v.bsn}` : html`<span class="kp-muted">kenmerk ${v.klantKenmerk.slice(0, 12)}…</span>`) : html`${v.medewerker}<br><span class="kp-muted">${roleWords(v.rol)}</span>`)}
      ${cell(html`${v.handeling}${v.partners.length ? html`<br><span class="kp-muted">bij ${partnerWords(v.partners)}</span>` : ''}`)}
      ${cell(v.doelOmschrijving)}
      ${cell(v.uitkomst === 'gelukt' ? badge('success', 'Gelukt') : badge('warning', 'Deels mislukt'))}
    </tr>`,
  ));
}

/** Refusals, each with its reason in words. */
export function refusalTable(rows: Weigering[], caption: string): SafeHtml {
  if (!rows.length) return paragraph('Geen weigeringen in deze periode.');
  return table(caption, ['Wanneer', 'Wie', 'Wat werd gevraagd', 'Waarom geweigerd'], rows.map(
    (w) => html`<tr class="utrecht-table__row">
      ${cell(time(w.op))}
      ${cell(html`${w.medewerker ?? 'onbekend'}<br><span class="kp-muted">${roleWords(w.rol)}</span>`)}
      ${cell(w.klantKenmerk ? html`gegevens van een cliënt<br><span class="kp-muted">kenmerk ${w.klantKenmerk.slice(0, 12)}…</span>` : w.trajectId ? 'een traject van de gemeente' : 'iets anders')}
      ${cell(w.uitleg || reasonWords(w.reden))}
    </tr>`,
  ));
}

/** Employees' activity; each name opens the employee lookup for the same period. */
export function activityTable(rows: Activiteit[], caption: string, period: { van: string; tot: string }): SafeHtml {
  if (!rows.length) return paragraph('Niemand van uw organisatie heeft in deze periode gegevens gebruikt.');
  return table(caption, ['Medewerker', 'Rol', 'Raadplegingen', 'Cliënten', 'Weigeringen'], rows.map(
    (a) => html`<tr class="utrecht-table__row">
      <th scope="row" class="utrecht-table__header-cell"><a class="utrecht-link" href="/auditor/medewerker?medewerker=${encodeURIComponent(a.medewerker)}&amp;van=${period.van}&amp;tot=${period.tot}">${a.medewerker}</a></th>
      ${cell(roleWords(a.rol))}
      ${cell(String(a.raadplegingen))}
      ${cell(String(a.klanten))}
      ${cell(a.weigeringen ? badge('warning', String(a.weigeringen)) : '0')}
    </tr>`,
  ));
}

export function followUpBadge(s: Signaal): SafeHtml {
  if (!s.opvolging) return badge('danger', 'Nog niet opgevolgd');
  return badge(s.opvolging.status === 'in_onderzoek' ? 'warning' : 'success', followUpWords(s.opvolging.status));
}

/** One signal: what it is, the explanation, and where it stands; `extra` adds the follow-up form. */
export function signalItem(s: Signaal, extra: SafeHtml | '' = ''): SafeHtml {
  return html`<li class="kp-signal" id="signaal-${s.id.replace(/[^a-z0-9]/gi, '-')}">
    <h3 class="utrecht-heading-3">${signalTitle(s.soort)}</h3>
    <p class="utrecht-paragraph">${datum(s.dag)}${s.medewerker ? html` — ${s.medewerker}` : ''} ${followUpBadge(s)}</p>
    <p class="utrecht-paragraph">${s.uitleg}</p>
    ${s.opvolgingen.length
      ? html`<ol class="kp-rows" aria-label="Opvolging, oudste eerst">${s.opvolgingen.map(
          (o) => html`<li><strong>${followUpWords(o.status)}</strong> (${datumTijd(o.op)}, ${o.door}): ${o.toelichting}</li>`,
        )}</ol>`
      : ''}
    ${extra}
  </li>`;
}
