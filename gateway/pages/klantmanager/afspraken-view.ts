// The client's coming appointments (afspraken) on the klantmanager's client page, as the gemeente's
// agenda holds them: read here, never changed (the gemeente's system is the source).
import { badge, dataList, heading, paragraph, type BadgeKind } from '../shared/components.js';
import { html, type SafeHtml } from '../shared/html.js';

export interface Afspraak {
  id: string;
  datum: string;
  begintijd: string;
  eindtijd: string | null;
  onderwerp: string | null;
  plaats: string;
  metWie: string;
  status: string;
}

/** For the client page's query, which passes `$vanaf: String` (today: only the coming ones). */
export const AFSPRAAK_FIELDS = 'afspraken(vanaf: $vanaf) { id datum begintijd eindtijd onderwerp plaats metWie status }';

const STATUS: Record<string, [string, BadgeKind]> = {
  GEPLAND: ['Gepland', 'active'],
  AFGEZEGD: ['Afgezegd', 'inactive'],
  NAGEKOMEN: ['Geweest', 'neutral'],
  NIET_NAGEKOMEN: ['Niet gekomen', 'warning'],
};

// "dinsdag 15 december 2026": the weekday helps to plan. A bare date is a calendar day, read at noon UTC.
const dayFmt = new Intl.DateTimeFormat('nl-NL', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const dag = (iso: string) => dayFmt.format(new Date(`${iso}T12:00:00Z`));

/** `afspraken` null: the gemeente's agenda did not answer (the rest of the page may still show). */
export function afsprakenSection(afspraken: Afspraak[] | null | undefined): SafeHtml {
  const body = !afspraken
    ? paragraph('De afspraken zijn nu niet te zien. Probeer het later nog eens.')
    : afspraken.length === 0
      ? paragraph('Er staan geen afspraken gepland.')
      : html`<ul class="kp-rows">${afspraken.map((a) => {
          const [label, kind] = STATUS[a.status] ?? ['Onbekend', 'neutral'];
          const tijd = a.eindtijd ? `van ${a.begintijd} tot ${a.eindtijd} uur` : `om ${a.begintijd} uur`;
          return html`<li><strong>${dag(a.datum)}, ${tijd}</strong> ${badge(kind, label)}
            ${dataList([['Waar', a.plaats], ['Met wie', a.metWie], ['Waarover', a.onderwerp]])}</li>`;
        })}</ul>`;
  return html`<section class="kp-card" aria-labelledby="afspraken">${heading(2, 'Afspraken', 'afspraken')}${body}</section>`;
}
