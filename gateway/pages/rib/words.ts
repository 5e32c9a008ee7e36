// The bureau's pages in words: where the client's consent stands for this bureau, a consent
// request's state, and why a send was refused — each as the coach needs to hear it. The state and
// the refusals come from the back end (trajectenVanMijnBureau, the consent module, the REST API);
// these only say them in Dutch.
import { badge } from '../shared/components.js';
import { datum } from '../shared/format.js';
import { html, type SafeHtml } from '../shared/html.js';
import type { BlokToestemming as Toestemming } from '../../rapportage/block-consent.js';

/** Only while the consent is active can the bureau write; the back end decides again on every send. */
export const kanSchrijven = (t: Toestemming) => t.stand === 'actief';

/** The consent state as a badge and a sentence (the cell with id="toestemming-<trajectId>"). */
export function toestemmingText(t: Toestemming): SafeHtml {
  switch (t.stand) {
    case 'actief':
      return html`${badge('active', 'Actief')} tot en met ${datum(t.geldigTot)}`;
    case 'gevraagd':
      return html`${badge('warning', 'Gevraagd')} De klant heeft nog niet geantwoord.`;
    case 'ingetrokken':
      return html`${badge('danger', 'Geen toestemming')} De klant heeft de toestemming ingetrokken${t.ingetrokkenOp ? ` op ${datum(t.ingetrokkenOp)}` : ''}.`;
    case 'verlopen':
      return html`${badge('danger', 'Geen toestemming')} De toestemming is verlopen na ${datum(t.geldigTot)}.`;
    case 'beeindigd':
      return html`${badge('inactive', 'Geen toestemming')} De toestemming is gestopt.`;
    default:
      return html`${badge('neutral', 'Geen toestemming')} Nog niet gevraagd.`;
  }
}

const VERZOEK: Record<string, string> = {
  openstaand: 'wacht op antwoord van de klant',
  goedgekeurd: 'de klant heeft ja gezegd',
  afgewezen: 'de klant heeft nee gezegd',
  ingetrokken: 'u heeft het verzoek ingetrokken',
  verlopen: 'verlopen zonder antwoord',
};

export const verzoekWords = (status: string) => VERZOEK[status] ?? 'onbekend';

export const BEVOEGDHEDEN: Record<string, string> = {
  'rapportage:schrijven': 'rapportages over het traject schrijven',
  'werkprofiel:lezen': 'het werkprofiel van de klant bekijken (opleiding, rijbewijs, beroep)',
};

/** Why the back end refused to store a report or a file, for the coach. */
export const REFUSED: Record<string, string> = {
  CONSENT_REQUIRED: 'Versturen kan niet: de klant heeft geen toestemming gegeven. Vraag eerst toestemming. Er is niets opgeslagen.',
  CONSENT_REVOKED: 'Versturen kan niet: de klant heeft de toestemming ingetrokken. Er is niets opgeslagen.',
  CONSENT_EXPIRED: 'Versturen kan niet: de toestemming van de klant is verlopen. Vraag opnieuw toestemming. Er is niets opgeslagen.',
  FORBIDDEN: 'Versturen kan niet: u mag in dit blok niet (meer) schrijven. Er is niets opgeslagen.',
  NOT_FOUND: 'Versturen kan niet: dit traject hoort niet (meer) bij uw bureau. Er is niets opgeslagen.',
  CONFLICT: 'Dit formulier is al eens verstuurd met een andere inhoud. Open een nieuw formulier. Er is niets opgeslagen.',
  PAYLOAD_TOO_LARGE: 'De rapportage of een bijlage is te groot. Er is niets opgeslagen.',
  UNSUPPORTED_MEDIA_TYPE: 'Een bijlage is geen PDF-bestand. Er is niets opgeslagen.',
};

/** Why the bureau cannot read its own block now (the back end's refusal of the consent check). */
export const NO_READ: Record<string, string> = {
  CONSENT_REQUIRED: 'U ziet de rapportages van dit blok zodra de klant toestemming heeft gegeven.',
  CONSENT_REVOKED: 'De klant heeft de toestemming ingetrokken. U ziet de rapportages weer als de klant opnieuw toestemming geeft.',
  CONSENT_EXPIRED: 'De toestemming is verlopen. U ziet de rapportages weer als de klant opnieuw toestemming geeft.',
};
