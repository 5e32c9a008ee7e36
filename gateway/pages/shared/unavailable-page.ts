// The page for "Ketenpoort cannot reach its database right now" (503, Retry-After). Plain Dutch: it
// is temporary, nothing was changed, try again in a minute. After a form was sent, what the person
// typed is not lost: the page shows the same form again with their text, sent to the same address
// with a fresh CSRF token, so one click sends it again once the database is back. Fields the page
// cannot name (hidden ones, like `terug`) travel along unseen, exactly as posted.
import { alert, heading, paragraph, textArea } from './components.js';
import { html, type SafeHtml } from './html.js';

export const UNAVAILABLE_TITLE = 'Even niet beschikbaar';
const TEXT = 'Ketenpoort kan zijn gegevens nu even niet bereiken. Er is niets veranderd. Probeer het over een minuut opnieuw.';

/** The forms' fields a person types in, with the words the forms use for them. */
const TYPED: Record<string, { label: string; long?: boolean }> = {
  reden: { label: 'Uw reden', long: true },
  geldigTot: { label: 'Laatste dag' },
  bsn: { label: 'BSN' },
  naam: { label: 'Naam' },
  postcode: { label: 'Postcode' },
};
// The drafts' limits (drafts.ts): the forms' own maxlengths stay under these.
const MAX_FIELDS = 20;
const MAX_VALUE = 1000;

function postedFields(body: unknown): Array<[string, string]> {
  if (!body || typeof body !== 'object') return [];
  return Object.entries(body as Record<string, unknown>)
    .filter((e): e is [string, string] => e[0] !== '_csrf' && typeof e[1] === 'string' && /^[A-Za-z][A-Za-z0-9_-]{0,39}$/.test(e[0]))
    .slice(0, MAX_FIELDS)
    .map(([k, v]) => [k, v.slice(0, MAX_VALUE)]);
}

function field(name: string, value: string): SafeHtml {
  const typed = TYPED[name];
  if (!typed) return html`<input type="hidden" name="${name}" value="${value}">`;
  if (typed.long) return textArea({ id: `opnieuw-${name}`, name, label: typed.label, value, maxlength: MAX_VALUE });
  return html`<div class="utrecht-form-field utrecht-form-field--text kp-field">
    <div class="utrecht-form-field__label"><label class="utrecht-form-label" for="opnieuw-${name}">${typed.label}</label></div>
    <div class="utrecht-form-field__input"><input class="utrecht-textbox utrecht-textbox--html-input" type="text" id="opnieuw-${name}" name="${name}" value="${value}"></div>
  </div>`;
}

/** The body of the 503 page; for a POST, with the form to send again (`csrf` from pages.csrf). */
export function unavailableBody(request: { method: string; url: string; body?: unknown }, csrf: string | undefined): SafeHtml {
  const retry =
    request.method === 'POST' && csrf
      ? html`${paragraph('Wat u had ingevuld, staat hieronder. Klik op de knop als u het opnieuw wilt versturen.')}
          <form method="post" action="${request.url.split('?')[0]!}" class="kp-form">
            <input type="hidden" name="_csrf" value="${csrf}">
            ${postedFields(request.body).map(([k, v]) => field(k, v))}
            <div class="utrecht-button-group kp-actions">
              <button type="submit" class="utrecht-button utrecht-button--primary-action">Opnieuw versturen</button>
            </div>
          </form>`
      : '';
  return html`${heading(1, UNAVAILABLE_TITLE)}${alert('warning', TEXT)}${retry}${paragraph(html`<a class="utrecht-link" href="/">Terug naar de startpagina</a>`)}`;
}
