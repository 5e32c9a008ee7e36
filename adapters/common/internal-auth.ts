// An adapter trusts only calls the gateway signed. Every request in the scope this plugin is
// registered in must carry `Authorization: Bearer <internal JWT>`: ES256, signed by a key the
// gateway publishes, issued by the gateway, addressed to this adapter, alive at most five minutes,
// naming the end user, their role and organisation, the purpose, and the gateway as actor
// (RFC 8693 `act`). Anything else is answered 401 before a body is read or a resolver runs.
import fp from 'fastify-plugin';
import { errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createVerifiedTokens } from '../../lib/verified-tokens.js';
import { unauthenticatedBody } from './errors.js';
import { adapterAudience, type Partner } from './partner.js';

/** `system` is the gateway acting for itself (fetching the subgraph's schema); it has no end user. */
export const INTERNAL_ROLES = ['client', 'klantmanager', 'rib', 'auditor', 'system'] as const;
export type InternalRole = (typeof INTERNAL_ROLES)[number];

/** What an adapter knows about the call once the internal token is verified. */
export interface InternalCall {
  subject: string;
  role: InternalRole;
  /** The caller's organisation (20 digits); absent for clients and the gateway itself. */
  oin?: string;
  /** URI of the processing activity the gateway asked for. */
  purpose: string;
  traceparent?: string;
}

export interface InternalAuthOptions {
  partner: Partner;
  /** The gateway's public URL: the only accepted `iss`. */
  gatewayIssuer: string;
  getKey: JWTVerifyGetKey;
}

declare module 'fastify' {
  interface FastifyRequest {
    internalCall: InternalCall | null;
  }
}

/** The contract caps an internal token's lifetime: exp at most five minutes after iat. */
const MAX_LIFETIME_SECONDS = 300;
const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;

class InvalidInternalToken extends Error {}

export function internalCallFrom(payload: JWTPayload, issuer: string): InternalCall {
  const p = payload as JWTPayload & Record<string, unknown>;
  if (typeof p.sub !== 'string' || !p.sub) throw new InvalidInternalToken('sub missing');
  if (typeof p.iat !== 'number' || typeof p.exp !== 'number') throw new InvalidInternalToken('iat or exp missing');
  if (p.exp - p.iat > MAX_LIFETIME_SECONDS) throw new InvalidInternalToken('lifetime too long');
  if (!INTERNAL_ROLES.includes(p.role as InternalRole)) throw new InvalidInternalToken('unknown role');
  if (typeof p.purpose !== 'string' || !p.purpose) throw new InvalidInternalToken('purpose missing');
  const act = p.act as { sub?: unknown } | undefined;
  if (!act || act.sub !== issuer) throw new InvalidInternalToken('actor is not the gateway');
  const role = p.role as InternalRole;
  let oin: string | undefined;
  if (p.oin !== undefined) {
    if (typeof p.oin !== 'string' || !/^\d{20}$/.test(p.oin)) throw new InvalidInternalToken('oin malformed');
    oin = p.oin;
  }
  if ((role === 'klantmanager' || role === 'rib' || role === 'auditor') && !oin) throw new InvalidInternalToken('oin missing');
  if (role === 'client' && oin) throw new InvalidInternalToken('client with an oin');
  const traceparent = typeof p.traceparent === 'string' && TRACEPARENT.test(p.traceparent) ? p.traceparent : undefined;
  return { subject: p.sub, role, oin, purpose: p.purpose, traceparent };
}

/** Why a token was refused, for the operator's log: a category, never the token itself. */
function refusal(err: unknown): string {
  if (err instanceof InvalidInternalToken) return err.message;
  if (err instanceof joseErrors.JOSEError) return err.code;
  return 'verification failed';
}

export const internalAuth = fp<InternalAuthOptions>(
  async (scope, options) => {
    const { partner, gatewayIssuer, getKey } = options;
    const audience = adapterAudience(partner);
    scope.decorateRequest('internalCall', null);

    const refuse = (request: FastifyRequest, reply: FastifyReply, reason: string) => {
      request.log.warn({ partner, reason }, 'internal call refused');
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer error="invalid_token"')
        .send(unauthenticatedBody('this adapter answers only calls signed by the Ketenpoort gateway'));
    };

    // The gateway reuses one token per user and purpose for half a minute: verify it once.
    const verified = createVerifiedTokens<InternalCall>({ maxAgeMs: 60_000 });

    scope.addHook('onRequest', async (request, reply) => {
      const header = request.headers.authorization;
      const match = header ? /^Bearer ([A-Za-z0-9._-]+)$/.exec(header) : null;
      if (!match) return refuse(request, reply, 'no bearer token');
      const token = match[1]!;
      let call = verified.get(token);
      if (!call) {
        try {
          const { payload } = await jwtVerify(token, getKey, {
            issuer: gatewayIssuer,
            audience,
            algorithms: ['ES256'],
            maxTokenAge: `${MAX_LIFETIME_SECONDS}s`,
            requiredClaims: ['sub', 'iat', 'exp'],
          });
          call = internalCallFrom(payload, gatewayIssuer);
          verified.set(token, call, payload.exp);
        } catch (err) {
          return refuse(request, reply, refusal(err));
        }
      }
      // The trace context travels per request in its header (the token outlives one request).
      const traceparent = request.headers.traceparent;
      request.internalCall = typeof traceparent === 'string' && TRACEPARENT.test(traceparent) ? { ...call, traceparent } : call;
    });
  },
  { name: 'ketenpoort-internal-auth', fastify: '5.x' },
);
