// What every adapter factory takes. In-process the gateway passes a key resolver backed by its
// key store; an adapter run alone uses createRemoteJWKSet(GATEWAY_JWKS_URL).
import type { JWTVerifyGetKey } from 'jose';
import type { DestinationStream } from 'pino';
import type { BreakerOptions } from './circuit-breaker.js';
import type { RetryOptions } from './retry.js';

export interface AdapterOptions {
  /** Base URL of the partner's source API (a sandbox or the real one). */
  sourceUrl: string;
  /** The bearer secret the partner's source issued to this adapter (a sandbox's credential). */
  sourceCredential: string;
  /** The gateway's public URL: issuer of the internal tokens this adapter accepts. */
  gatewayIssuer: string;
  getKey: JWTVerifyGetKey;
  /** Budget for one call to the source API, retries included; default 1500 ms. */
  timeoutMs?: number;
  retry?: RetryOptions;
  breaker?: BreakerOptions;
  /** pino level; default info. */
  logLevel?: string;
  /** Log every request (fastify's request lines); default true. Off in-process, where the gateway logs them. */
  logRequests?: boolean;
  /** Where the log lines go; standard output unless given (tests read them). */
  logStream?: DestinationStream;
}
