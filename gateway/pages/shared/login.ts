// Logging in and out. With the development issuer on, a demo login lets a tester pick one of the
// demo people; the server then logs that person in at the development issuer through the same
// OpenID Connect client as a real provider (login-providers.ts), and the token never reaches the
// browser. With an OpenID Connect provider configured, the login button starts that flow (oidc.ts)
// and logging out also ends the session there. Either way the new token is tried once against the
// graph before the session starts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { demoPeople, findDemoPerson } from '../../demo/people.js';
import { alert, heading, paragraph } from './components.js';
import type { Pages } from './context.js';
import { hasDraft } from './drafts.js';
import { html } from './html.js';
import { loginAtDevIssuer, providerLogoutUrl } from './login-providers.js';
import { oidcSettings } from './oidc-settings.js';
import { safeReturnPath } from './safe-return.js';
import { endSession, homeFor, sessionFromToken, startSession, type PageSession } from './session.js';

const PAGE_ROLES = new Set(['client', 'klantmanager', 'rib', 'auditor']);

/** Asks the graph who this token belongs to: a token the gateway refuses starts no session. */
export async function verifiedSession(pages: Pages, token: string): Promise<PageSession | undefined> {
  const session = sessionFromToken(token);
  if (!session) return undefined;
  try {
    const { data } = await pages.graph<{ ik: { rol: string; naam: string } }>(session, 'query Ik { ik { rol naam } }');
    return data?.ik.rol === session.role ? { ...session, name: data.ik.naam || session.name } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A new session for a new login, always with a new id (no session fixation); the session this
 * browser had before, if any, is ended on the server first.
 */
export async function beginSession(request: FastifyRequest, reply: FastifyReply, pages: Pages, session: PageSession) {
  const deps = { store: pages.sessions, cookie: pages.cookie };
  await endSession(request, reply, deps, 'opnieuw-ingelogd');
  await startSession(reply, deps, session);
}

/** Where to go after logging in: the page asked for when it is one we know, else the person's start page. */
export function returnTo(pages: Pages, session: PageSession, terug: unknown): string {
  const path = safeReturnPath(terug, pages.knownPages);
  return path === '/' ? homeFor(session.role) : path;
}

export async function loginRoutes(app: FastifyInstance, pages: Pages) {
  const devIssuer = app.config.DEV_ISSUER;
  const oidc = oidcSettings(app.config);

  app.get('/', async (request, reply) => {
    const s = request.pages?.current;
    return reply.redirect(s ? homeFor(s.role) : '/inloggen', 303);
  });

  app.get<{ Querystring: { terug?: string; verlopen?: string; uitgelogd?: string; fout?: string } }>('/inloggen', async (request, reply) => {
    const terug = safeReturnPath(request.query.terug, pages.knownPages);
    const expired = request.query.verlopen === '1';
    const csrf = pages.csrf(reply);
    const who = request.pages?.expired?.name;
    const notices = html`${expired
      ? alert('warning', html`<strong>U bent uitgelogd omdat u een tijd niets deed.</strong> Log opnieuw in${who ? html` als ${who}` : ''}.
          ${hasDraft(request, pages.sealer) ? ' Wat u had ingevuld is bewaard: u ziet het terug na het inloggen.' : ''}`)
      : ''}
      ${request.query.uitgelogd === '1' ? alert('ok', 'U bent uitgelogd.') : ''}
      ${request.query.fout === '1' ? alert('error', 'Inloggen is niet gelukt. Probeer het opnieuw.') : ''}
      ${request.query.fout === 'dienst' ? alert('error', `Inloggen bij ${oidc?.providerName ?? 'de inlogdienst'} lukt nu niet. Probeer het over een paar minuten opnieuw.`) : ''}`;

    const demo = devIssuer
      ? html`<form method="post" action="/inloggen" class="kp-form">
          <input type="hidden" name="_csrf" value="${csrf}">
          <input type="hidden" name="terug" value="${terug}">
          <fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset kp-fieldset">
            <legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">Kies met wie u wilt inloggen</legend>
            ${demoPeople()
              .filter((p) => PAGE_ROLES.has(p.role))
              .map(
                (p, i) => html`<div class="utrecht-form-field utrecht-form-field--radio kp-choice">
                  <input class="utrecht-radio-button utrecht-radio-button--html-input" type="radio" name="persoon" id="persoon-${p.id}" value="${p.id}"${i === 0 ? html` required` : ''} aria-describedby="persoon-${p.id}-uitleg">
                  <label class="utrecht-form-label utrecht-form-label--radio" for="persoon-${p.id}">${p.name}</label>
                  <div class="utrecht-form-field-description" id="persoon-${p.id}-uitleg">${p.description}</div>
                </div>`,
              )}
          </fieldset>
          <button type="submit" class="utrecht-button utrecht-button--primary-action">Inloggen</button>
        </form>`
      : '';
    const provider = oidc
      ? html`${heading(2, 'Inloggen met uw account')}
          <form method="get" action="/inloggen/oidc" class="kp-form">
            <input type="hidden" name="terug" value="${terug}">
            <button type="submit" class="utrecht-button utrecht-button--primary-action">Inloggen bij ${oidc.providerName}</button>
          </form>`
      : '';
    const none = !devIssuer && !oidc ? alert('error', 'Inloggen is op deze server niet ingesteld. Neem contact op met de beheerder.') : '';
    return pages.send(request, reply, {
      title: 'Inloggen',
      body: html`${heading(1, 'Inloggen')}${notices}
        ${devIssuer ? paragraph('Dit is een testomgeving. U logt in als een van de testpersonen hieronder. Alle gegevens zijn verzonnen.') : ''}
        ${demo}${provider}${none}`,
    });
  });

  if (devIssuer) {
    app.post<{ Body: { persoon?: string; terug?: string } }>('/inloggen', { preHandler: app.csrfProtection, config: { rateLimit: app.loginRateLimit } }, async (request, reply) => {
      const person = findDemoPerson(String(request.body?.persoon ?? ''));
      if (!person || !PAGE_ROLES.has(person.role)) return reply.redirect('/inloggen?fout=1', 303);
      let token: string;
      try {
        token = (await loginAtDevIssuer(app, person.id)).accessToken;
      } catch (err) {
        request.log.warn({ err: (err as Error).message }, 'demo login refused by the development issuer');
        return reply.redirect('/inloggen?fout=1', 303);
      }
      const session = await verifiedSession(pages, token);
      if (!session) return reply.redirect('/inloggen?fout=1', 303);
      await beginSession(request, reply, pages, session);
      return reply.redirect(returnTo(pages, session, request.body?.terug), 303);
    });
  }

  // Ends the session on the server: a copy of the cookie kept elsewhere stops working too. After a
  // login at a provider that offers end_session, the browser goes on there to log out of it too.
  app.post('/uitloggen', { preHandler: app.csrfProtection }, async (request, reply) => {
    const idToken = request.pages?.current?.provider?.idToken;
    await endSession(request, reply, { store: pages.sessions, cookie: pages.cookie }, 'uitgelogd');
    const atProvider = oidc && idToken ? await providerLogoutUrl(app.config, oidc, idToken, request.log) : undefined;
    return reply.redirect(atProvider?.toString() ?? '/inloggen?uitgelogd=1', 303);
  });
}
