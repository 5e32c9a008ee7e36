// The pages' OpenID Connect client, on openid-client: discovery, the authorization code with PKCE
// (S256), state and nonce, the ID token's validation (signature from the provider's JWKS, issuer,
// audience, expiry, nonce), refresh, and the RP-initiated logout address. The same code serves a
// real provider (browser redirects, oidc.ts) and the development issuer (in-process, login.ts).
//
// The ID token's signature is checked too (openid-client's "non-repudiation checks"; it would
// otherwise rely on TLS to the token endpoint alone): a provider node still signing with a key
// the provider has withdrawn is refused, not only by the gateway's bearer check.
//
// Key rotation: openid-client keeps a provider's JWKS per Configuration for up to five minutes and
// fetches again for an unknown key only after a minute. Each token exchange therefore gets a fresh
// Configuration from the cached discovery document: a key the provider just added is found at
// once, and a key it has withdrawn is refused at once. That costs one JWKS request per login or
// refresh, which are rare next to page views.
import * as client from 'openid-client';

/** The discovery document is fetched again after this long, or after a failure. */
const DISCOVERY_TTL_MS = 10 * 60_000;
/** Seconds to wait for the provider. */
const TIMEOUT_S = 10;

export interface OidcClientOptions {
  issuer: URL;
  clientId: string;
  /** Sent as client_secret_basic; without it a public client (PKCE only). */
  clientSecret?: string;
  redirectUrl: string;
  scope: string;
  /** Allow http:// (development and tests; never production, config.ts refuses it there). */
  allowHttp: boolean;
  /** Reach the provider another way than the network (the development issuer, in-process). */
  fetch?: client.CustomFetch;
}

/** What the browser's flow must remember between leaving and coming back; each value used once. */
export interface FlowChecks {
  state: string;
  nonce: string;
  verifier: string;
}

export interface ProviderTokens {
  accessToken: string;
  idToken?: string;
  refreshToken?: string;
  /** ID token claims, validated. */
  subject?: string;
}

export interface OidcClient {
  readonly clientId: string;
  /** The provider's authorization URL for a new login, and the checks to keep for its return. */
  start(extra?: Record<string, string>): Promise<{ url: URL; checks: FlowChecks }>;
  /** Checks the provider's answer at `callback` (state, iss), redeems the code, validates the ID token. */
  finish(callback: URL, checks: FlowChecks): Promise<ProviderTokens>;
  /** New tokens for a refresh token; throws when the provider refuses. */
  refresh(refreshToken: string): Promise<ProviderTokens>;
  /** Where to send the browser to log out at the provider too; undefined when it offers no end_session. */
  endSessionUrl(idToken: string, postLogoutRedirectUrl: string): Promise<URL | undefined>;
}

export function createOidcClient(options: OidcClientOptions): OidcClient {
  const auth = options.clientSecret ? client.ClientSecretBasic(options.clientSecret) : client.None();
  const secret = options.clientSecret ? { client_secret: options.clientSecret } : {};
  let discovered: { at: number; metadata: Promise<client.ServerMetadata> } | undefined;

  const tune = (config: client.Configuration) => {
    config.timeout = TIMEOUT_S;
    if (options.fetch) config[client.customFetch] = options.fetch;
    if (options.allowHttp && options.issuer.protocol === 'http:') client.allowInsecureRequests(config);
    client.enableNonRepudiationChecks(config);
    return config;
  };

  async function metadata(): Promise<client.ServerMetadata> {
    if (!discovered || Date.now() - discovered.at > DISCOVERY_TTL_MS) {
      const execute = options.allowHttp && options.issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [];
      const p = client
        .discovery(options.issuer, options.clientId, secret, auth, { execute, timeout: TIMEOUT_S, ...(options.fetch ? { [client.customFetch]: options.fetch } : {}) })
        .then((c) => c.serverMetadata());
      discovered = { at: Date.now(), metadata: p };
      // A failed discovery is not kept: the next login asks again.
      p.catch(() => {
        if (discovered?.metadata === p) discovered = undefined;
      });
    }
    return discovered.metadata;
  }

  /** A fresh Configuration, so its JWKS cache starts empty (see the top of this file). */
  const configuration = async () => tune(new client.Configuration(await metadata(), options.clientId, secret, auth));

  const tokensOf = (r: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers): ProviderTokens => ({
    accessToken: r.access_token,
    idToken: r.id_token,
    refreshToken: r.refresh_token,
    subject: r.claims()?.sub,
  });

  return {
    clientId: options.clientId,

    async start(extra = {}) {
      const config = await configuration();
      const checks: FlowChecks = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier() };
      const url = client.buildAuthorizationUrl(config, {
        ...extra,
        redirect_uri: options.redirectUrl,
        scope: options.scope,
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(checks.verifier),
        code_challenge_method: 'S256',
      });
      return { url, checks };
    },

    async finish(callback, checks) {
      const config = await configuration();
      const tokens = await client.authorizationCodeGrant(config, callback, {
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        pkceCodeVerifier: checks.verifier,
        idTokenExpected: true,
      });
      return tokensOf(tokens);
    },

    async refresh(refreshToken) {
      return tokensOf(await client.refreshTokenGrant(await configuration(), refreshToken));
    },

    async endSessionUrl(idToken, postLogoutRedirectUrl) {
      const config = await configuration();
      if (!config.serverMetadata().end_session_endpoint) return undefined;
      return client.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: postLogoutRedirectUrl });
    },
  };
}
