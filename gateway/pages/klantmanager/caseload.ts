// The klantmanager's caseload: open signals first (a new report, a late one), then the clients,
// each with name, address, phone and their signals; paged through the gemeente's own paging.
import type { FastifyInstance } from 'fastify';
import { heading, paragraph } from '../shared/components.js';
import { SIGNAL_FIELDS, klantTable, signalList, type CaseloadKlant, type Signalering } from './caseload-view.js';
import type { Pages } from '../shared/context.js';
import { GraphRequestError, mustSucceed, partnerDown } from '../shared/graph-client.js';
import { html } from '../shared/html.js';
import { isId } from '../shared/ids.js';
import { liveRegion, liveUpdates } from '../shared/live-page.js';
import { partnerNotice, unavailablePartners } from '../shared/partners.js';
import type { PageSession } from '../shared/session.js';

const PAGE_SIZE = 25;
// Below the graph's alias limit (15): one request names the clients of signals off this page.
const MAX_NAME_LOOKUPS = 10;

/** Names for signals about clients who are not on the page shown, so every signal says whom it is about. */
async function addSignalNames(pages: Pages, session: PageSession, signals: Signalering[], names: Map<string, string>) {
  const missing = [...new Set(signals.map((s) => s.bsn).filter((b): b is string => Boolean(b) && !names.has(b!)))].slice(0, MAX_NAME_LOOKUPS);
  if (missing.length === 0) return;
  const vars = missing.map((_, i) => `$b${i}: ID!`).join(', ');
  const fields = missing.map((_, i) => `k${i}: klant(bsn: $b${i}) { naam { volledigeNaam } }`).join(' ');
  const answer = await pages
    .graph<Record<string, { naam: { volledigeNaam: string } } | null>>(session, `query SignaalNamen(${vars}) { ${fields} }`, Object.fromEntries(missing.map((b, i) => [`b${i}`, b])))
    // Names are a convenience: a client who left the caseload (FORBIDDEN) just keeps "Open klant".
    .catch((err: unknown) => (err instanceof GraphRequestError && err.code === 'FORBIDDEN' ? { data: null, errors: [] } : partnerDown(err)));
  missing.forEach((b, i) => {
    const naam = answer.data?.[`k${i}`]?.naam.volledigeNaam;
    if (naam) names.set(b, naam);
  });
}

export async function klantmanagerCaseloadRoutes(app: FastifyInstance, pages: Pages) {
  app.get<{ Querystring: { na?: string } }>('/klantmanager', async (request, reply) => {
    const session = pages.session(request);
    const na = typeof request.query.na === 'string' && request.query.na.length <= 200 ? request.query.na : undefined;
    // Two requests: the caseload comes from the gemeente, the signals from the chain itself; when
    // the gemeente is down the signals still show.
    const [caseloadAnswer, signalAnswer] = await Promise.all([
      pages
        .graph<{ caseload: { klanten: CaseloadKlant[]; volgende: string | null; totaal: number } | null }>(
          session,
          `query Caseload($eerste: Int, $na: String) {
            caseload(eerste: $eerste, na: $na) { klanten { bsn naam { volledigeNaam } adres { straat huisnummer postcode woonplaats } telefoon } volgende totaal } }`,
          { eerste: PAGE_SIZE, na },
        )
        .catch(partnerDown),
      pages.graph<{ signaleringen: Signalering[] }>(session, `query Signalen { signaleringen(alleenOpen: true) { ${SIGNAL_FIELDS} } }`),
    ]);
    const caseload = caseloadAnswer.data?.caseload;
    const signals = signalAnswer.data?.signaleringen ?? [];
    const errors = caseloadAnswer.errors;
    const names = new Map((caseload?.klanten ?? []).map((k) => [k.bsn, k.naam.volledigeNaam]));
    await addSignalNames(pages, session, signals, names);
    const down = unavailablePartners(errors);
    const csrf = pages.csrf(reply);
    // A new report or benefit change arrives as a signal: the signals and the table's badges update.
    const body = html`${heading(1, 'Mijn caseload')}
      ${liveUpdates({ soorten: ['rapportage', 'signalering'] })}
      ${partnerNotice(down, 'klantmanager')}
      ${liveRegion('live-signalen', html`<section aria-labelledby="signalen">
        ${heading(2, `Signalen (${signals.length})`, 'signalen')}
        ${signals.length ? signalList(pages, signals, csrf, names, '/klantmanager') : paragraph('Geen open signalen.')}
      </section>`)}
      ${liveRegion('live-klanten', html`<section aria-labelledby="klanten">
        ${heading(2, 'Klanten', 'klanten')}
        ${caseload
          ? html`${paragraph(`${caseload.totaal} klanten in totaal.`)}
            ${klantTable(pages, caseload.klanten, signals, na ? 'Klanten, volgende pagina' : 'Klanten, eerste pagina')}
            <p class="utrecht-paragraph kp-paging">
              ${na ? html`<a class="utrecht-link" href="/klantmanager">Naar het begin</a> ` : ''}
              ${caseload.volgende ? html`<a class="utrecht-link" href="/klantmanager?na=${encodeURIComponent(caseload.volgende)}">Volgende ${PAGE_SIZE} klanten</a>` : ''}
            </p>`
          : paragraph('De caseload is nu niet op te halen.')}
      </section>`)}`;
    return pages.send(request, reply, { title: 'Mijn caseload', current: '/klantmanager', body });
  });

  app.post<{ Params: { id: string }; Body: { terug?: string } }>(
    '/klantmanager/signaleringen/:id/afhandelen',
    async (request, reply) => {
      if (isId(request.params.id)) {
        await pages
          .graph(pages.session(request), 'mutation Afhandelen($id: ID!) { handelSignaleringAf(id: $id) { id afgehandeldOp } }', { id: request.params.id })
          .then(mustSucceed);
      }
      const terug = typeof request.body?.terug === 'string' && request.body.terug.startsWith('/klantmanager') && !request.body.terug.startsWith('//') ? request.body.terug : '/klantmanager';
      return reply.redirect(terug, 303);
    },
  );

  // The GET for the same path: after a login that interrupted "Afgehandeld", land on the caseload.
  app.get('/klantmanager/signaleringen/:id/afhandelen', async (_request, reply) => reply.redirect('/klantmanager', 303));

}
