// The two OpenID Connect providers the pages log in with, each behind the same client code
// (oidc-client.ts): the provider configured with OIDC_ISSUER and OIDC_CLIENT_ID (the browser goes
// there and back, oidc.ts), and the built-in development issuer for the demo people (login.ts).
// One client per gateway for each, so the discovery document is fetched once, not per login.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import { devIssuerUrl } from '../../auth/dev-issuer.js';
import { DEV_CLIENT_ID, devProvider } from '../../auth/dev-issuer-provider.js';
import { createOidcClient, type OidcClient, type ProviderTokens } from './oidc-client.js';
import type { OidcSettings } from './oidc-settings.js';

const providerClients = new WeakMap<Readonly<Config>, OidcClient>();
const demoClients = new WeakMap<Readonly<Config>, OidcClient>();

/** The client of the configured provider (OIDC_ISSUER, OIDC_CLIENT_ID). */
export function providerClient(config: Readonly<Config>, settings: OidcSettings): OidcClient {
  let c = providerClients.get(config);
  if (!c) {
    c = createOidcClient({ issuer: settings.issuer, clientId: settings.clientId, clientSecret: settings.clientSecret, redirectUrl: settings.redirectUrl, scope: settings.scope, allowHttp: settings.allowHttp });
    providerClients.set(config, c);
  }
  return c;
}

/**
 * Logs a demo person in at the development issuer through the same code flow as a real provider
 * (discovery, PKCE, state, nonce, the ID token checked against the issuer's JWKS). The person was
 * chosen on our own login page, so the server takes the browser's one step to the issuer's
 * authorization endpoint itself, in-process like every other request to it.
 */
export async function loginAtDevIssuer(app: FastifyInstance, personId: string): Promise<ProviderTokens> {
  const dev = devProvider(app.keys, app.config.publicUrl);
  let c = demoClients.get(app.config);
  if (!c) {
    c = createOidcClient({
      issuer: new URL(devIssuerUrl(app.config.publicUrl)),
      clientId: DEV_CLIENT_ID,
      redirectUrl: dev.redirectUri,
      scope: 'openid',
      // Never production: config.ts refuses the development issuer there.
      allowHttp: true,
      fetch: (url, init) => dev.fetch(url, init),
    });
    demoClients.set(app.config, c);
  }
  const { url, checks } = await c.start({ login_hint: personId });
  const location = (await dev.fetch(url)).headers.get('location');
  if (!location) throw new Error('the development issuer answered without a redirect');
  return c.finish(new URL(location), checks);
}

/**
 * Where to send the browser after logging out of the pages, to end the session at the provider
 * too (RP-initiated logout); undefined when the provider offers no end_session or cannot be reached
 * (then the pages' own logout stands, which already ended their session on the server).
 */
export async function providerLogoutUrl(config: Readonly<Config>, settings: OidcSettings, idToken: string, log: FastifyBaseLogger): Promise<URL | undefined> {
  try {
    return await providerClient(config, settings).endSessionUrl(idToken, settings.postLogoutRedirectUrl);
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'oidc logout: the provider could not be asked for its end_session address');
    return undefined;
  }
}
