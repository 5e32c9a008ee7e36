// "Mijn gegevens": the client's own werk and inkomen overview, with a pointer to any request for
// consent waiting for an answer. Each partner is asked through the graph; one that is down leaves
// its part empty with a plain notice, the rest still shows.
import type { FastifyInstance } from 'fastify';
import { alert, dataList, heading, linkButton, paragraph } from '../shared/components.js';
import type { Pages } from '../shared/context.js';
import { GraphRequestError, partnerDown } from '../shared/graph-client.js';
import { html } from '../shared/html.js';
import { liveRegion, liveUpdates } from '../shared/live-page.js';
import { partnerNotice, unavailablePartners } from '../shared/partners.js';
import { KLANTBEELD_FIELDS, adresText, inkomenSection, werkSection, type KlantBeeld } from '../shared/werk-inkomen-view.js';

export async function clientOverviewRoutes(app: FastifyInstance, pages: Pages) {
  app.get('/mijn', async (request, reply) => {
    const session = pages.session(request);
    if (!session.bsn) throw new GraphRequestError([{ message: 'a client session without a BSN', code: 'FORBIDDEN' }]);
    const [beeld, verzoeken] = await Promise.all([
      pages
        .graph<{ klant: KlantBeeld | null }>(session, `query MijnOverzicht($bsn: ID!) { klant(bsn: $bsn) { ${KLANTBEELD_FIELDS} } }`, { bsn: session.bsn })
        // The gemeente owns the client record: when it is down there is no record, but the page
        // (and the consent part) still works.
        .catch(partnerDown),
      pages.graph<{ mijnToestemmingsverzoeken: { status: string; bureau: { naam: string } }[] }>(
        session,
        'query Wachtend { mijnToestemmingsverzoeken { status bureau { naam } } }',
      ),
    ]);
    const k = beeld.data?.klant;
    const down = unavailablePartners(beeld.errors);
    if (!k && !down.includes('gemeente')) down.push('gemeente');
    const pending = (verzoeken.data?.mijnToestemmingsverzoeken ?? []).filter((v) => v.status === 'openstaand');

    const body = html`${heading(1, `Welkom${k?.naam ? `, ${k.naam.volledigeNaam}` : ''}`)}
      ${liveUpdates({ soorten: ['toestemming'] })}
      ${liveRegion('live-verzoeken', pending.length
        ? alert('info', html`<p class="utrecht-paragraph"><strong>${pending.length === 1 ? `${pending[0]!.bureau.naam} vraagt uw toestemming.` : `${pending.length} vragen om uw toestemming wachten op uw antwoord.`}</strong></p>
            ${linkButton('/mijn/toestemmingen', 'Bekijk en geef antwoord', 'primary-action')}`)
        : html``)}
      ${paragraph('Hier ziet u wat UWV, het UWV WERKbedrijf en de gemeente over uw werk en inkomen weten.')}
      ${partnerNotice(down, 'client')}
      ${k
        ? html`<section class="kp-card" aria-labelledby="gegevens">
            ${heading(2, 'Uw gegevens', 'gegevens')}
            ${dataList([
              ['Naam', k.naam?.volledigeNaam],
              ['Adres', adresText(k)],
              ['Telefoon', k.telefoon],
            ])}
            ${paragraph('Klopt dit niet? Geef het door aan uw gemeente.')}
          </section>
          ${inkomenSection(k, down, 2, true)}
          ${werkSection(k, down, 2, true)}`
        : ''}`;
    return pages.send(request, reply, { title: 'Mijn gegevens', current: '/mijn', body });
  });
}
