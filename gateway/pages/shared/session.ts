// The page session. The cookie holds only a random id; the person's bearer token and who they are
// live on the server (session-store.ts), so the server can end a session: after logging out a copied
// cookie no longer works, and a session left idle runs out. Pages call the graph with exactly that
// token, so they have the person's rights and no more. The cookie outlives the session by a grace
// period so a session that ran out still says whose it was: the login page can ask that person to
// log in again and give back what they were typing (drafts.ts), instead of starting over.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import { ROLES, type Caller, type Role } from '../../auth/caller.js';
import type { DecisionLog } from '../../logs/decision-log.js';
import { traceFromHeader } from '../../logs/trace.js';
import type { SessionLookup, SessionStore } from './session-store.js';

export interface PageSession {
  token: string;
  role: Role;
  name: string;
  subject: string;
  /** The client's own BSN (from the token): pages ask the graph for `klant(bsn)` with it. */
  bsn?: string;
  /** The organisation of a klantmanager, RIB or auditor (from the token). */
  oin?: string;
  /** When the token expires, ms since the epoch. */
  expiresAt: number;
  /** After a login at an OpenID Connect provider: what logout there and refresh need (shared/oidc.ts). */
  provider?: ProviderLogin;
}

export interface ProviderLogin {
  /** For the provider's end_session (id_token_hint). */
  idToken?: string;
  refreshToken?: string;
  /** When the bearer token was received, ms since the epoch: refreshed past half its life. */
  receivedAt: number;
}

export interface SessionState {
  current?: PageSession;
  /** Who was logged in when the session ran out (for the login page and drafts). */
  expired?: { subject: string; name: string };
}

declare module 'fastify' {
  interface FastifyRequest {
    pages?: SessionState;
  }
}

const GRACE_MS = 12 * 3600_000;

/** Sent by assets/live.js when it fetches the page again to show news; such a read does not
 *  count as use (an open page would otherwise never idle out). */
export const LIVE_REFRESH_HEADER = 'kp-live-refresh';

/** The decision a page request with an ended session gets in the decision log. */
export const SESSION_POLICY = { id: 'ketenpoort:pages-session', version: '1' } as const;

export interface CookieSettings {
  name: string;
  secure: boolean;
}

/** `__Host-` binds the cookie to this exact origin over https (no Domain, Path=/, Secure). */
export function sessionCookie(publicUrl: string): CookieSettings {
  const secure = publicUrl.startsWith('https://');
  return { name: secure ? '__Host-kp_sessie' : 'kp_sessie', secure };
}

export function cookieOptions(secure: boolean, maxAgeSeconds?: number) {
  return {
    path: '/',
    httpOnly: true,
    secure,
    // Lax, not Strict: a person following a link to their page from an e-mail stays logged in.
    // Every change is a POST with a CSRF token, so Lax gives no opening.
    sameSite: 'lax' as const,
    ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}),
  };
}

/** The claims the pages need from a token the gateway accepted. Undefined when they are missing. */
export function sessionFromToken(token: string): PageSession | undefined {
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(token) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const role = claims.role as Role;
  if (!ROLES.includes(role) || typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return undefined;
  return {
    token,
    role,
    name: typeof claims.name === 'string' ? claims.name : '',
    subject: claims.sub,
    bsn: role === 'client' && typeof claims.bsn === 'string' ? claims.bsn : undefined,
    oin: role !== 'client' && typeof claims.oin === 'string' ? claims.oin : undefined,
    expiresAt: claims.exp * 1000,
  };
}

export interface SessionDeps {
  store: SessionStore;
  cookie: CookieSettings;
  decisionLog: DecisionLog;
}

/**
 * The session this request's cookie stands for, read from the database. A cookie of a session
 * ended on the server (a copy kept after logging out) is refused: the refusal goes to the decision
 * log and the cookie is cleared; the request goes on as a visitor's, so a page sends it to log in.
 */
export async function readSession(request: FastifyRequest, reply: FastifyReply, deps: SessionDeps): Promise<SessionState> {
  const id = request.cookies[deps.cookie.name];
  if (!id) return {};
  // A page fetching itself again after a live event (assets/live.js) is not the person's use.
  const found = await deps.store.find(id, { touch: request.headers[LIVE_REFRESH_HEADER] === undefined });
  if (found.state === 'current') return { current: found.session };
  if (found.state === 'expired') return { expired: { subject: found.session.subject, name: found.session.name } };
  if (found.state === 'ended') await recordEndedSessionUse(request, deps.decisionLog, found);
  reply.clearCookie(deps.cookie.name, cookieOptions(deps.cookie.secure));
  return {};
}

export function callerOf(s: PageSession): Caller {
  return s.role === 'client'
    ? { role: 'client', subject: s.subject, name: s.name, bsn: s.bsn ?? '' }
    : { role: s.role, subject: s.subject, name: s.name, oin: s.oin ?? '' };
}

function recordEndedSessionUse(request: FastifyRequest, decisionLog: DecisionLog, found: Extract<SessionLookup, { state: 'ended' }>) {
  const path = request.url.split('?')[0]!;
  request.log.info({ policy: SESSION_POLICY.id, reason: 'session-ended', method: request.method, path }, 'page refused: session ended on the server');
  // Awaited: a refusal that cannot be recorded fails the request (fail closed), it still changes nothing.
  return decisionLog.record(traceFromHeader(request.headers.traceparent), {
    decision: 'deny',
    reason: 'session-ended',
    action: `pages:${request.method}`,
    resource: `pagina:${path}`,
    policyId: SESSION_POLICY.id,
    policyVersion: SESSION_POLICY.version,
    caller: callerOf(found.session),
    information: { endedAt: found.endedAt.toISOString(), endReason: found.reason },
  });
}

/** Starts a server-side session and gives the browser its id. */
export async function startSession(reply: FastifyReply, deps: Pick<SessionDeps, 'store' | 'cookie'>, session: PageSession, now = Date.now()) {
  const id = await deps.store.start(session);
  const maxAge = Math.max(0, Math.floor((session.expiresAt - now + GRACE_MS) / 1000));
  reply.setCookie(deps.cookie.name, id, cookieOptions(deps.cookie.secure, maxAge));
}

/** Ends this browser's session on the server (every copy of the cookie stops working) and clears the cookie. */
export async function endSession(request: FastifyRequest, reply: FastifyReply, deps: Pick<SessionDeps, 'store' | 'cookie'>, reason: 'uitgelogd' | 'opnieuw-ingelogd') {
  const id = request.cookies[deps.cookie.name];
  if (id) await deps.store.end(id, reason);
  if (reason === 'uitgelogd') reply.clearCookie(deps.cookie.name, cookieOptions(deps.cookie.secure));
}

export function homeFor(role: Role): string {
  if (role === 'client') return '/mijn';
  if (role === 'klantmanager') return '/klantmanager';
  if (role === 'rib') return '/rib';
  return '/auditor';
}
