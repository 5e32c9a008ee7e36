// Settings of the pages' OpenID Connect login, from the validated config (gateway/config.ts reads
// and checks them; see docs/pages.md). OIDC_CLIENT_ID turns it on; the provider is OIDC_ISSUER,
// whose endpoints and keys come from its discovery document. Absent, the login button does not
// appear (the demo people may still log in through the development issuer).
import type { Config } from '../../config.js';

export interface OidcSettings {
  /** The provider's issuer identifier: discovery at `<issuer>/.well-known/openid-configuration`. */
  issuer: URL;
  clientId: string;
  clientSecret?: string;
  redirectUrl: string;
  /** Where the provider sends the person after logging out there (RP-initiated logout). */
  postLogoutRedirectUrl: string;
  scope: string;
  /** Which token from the provider's answer the pages present as bearer token to the graph. */
  bearer: 'access_token' | 'id_token';
  providerName: string;
  /** http:// to the provider is allowed outside production only (config refuses it there). */
  allowHttp: boolean;
}

export function oidcSettings(config: Readonly<Config>): OidcSettings | undefined {
  if (!config.OIDC_CLIENT_ID || !config.OIDC_ISSUER) return undefined;
  return {
    issuer: new URL(config.OIDC_ISSUER),
    clientId: config.OIDC_CLIENT_ID,
    clientSecret: config.OIDC_CLIENT_SECRET,
    redirectUrl: config.OIDC_REDIRECT_URL ?? `${config.publicUrl}/inloggen/terug`,
    postLogoutRedirectUrl: `${config.publicUrl}/inloggen/uitgelogd`,
    scope: config.OIDC_SCOPE ?? 'openid',
    bearer: config.OIDC_BEARER_TOKEN ?? 'access_token',
    providerName: config.OIDC_PROVIDER_NAME ?? 'uw inlogdienst',
    allowHttp: !config.production,
  };
}
