// The receipt of a delivered report, exactly as the RIB REST API answered it (report id, hash,
// sequence number, the block's signed chain head, time): shown after sending and downloadable as
// JSON, the form `ketenpoort verify-chain --receipts` reads. It travels sealed in the page address
// (shared/seal.ts), bound to the bureau, so the page needs no store of its own and another bureau
// cannot open it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { alert, dataList, heading, linkButton, paragraph } from '../shared/components.js';
import type { Pages } from '../shared/context.js';
import { datumTijd } from '../shared/format.js';
import { html } from '../shared/html.js';
import type { PageSession } from '../shared/session.js';
import { trajectPath } from './overzicht.js';

export interface Receipt {
  rapportageId: string;
  trajectId: string;
  volgnummer: number;
  soort: string;
  corrigeert: string | null;
  hash: string;
  ontvangenOp: string;
  ketenhoofd: { volgnummer: number; hash: string; vastgelegdOp: string };
}

interface Sealed {
  oin: string;
  receipt: Receipt;
  bijlagen: { naam: string; sha256: string }[];
}

export const ontvangstPath = (trajectId: string) => `${trajectPath(trajectId)}/ontvangst`;

export function sealReceipt(pages: Pages, session: PageSession, receipt: Receipt, bijlagen: Sealed['bijlagen']): string {
  return pages.sealer.seal('ontvangst', { oin: session.oin, receipt, bijlagen } satisfies Partial<Sealed>);
}

function open(pages: Pages, request: FastifyRequest<{ Params: { id: string }; Querystring: { b?: string } }>): Sealed | undefined {
  const sealed = pages.sealer.open<Sealed>('ontvangst', typeof request.query.b === 'string' ? request.query.b : undefined);
  const session = pages.session(request);
  return sealed && sealed.oin === session.oin && sealed.receipt?.trajectId === request.params.id ? sealed : undefined;
}

/** A hash in groups of sixteen, so it reads and wraps on a phone. */
const groups = (hash: string) => hash.match(/.{1,16}/g)?.join(' ') ?? hash;

function gone(pages: Pages, request: FastifyRequest, reply: FastifyReply) {
  return pages.send(request, reply, {
    title: 'Niet gevonden',
    status: 404,
    current: '/rib',
    body: html`${heading(1, 'Deze ontvangstbevestiging is niet te openen')}${alert('info', 'De link klopt niet of hoort bij een ander bureau.')}${linkButton('/rib', 'Naar Ons blok', 'primary-action')}`,
  });
}

export async function ribOntvangstRoutes(app: FastifyInstance, pages: Pages) {
  app.get<{ Params: { id: string }; Querystring: { b?: string } }>('/rib/trajecten/:id/ontvangst', async (request, reply) => {
    const s = open(pages, request);
    if (!s) return gone(pages, request, reply);
    const r = s.receipt;
    const download = `${ontvangstPath(r.trajectId)}/bestand?b=${encodeURIComponent(String(request.query.b))}`;
    return pages.send(request, reply, {
      title: 'Rapportage ontvangen',
      current: '/rib',
      body: html`${heading(1, 'Rapportage ontvangen')}
        ${alert('ok', `De ${r.soort === 'eindrapportage' ? 'eindrapportage' : 'voortgangsrapportage'} is ontvangen en vastgelegd. De klantmanager van de gemeente en de klant kunnen hem nu lezen.`)}
        ${dataList([
          ['Kenmerk van de rapportage', html`<code>${r.rapportageId}</code>`],
          ['Nummer in het blok', String(r.volgnummer)],
          ['Ontvangen op', datumTijd(r.ontvangenOp)],
          ['Verbetert', r.corrigeert ? html`de rapportage met kenmerk <code>${r.corrigeert}</code>` : undefined],
          ['Controlecode van de rapportage', html`<code>${groups(r.hash)}</code>`],
          ['Controlecode van het blok', html`<code>${groups(r.ketenhoofd.hash)}</code> bij nummer ${r.ketenhoofd.volgnummer}`],
          ['Bijlagen', s.bijlagen.length ? s.bijlagen.map((b) => b.naam).join(', ') : undefined],
        ])}
        ${paragraph('Bewaar deze ontvangstbevestiging. Ermee kan later worden nagegaan dat deze rapportage is ontvangen en niet is veranderd of verdwenen.')}
        <div class="utrecht-button-group kp-actions">
          ${linkButton(download, 'Ontvangstbevestiging downloaden', 'primary-action')}
          ${linkButton(trajectPath(r.trajectId), 'Terug naar het traject')}
        </div>`,
    });
  });

  app.get<{ Params: { id: string }; Querystring: { b?: string } }>('/rib/trajecten/:id/ontvangst/bestand', async (request, reply) => {
    const s = open(pages, request);
    if (!s) return gone(pages, request, reply);
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="ontvangstbevestiging-${s.receipt.volgnummer}.json"`)
      .send(JSON.stringify(s.receipt, null, 2));
  });
}
