// The page session: the person's own bearer token, sealed into an HttpOnly cookie (page scripts
// cannot read it, the browser cannot change it). Pages call the graph with exactly that token, so
// they have the person's rights and no more. The cookie outlives the token by a grace period so an
// expired session still says whose it was: the login page can ask that person to log in again and
// give back what they were typing (drafts.ts), instead of starting over.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import { ROLES, type Role } from '../../auth/caller.js';
import type { Sealer } from './seal.js';

export interface PageSession {
  token: string;
  role: Role;
  name: string;
  subject: string;
  /** The client's own BSN (from the token): pages ask the graph for `klant(bsn)` with it. */
  bsn?: string;
  /** When the token expires, ms since the epoch. */
  expiresAt: number;
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
    expiresAt: claims.exp * 1000,
  };
}

export function readSession(request: FastifyRequest, sealer: Sealer, cookie: CookieSettings, now = Date.now()): SessionState {
  const s = sealer.open<PageSession>('sessie', request.cookies[cookie.name]);
  if (!s) return {};
  // A minute's margin: a token that dies while the graph answers counts as already dead.
  if (s.expiresAt - 60_000 > now) return { current: s };
  return { expired: { subject: s.subject, name: s.name } };
}

export function startSession(reply: FastifyReply, sealer: Sealer, cookie: CookieSettings, session: PageSession, now = Date.now()) {
  const maxAge = Math.max(0, Math.floor((session.expiresAt - now + GRACE_MS) / 1000));
  reply.setCookie(cookie.name, sealer.seal('sessie', session), cookieOptions(cookie.secure, maxAge));
}

export function endSession(reply: FastifyReply, cookie: CookieSettings) {
  reply.clearCookie(cookie.name, cookieOptions(cookie.secure));
}

/** A local path to return to after login; anything else (another site, `//host`) becomes '/'. */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return '/';
  if (value.length > 500 || /[\r\n]/.test(value)) return '/';
  return value;
}

export function homeFor(role: Role): string {
  if (role === 'client') return '/mijn';
  if (role === 'klantmanager') return '/klantmanager';
  return '/geen-toegang';
}
