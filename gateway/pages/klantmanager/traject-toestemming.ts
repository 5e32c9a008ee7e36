// Where the client's consent stands for a block's bureau (Rapportageblok.toestemming), in words
// for the klantmanager: whether the bureau can start, and until when.
import { paragraph } from '../shared/components.js';
import { datum } from '../shared/format.js';
import type { SafeHtml } from '../shared/html.js';

export interface Bloktoestemming {
  stand: 'geen' | 'gevraagd' | 'actief' | 'ingetrokken' | 'verlopen' | 'beeindigd';
  geldigTot: string | null;
  ingetrokkenOp: string | null;
}

export function consentWords(t: Bloktoestemming, open: boolean): string {
  switch (t.stand) {
    case 'actief':
      return `Toestemming van de klant: geldt tot en met ${datum(t.geldigTot)}.`;
    case 'gevraagd':
      return `Toestemming van de klant: gevraagd (tot en met ${datum(t.geldigTot)}). De klant heeft nog niet geantwoord.`;
    case 'ingetrokken':
      return `Toestemming van de klant: ingetrokken${t.ingetrokkenOp ? ` op ${datum(t.ingetrokkenOp)}` : ''}.${open ? ' Het bureau kan niets schrijven.' : ''}`;
    case 'verlopen':
      return `Toestemming van de klant: verlopen na ${datum(t.geldigTot)}.${open ? ' Het bureau kan niets schrijven.' : ''}`;
    case 'beeindigd':
      return 'Toestemming van de klant: gestopt, omdat het traject is beëindigd of een ander bureau het kreeg.';
    default:
      return `Toestemming van de klant: nog niet gevraagd.${open ? ' Het bureau kan pas schrijven als de klant toestemming geeft.' : ''}`;
  }
}

export const consentText = (t: Bloktoestemming, open: boolean): SafeHtml => paragraph(consentWords(t, open));
