// Settings of the OpenID Connect login for the pages, from the validated config (gateway/config.ts
// reads and checks them; see docs/pages.md): absent, the OIDC login simply does not appear.
import type { Config } from '../../config.js';

export interface OidcSettings {
  clientId: string;
  clientSecret?: string;
  authorizationUrl: URL;
  tokenUrl: URL;
  redirectUrl: string;
  scope: string;
  /** Which token from the provider's answer the pages present as bearer token to the graph. */
  bearer: 'access_token' | 'id_token';
  providerName: string;
}

function str(config: Readonly<Config>, key: string): string | undefined {
  const v = (config as unknown as Record<string, unknown>)[key];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function url(name: string, value: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new Error(`${name}: an absolute URL`);
  }
}

export function oidcSettings(config: Readonly<Config>): OidcSettings | undefined {
  const clientId = str(config, 'OIDC_CLIENT_ID');
  const authorization = str(config, 'OIDC_AUTHORIZATION_URL');
  const token = str(config, 'OIDC_TOKEN_URL');
  if (!clientId && !authorization && !token) return undefined;
  if (!clientId || !authorization || !token) {
    throw new Error('OIDC_CLIENT_ID, OIDC_AUTHORIZATION_URL and OIDC_TOKEN_URL go together');
  }
  const bearer = str(config, 'OIDC_BEARER_TOKEN') ?? 'access_token';
  if (bearer !== 'access_token' && bearer !== 'id_token') throw new Error('OIDC_BEARER_TOKEN: access_token or id_token');
  const authorizationUrl = url('OIDC_AUTHORIZATION_URL', authorization);
  const tokenUrl = url('OIDC_TOKEN_URL', token);
  if (config.production && (authorizationUrl.protocol !== 'https:' || tokenUrl.protocol !== 'https:')) {
    throw new Error('OIDC_AUTHORIZATION_URL and OIDC_TOKEN_URL must use https in production');
  }
  return {
    clientId,
    clientSecret: str(config, 'OIDC_CLIENT_SECRET'),
    authorizationUrl,
    tokenUrl,
    redirectUrl: str(config, 'OIDC_REDIRECT_URL') ?? `${config.publicUrl}/inloggen/terug`,
    scope: str(config, 'OIDC_SCOPE') ?? 'openid',
    bearer,
    providerName: str(config, 'OIDC_PROVIDER_NAME') ?? 'uw inlogdienst',
  };
}
