// What a person was typing when their session ran out. The form's fields are sealed into a
// short-lived cookie bound to the form's path and to the person; after they log in again the same
// form shows their text, and they press the button once more. Nothing is done on their behalf.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { cookieOptions } from './session.js';
import type { Sealer } from './seal.js';

const COOKIE = 'kp_concept';
const LIFETIME_MS = 30 * 60_000;
// A cookie holds about 4 kB; the forms' own limits (maxlength) stay well under this.
const MAX_FIELD = 1000;

interface Draft {
  path: string;
  fields: Record<string, string>;
  subject?: string;
  until: number;
}

/** Keeps the posted fields (never the CSRF token) for the form at `path`. */
export function saveDraft(reply: FastifyReply, sealer: Sealer, secure: boolean, path: string, body: unknown, subject?: string) {
  const fields: Record<string, string> = {};
  if (body && typeof body === 'object') {
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      if (k === '_csrf' || typeof v !== 'string' || k.length > 40) continue;
      fields[k] = v.slice(0, MAX_FIELD);
    }
  }
  const draft: Draft = { path, fields, subject, until: Date.now() + LIFETIME_MS };
  reply.setCookie(COOKIE, sealer.seal('concept', draft), cookieOptions(secure, LIFETIME_MS / 1000));
}

/**
 * The draft for the form at `path`, once: it is cleared when read. A draft from another person
 * (a shared computer) is dropped, never shown.
 */
export function takeDraft(request: FastifyRequest, reply: FastifyReply, sealer: Sealer, secure: boolean, path: string, subject: string): Record<string, string> | undefined {
  const draft = sealer.open<Draft>('concept', request.cookies[COOKIE]);
  if (!draft) return undefined;
  if (draft.path !== path) return undefined;
  reply.clearCookie(COOKIE, cookieOptions(secure));
  if (draft.until < Date.now()) return undefined;
  if (draft.subject && draft.subject !== subject) return undefined;
  return draft.fields;
}

/** Is a draft waiting (for the login page's message)? */
export function hasDraft(request: FastifyRequest, sealer: Sealer): boolean {
  const draft = sealer.open<Draft>('concept', request.cookies[COOKIE]);
  return Boolean(draft && draft.until >= Date.now());
}
