// The klantmanager's trajectory work on the client's page, without GraphQL by hand: register a
// trajectory and assign it to a bureau, choose another bureau, end it. Each is a GET that shows
// the form or the consequences and a POST (with its CSRF token) that calls `wijsTrajectToe` or
// `beeindigTraject` with the klantmanager's own token, so the caseload rule, the contract rule and
// both logs apply as for any caller. Text typed when the session ran out comes back (drafts.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { alert, heading, linkButton, paragraph } from '../shared/components.js';
import type { Pages } from '../shared/context.js';
import { takeDraft } from '../shared/drafts.js';
import { datum } from '../shared/format.js';
import { GraphRequestError, mustSucceed } from '../shared/graph-client.js';
import { html, type SafeHtml } from '../shared/html.js';
import { isId } from '../shared/ids.js';
import { bsnFromRef } from './klant-ref.js';
import { bureauField, check, clean, newTrajectFields, problemFromApi, summary, type Bureau, type Problems, type TrajectFields } from './traject-formulier.js';

interface Traject {
  id: string;
  gemeenteKenmerk: string;
  titel: string;
  startdatum: string;
  einddatum: string;
  status: string;
  rapportageblokken: { id: string; rib: { oin: string; naam: string }; status: string }[];
}

interface Klant {
  naam: { volledigeNaam: string } | null;
  trajecten: Traject[];
}

const KLANT = `query KlantTrajecten($bsn: ID!) {
  klant(bsn: $bsn) { naam { volledigeNaam } trajecten { id gemeenteKenmerk titel startdatum einddatum status rapportageblokken { id rib { oin naam } status } } }
  gecontracteerdeBureaus { oin naam }
}`;
const ASSIGN = 'mutation WijsToe($w: TrajectToewijzingInput!) { wijsTrajectToe(toewijzing: $w) { trajectId status } }';
const END = 'mutation Beeindig($id: ID!) { beeindigTraject(trajectId: $id) { trajectId status } }';

type Ref = { Params: { ref: string } };
type RefId = { Params: { ref: string; id: string } };

export const trajectPaths = {
  nieuw: (ref: string) => `/klantmanager/klanten/${ref}/trajecten/nieuw`,
  bureau: (ref: string, id: string) => `/klantmanager/klanten/${ref}/trajecten/${id}/bureau`,
  beeindigen: (ref: string, id: string) => `/klantmanager/klanten/${ref}/trajecten/${id}/beeindigen`,
};

const DRAFT_NOTICE = 'U was uitgelogd. Wat u had ingevuld staat er nog. Kijk het na en klik nog een keer op de knop.';

export async function klantmanagerTrajectRoutes(app: FastifyInstance, pages: Pages) {
  const back = (ref: string) => `/klantmanager/klanten/${ref}`;

  /** The client (through the caseload rule: FORBIDDEN otherwise) and the bureaus under contract. */
  async function load(request: FastifyRequest<Ref>) {
    const bsn = bsnFromRef(pages.sealer, request.params.ref);
    if (!bsn) return undefined;
    const { data } = await pages.graph<{ klant: Klant | null; gecontracteerdeBureaus: Bureau[] }>(pages.session(request), KLANT, { bsn });
    if (!data?.klant) return undefined;
    return { bsn, klant: data.klant, name: data.klant.naam?.volledigeNaam ?? 'de klant', bureaus: data.gecontracteerdeBureaus };
  }

  function gone(request: FastifyRequest, reply: FastifyReply, text: string) {
    return pages.send(request, reply, {
      title: 'Niet gevonden',
      status: 404,
      current: '/klantmanager',
      body: html`${heading(1, 'Dit kan niet')}${alert('info', text)}${linkButton('/klantmanager', 'Naar de caseload', 'primary-action')}`,
    });
  }

  const draftOf = (request: FastifyRequest, reply: FastifyReply) =>
    takeDraft(request, reply, pages.sealer, pages.cookie.secure, request.url.split('?')[0]!, pages.session(request).subject);

  /** Calls wijsTrajectToe; a field the API refuses comes back as that field's problem. */
  async function assign(request: FastifyRequest, bsn: string, f: TrajectFields): Promise<Problems | undefined> {
    try {
      mustSucceed(await pages.graph(pages.session(request), ASSIGN, { w: { bsn, ...f } }));
      return undefined;
    } catch (err) {
      const e = err instanceof GraphRequestError && err.code === 'BAD_USER_INPUT' ? err.errors[0] : undefined;
      const problem = e && problemFromApi(e.field, e.message);
      if (problem) return problem;
      throw err;
    }
  }

  function form(reply: FastifyReply, action: string, fields: SafeHtml, button: string, ref: string, danger = false): SafeHtml {
    return html`<form method="post" action="${action}" class="kp-form" novalidate>
      <input type="hidden" name="_csrf" value="${pages.csrf(reply)}">
      ${fields}
      <div class="utrecht-button-group kp-actions">
        <button type="submit" class="utrecht-button utrecht-button--primary-action${danger ? ' utrecht-button--danger' : ''}">${button}</button>
        <a class="utrecht-link" href="${back(ref)}">Terug, ik doe niets</a>
      </div>
    </form>`;
  }

  // Register a new trajectory and assign it.
  function newPage(request: FastifyRequest<Ref>, reply: FastifyReply, c: NonNullable<Awaited<ReturnType<typeof load>>>, f: TrajectFields, problems: Problems, draft = false) {
    const bad = Object.keys(problems).length > 0;
    return pages.send(request, reply, {
      title: 'Nieuw traject',
      current: '/klantmanager',
      status: bad ? 400 : 200,
      body: html`<p class="utrecht-paragraph"><a class="utrecht-link" href="${back(request.params.ref)}">Terug naar ${c.name}</a></p>
        ${heading(1, `Nieuw traject voor ${c.name}`)}
        ${draft ? alert('info', DRAFT_NOTICE) : ''}
        ${summary(problems)}
        ${paragraph('Het bureau dat u kiest, krijgt een rapportageblok voor dit traject. Het bureau vraagt daarna zelf toestemming aan de klant.')}
        ${c.bureaus.length ? form(reply, trajectPaths.nieuw(request.params.ref), newTrajectFields(f, problems, c.bureaus), 'Traject toewijzen', request.params.ref) : alert('warning', 'Uw gemeente heeft nu met geen enkel bureau een contract. U kunt geen traject toewijzen.')}`,
    });
  }

  app.get<Ref>('/klantmanager/klanten/:ref/trajecten/nieuw', async (request, reply) => {
    const c = await load(request);
    if (!c) return gone(request, reply, 'Deze klant is niet te openen. Zoek de klant opnieuw.');
    const draft = draftOf(request, reply);
    return newPage(request, reply, c, clean(draft), {}, Boolean(draft));
  });

  app.post<Ref>('/klantmanager/klanten/:ref/trajecten/nieuw', async (request, reply) => {
    const c = await load(request);
    if (!c) return gone(request, reply, 'Deze klant is niet te openen. Zoek de klant opnieuw.');
    const f = clean(request.body);
    const problems = check(f, c.bureaus);
    if (Object.keys(problems).length) return newPage(request, reply, c, f, problems);
    const refused = await assign(request, c.bsn, f);
    if (refused) return newPage(request, reply, c, f, refused);
    return reply.redirect(`${back(request.params.ref)}?klaar=toegewezen`, 303);
  });

  // Another bureau for a running trajectory (the same wijsTrajectToe with the trajectory's own data).
  const findTraject = (c: NonNullable<Awaited<ReturnType<typeof load>>>, id: string) => (isId(id) ? c.klant.trajecten.find((t) => t.id === id && t.status === 'actief') : undefined);
  const currentBureau = (t: Traject) => t.rapportageblokken.find((b) => b.status === 'open')?.rib;

  function bureauPage(request: FastifyRequest<RefId>, reply: FastifyReply, c: NonNullable<Awaited<ReturnType<typeof load>>>, t: Traject, chosen: string, problem?: string, draft = false) {
    const now = currentBureau(t);
    const others = c.bureaus.filter((b) => b.oin !== now?.oin);
    return pages.send(request, reply, {
      title: 'Ander bureau kiezen',
      current: '/klantmanager',
      status: problem ? 400 : 200,
      body: html`<p class="utrecht-paragraph"><a class="utrecht-link" href="${back(request.params.ref)}">Terug naar ${c.name}</a></p>
        ${heading(1, `Ander bureau voor ${t.titel}`)}
        ${draft ? alert('info', DRAFT_NOTICE) : ''}
        ${problem ? summary({ bureauOin: problem }) : ''}
        ${paragraph(now ? `Nu doet ${now.naam} dit traject. Kiest u een ander bureau, dan sluit het blok van ${now.naam}: het kan dan niets meer schrijven, ook niet met toestemming van de klant.` : 'Geen bureau doet dit traject nu.')}
        ${paragraph('Het nieuwe bureau moet zelf toestemming vragen aan de klant.')}
        ${form(reply, trajectPaths.bureau(request.params.ref, t.id), bureauField(others, chosen, problem), 'Dit bureau kiezen', request.params.ref)}`,
    });
  }

  app.get<RefId>('/klantmanager/klanten/:ref/trajecten/:id/bureau', async (request, reply) => {
    const c = await load(request);
    const t = c && findTraject(c, request.params.id);
    if (!c || !t) return gone(request, reply, 'Dit traject loopt niet (meer).');
    const draft = draftOf(request, reply);
    return bureauPage(request, reply, c, t, draft?.bureauOin ?? '', undefined, Boolean(draft));
  });

  app.post<RefId>('/klantmanager/klanten/:ref/trajecten/:id/bureau', async (request, reply) => {
    const c = await load(request);
    const t = c && findTraject(c, request.params.id);
    if (!c || !t) return gone(request, reply, 'Dit traject loopt niet (meer).');
    const f: TrajectFields = { gemeenteKenmerk: t.gemeenteKenmerk, titel: t.titel, startdatum: t.startdatum, einddatum: t.einddatum, bureauOin: clean(request.body).bureauOin };
    const others = c.bureaus.filter((b) => b.oin !== currentBureau(t)?.oin);
    const problem = check(f, others, ['bureauOin']).bureauOin;
    if (problem) return bureauPage(request, reply, c, t, f.bureauOin, problem);
    const refused = await assign(request, c.bsn, f);
    if (refused) return bureauPage(request, reply, c, t, f.bureauOin, Object.values(refused)[0]);
    return reply.redirect(`${back(request.params.ref)}?klaar=toegewezen`, 303);
  });

  // End a trajectory: say what stops before it does.
  app.get<RefId>('/klantmanager/klanten/:ref/trajecten/:id/beeindigen', async (request, reply) => {
    const c = await load(request);
    const t = c && findTraject(c, request.params.id);
    if (!c || !t) return gone(request, reply, 'Dit traject loopt niet (meer).');
    const now = currentBureau(t);
    return pages.send(request, reply, {
      title: 'Traject beëindigen',
      current: '/klantmanager',
      body: html`<p class="utrecht-paragraph"><a class="utrecht-link" href="${back(request.params.ref)}">Terug naar ${c.name}</a></p>
        ${heading(1, `${t.titel} beëindigen`)}
        ${paragraph(`Het traject loopt van ${datum(t.startdatum)} tot en met ${datum(t.einddatum)}.`)}
        ${heading(2, 'Wat gebeurt er?')}
        <ul class="utrecht-unordered-list">
          <li class="utrecht-unordered-list__item">${now ? `${now.naam} kan geen rapportages meer schrijven.` : 'Er kan geen rapportage meer bij komen.'}</li>
          <li class="utrecht-unordered-list__item">De toestemming die de klant gaf voor dit traject, stopt.</li>
          <li class="utrecht-unordered-list__item">Rapportages die er al zijn, blijven bewaard. U en de klant kunnen ze blijven lezen.</li>
        </ul>
        ${paragraph('Dit kunt u niet terugdraaien. Voor een nieuw traject maakt u een nieuw traject aan.')}
        ${form(reply, trajectPaths.beeindigen(request.params.ref, t.id), html``, 'Ja, beëindig dit traject', request.params.ref, true)}`,
    });
  });

  app.post<RefId>('/klantmanager/klanten/:ref/trajecten/:id/beeindigen', async (request, reply) => {
    const c = await load(request);
    const t = c && findTraject(c, request.params.id);
    if (!c || !t) return gone(request, reply, 'Dit traject loopt niet (meer).');
    mustSucceed(await pages.graph(pages.session(request), END, { id: t.id }));
    return reply.redirect(`${back(request.params.ref)}?klaar=beeindigd`, 303);
  });
}
