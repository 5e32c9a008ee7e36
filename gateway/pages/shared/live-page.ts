// What a page adds to update itself (assets/live.js): a status line that says what is new, which
// names the page's event stream (live-stream.ts), and the script. The parts of the page that
// change are wrapped in `liveRegion` with a stable id; the script swaps exactly those. Without
// JavaScript the status line stays empty and the page is what it always was.
import type { DeliveryKind } from '../../logs/event-delivery.js';
import { html, type SafeHtml } from './html.js';
import { LIVE_PATH } from './live-stream.js';

export interface LiveOptions {
  /** What this page shows, so it hears of nothing else (and nothing else is logged as sent). */
  soorten: DeliveryKind[];
  /** A klantmanager's page of one client: its sealed reference (klantmanager/klant-ref.ts). */
  klant?: string;
  /** A page of one trajectory. */
  traject?: string;
}

export function liveUpdates(o: LiveOptions): SafeHtml {
  const query = new URLSearchParams({ soort: o.soorten.join(',') });
  if (o.klant) query.set('klant', o.klant);
  if (o.traject) query.set('traject', o.traject);
  return html`<div class="kp-live" role="status" aria-live="polite" data-live-stream="${LIVE_PATH}?${query.toString()}"></div>
<script src="/assets/live.js" defer></script>`;
}

/** A part of the page the script replaces with the same part of the page fetched again. */
export function liveRegion(id: string, content: SafeHtml): SafeHtml {
  return html`<div id="${id}" data-live-region>${content}</div>`;
}
