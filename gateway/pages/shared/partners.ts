// Which partner answers which part of the werk/inkomen view, and how the pages say that a partner
// is not answering. The field-to-partner split follows schema/{uwv,cwi,gemeente}.graphql.
import { alert } from './components.js';
import type { GraphError } from './graph-client.js';
import { html, type SafeHtml } from './html.js';

export const PARTNER_NAMES: Record<string, string> = {
  uwv: 'UWV',
  cwi: 'UWV WERKbedrijf',
  gemeente: 'de gemeente',
};

const PARTNER_PARTS: Record<string, string> = {
  uwv: 'uitkeringen van UWV',
  cwi: 'inschrijving als werkzoekende, werkprofiel en sollicitaties',
  gemeente: 'naam, adres, bijstand en trajecten van de gemeente',
};

/** The partners that did not answer this request, from the errors' `extensions.partner`. */
export function unavailablePartners(errors: GraphError[]): string[] {
  return [...new Set(errors.filter((e) => e.code === 'PARTNER_UNAVAILABLE').map((e) => e.partner ?? 'onbekend'))];
}

/** One notice naming each partner that is down and what is missing because of it. */
export function partnerNotice(partners: string[], audience: 'client' | 'klantmanager'): SafeHtml {
  if (partners.length === 0) return html``;
  const lines = partners.map((p) => html`<li>${PARTNER_NAMES[p] ?? p}: ${PARTNER_PARTS[p] ?? 'een deel van de gegevens'}</li>`);
  const lead =
    audience === 'client'
      ? 'Niet alles is nu te zien. Deze organisatie geeft op dit moment geen antwoord:'
      : 'Onvolledig beeld. Deze ketenpartner geeft nu geen antwoord; de rest van het beeld is wel actueel:';
  const tail = audience === 'client' ? 'Probeer het later nog eens. Er is niets mis met uw gegevens.' : 'Probeer het over een paar minuten opnieuw.';
  return alert('warning', html`<p class="utrecht-paragraph"><strong>${lead}</strong></p><ul class="utrecht-unordered-list">${lines}</ul><p class="utrecht-paragraph">${tail}</p>`);
}

/** Is this part of the view missing because its partner did not answer? */
export function isMissing(partners: string[], partner: string): boolean {
  return partners.includes(partner);
}
