// Pieces of the klantmanager's lists: the table of clients (name, address, phone, signals) and
// the list of open signals with their "Afgehandeld" button. Used by the caseload and the search.
import { badge, postButton } from '../shared/components.js';
import type { Pages } from '../shared/context.js';
import { datum, datumTijd } from '../shared/format.js';
import { SIGNAL_WORDS, type SignalKind } from '../../signals/kinds.js';
import { html, type SafeHtml } from '../shared/html.js';
import { klantHref } from './klant-ref.js';

export interface Signalering {
  id: string;
  soort: string;
  samenvatting: string;
  trajectId: string | null;
  bsn: string | null;
  aangemaaktOp: string;
}

export interface CaseloadKlant {
  bsn: string;
  naam: { volledigeNaam: string };
  adres: { straat: string; huisnummer: string; postcode: string; woonplaats: string } | null;
  telefoon: string | null;
}

export const SIGNAL_FIELDS = 'id soort samenvatting trajectId bsn aangemaaktOp';

const SIGNAL_TONE: Record<SignalKind, 'active' | 'warning' | 'neutral'> = {
  'rapportage-nieuw': 'active',
  'rapportage-te-laat': 'warning',
  'uitkering-beeindigd': 'warning',
  'uitkering-gewijzigd': 'neutral',
};

const isKind = (soort: string): soort is SignalKind => Object.hasOwn(SIGNAL_WORDS, soort);

/** The kind in words; a kind these pages do not know yet is still a signal, never its label. */
export function signalBadge(s: Signalering): SafeHtml {
  return isKind(s.soort) ? badge(SIGNAL_TONE[s.soort], SIGNAL_WORDS[s.soort]) : badge('neutral', 'Signaal');
}

/** Signals stored before their summaries were written with Dutch dates still hold ISO ones. */
const inDutch = (summary: string) => summary.replace(/\b\d{4}-\d{2}-\d{2}\b/g, (day) => datum(day));

export function klantTable(pages: Pages, klanten: CaseloadKlant[], signals: Signalering[], caption: string): SafeHtml {
  return html`<div class="utrecht-table-container kp-table-wrap"><table class="utrecht-table utrecht-table--html-table kp-table">
    <caption class="utrecht-table__caption">${caption}</caption>
    <thead class="utrecht-table__header"><tr class="utrecht-table__row">
      <th scope="col" class="utrecht-table__header-cell">Naam</th>
      <th scope="col" class="utrecht-table__header-cell">Adres</th>
      <th scope="col" class="utrecht-table__header-cell">Telefoon</th>
      <th scope="col" class="utrecht-table__header-cell">Signalen</th>
    </tr></thead>
    <tbody class="utrecht-table__body">${klanten.map((k) => {
      const own = signals.filter((s) => s.bsn === k.bsn);
      return html`<tr class="utrecht-table__row">
        <th scope="row" class="utrecht-table__header-cell"><a class="utrecht-link" href="${klantHref(pages.sealer, k.bsn)}">${k.naam.volledigeNaam}</a></th>
        <td class="utrecht-table__cell">${k.adres ? `${k.adres.straat} ${k.adres.huisnummer}, ${k.adres.postcode} ${k.adres.woonplaats}` : ''}</td>
        <td class="utrecht-table__cell">${k.telefoon ? html`<a class="utrecht-link utrecht-link--telephone" href="tel:${k.telefoon.replace(/[^+\d]/g, '')}">${k.telefoon}</a>` : ''}</td>
        <td class="utrecht-table__cell">${own.length ? own.map(signalBadge) : html`<span class="kp-muted">Geen</span>`}</td>
      </tr>`;
    })}</tbody>
  </table></div>`;
}

export function signalList(pages: Pages, signals: Signalering[], csrf: string, names: Map<string, string>, back: string): SafeHtml {
  return html`<ul class="kp-signals">${signals.map(
    (s) => html`<li class="kp-signal">
      <p class="utrecht-paragraph">${signalBadge(s)} <time datetime="${s.aangemaaktOp}">${datumTijd(s.aangemaaktOp)}</time></p>
      <p class="utrecht-paragraph">${inDutch(s.samenvatting)}${s.bsn ? html` — <a class="utrecht-link" href="${klantHref(pages.sealer, s.bsn)}">${names.get(s.bsn) ?? 'Open klant'}</a>` : ''}</p>
      ${postButton({ action: `/klantmanager/signaleringen/${s.id}/afhandelen`, label: 'Afgehandeld', csrf, kind: 'secondary-action', hidden: { terug: back } })}
    </li>`,
  )}</ul>`;
}

