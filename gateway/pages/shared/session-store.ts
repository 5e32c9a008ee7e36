// The pages' sessions, kept on the server (table pagina_sessie). The browser's cookie holds only a
// random 256-bit id; everything else lives in the database, so the server can end a session:
// logging out ends it for every copy of the cookie, and a session nobody used for
// PAGES_IDLE_MINUTES is over.
//
// Every page request reads its row, GET and POST alike; there is no in-memory cache. A cache would
// either let a logged-out cookie work for its lifetime on another instance or need the consent
// cache's acknowledgement protocol (gateway/consent/cache.ts) for a one-row primary-key lookup that
// costs a fraction of the graph call every page makes anyway. So a page that changes anything acts
// on the database's word of that moment, and a logout on one instance holds on the next request to
// any other.
import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import type { Role } from '../../auth/caller.js';
import type { PrismaClient } from '../../db/generated/client.js';
import { createSealer } from './seal.js';
import type { PageSession } from './session.js';

export type EndReason = 'uitgelogd' | 'opnieuw-ingelogd';

export type SessionLookup =
  | { state: 'none' }
  | { state: 'current'; session: PageSession }
  /** Ran out (idle, or its token expired): still says whose it was, for the login page and drafts. */
  | { state: 'expired'; session: PageSession; why: 'idle' | 'token' }
  /** Ended on the server (logged out): whoever still sends this cookie is refused. */
  | { state: 'ended'; session: PageSession; endedAt: Date; reason: string };

export interface SessionStore {
  readonly idleMs: number;
  /** Keeps a new session and returns its id, for the cookie only: the server keeps just its hash. */
  start(session: PageSession): Promise<string>;
  /** What a cookie's id stands for now, read from the database. `touch: false`: a look that is not
   *  the person's use (a page updating itself), so it does not keep an idle session alive. */
  find(id: string | undefined, options?: { touch?: boolean }): Promise<SessionLookup>;
  /** Ends the session; a session already ended keeps its first end. */
  end(id: string, reason: EndReason): Promise<void>;
}

/** The cookie's value: 32 random bytes, base64url. Anything else is not looked up. */
const ID = /^[A-Za-z0-9_-]{43}$/;
/** A token that dies while the graph answers counts as already dead. */
const TOKEN_MARGIN_MS = 60_000;
/** Rows are kept this long after their token expired (then even a stale cookie means nothing). */
const KEEP_AFTER_EXPIRY_MS = 12 * 3600_000;

const hashOf = (id: string) => createHash('sha256').update(id).digest('hex');

export function createSessionStore(deps: { prisma: PrismaClient; pagesKey: Buffer; idleMinutes: number; now?: () => number }): SessionStore {
  const { prisma, pagesKey } = deps;
  const now = deps.now ?? Date.now;
  const idleMs = deps.idleMinutes * 60_000;
  // lastSeen moves at most once a minute (and often enough that a session in use never idles out:
  // a quarter of the idle time when that is shorter). Idle expiry is therefore at most that early.
  const touchEveryMs = Math.min(60_000, Math.floor(idleMs / 4));

  // The payload's key needs both the server's key and the browser's id.
  const sealerFor = (id: string) => createSealer(Buffer.from(hkdfSync('sha256', pagesKey, Buffer.from(id), 'ketenpoort/pages/session/v1', 32)));

  return {
    idleMs,
    async start(session) {
      const id = randomBytes(32).toString('base64url');
      const at = new Date(now());
      // Old rows go when someone logs in: no timer to run, and the work is bounded.
      await prisma.$executeRaw`DELETE FROM pagina_sessie WHERE id_hash IN (
        SELECT id_hash FROM pagina_sessie WHERE expires_at < ${new Date(now() - KEEP_AFTER_EXPIRY_MS)} LIMIT 500)`;
      await prisma.paginaSessie.create({
        data: {
          idHash: hashOf(id),
          subject: session.subject,
          role: session.role,
          organisationOin: session.oin ?? null,
          sealed: sealerFor(id).seal('sessie', session),
          createdAt: at,
          lastSeenAt: at,
          expiresAt: new Date(session.expiresAt),
        },
      });
      return id;
    },

    async find(id, options) {
      if (!id || !ID.test(id)) return { state: 'none' };
      const row = await prisma.paginaSessie.findUnique({ where: { idHash: hashOf(id) } });
      if (!row) return { state: 'none' };
      const session = sealerFor(id).open<PageSession>('sessie', row.sealed);
      if (!session || session.subject !== row.subject || session.role !== (row.role as Role)) return { state: 'none' };
      const t = now();
      if (row.endedAt) return { state: 'ended', session, endedAt: row.endedAt, reason: row.endReason ?? 'onbekend' };
      if (row.expiresAt.getTime() - TOKEN_MARGIN_MS <= t) return { state: 'expired', session, why: 'token' };
      if (row.lastSeenAt.getTime() + idleMs <= t) return { state: 'expired', session, why: 'idle' };
      if (options?.touch !== false && t - row.lastSeenAt.getTime() >= touchEveryMs) {
        // Only forward, and never for a row ended meanwhile.
        await prisma.paginaSessie.updateMany({
          where: { idHash: row.idHash, endedAt: null, lastSeenAt: { lt: new Date(t) } },
          data: { lastSeenAt: new Date(t) },
        });
      }
      return { state: 'current', session };
    },

    async end(id, reason) {
      if (!ID.test(id)) return;
      await prisma.paginaSessie.updateMany({ where: { idHash: hashOf(id), endedAt: null }, data: { endedAt: new Date(now()), endReason: reason } });
    },
  };
}
