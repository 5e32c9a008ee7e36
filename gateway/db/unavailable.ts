// "The database cannot be reached right now", recognised in one place. An outage is not a bug: the
// honest answer is 503 SERVICE_UNAVAILABLE with Retry-After ("try again shortly"), never INTERNAL.
// The error handler (REST), the GraphQL error formatter and the pages' error page all ask here.
//
// The same outage reaches us in several shapes, depending on the path the query took:
//  - Prisma's known request errors: P1001 (cannot reach the server), P1002 (timed out reaching
//    it), P1008 (operation timed out), P1017 (server closed the connection), P2024 (no connection
//    from the pool in time);
//  - Prisma's driver-adapter errors (adapter-pg), whose `cause.kind` names the failure
//    (DatabaseNotReachable, ConnectionClosed, SocketTimeout, TooManyConnections) or carries the
//    server's SQLSTATE (`cause.kind: 'postgres'`, `cause.code`);
//  - node-postgres errors from Database.execute/transaction: a socket error code (ECONNREFUSED, …),
//    a SQLSTATE of class 08 (connection exception) or 57P01-57P03 (the server shutting down or
//    starting), 53300 (too many connections), or pg's own "Connection terminated" messages.

const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const MESSAGES = /Connection terminated|connection terminated unexpectedly|timeout exceeded when trying to connect|Client has encountered a connection error|Can't reach database server|Server has closed the connection/i;

/** Seconds a caller should wait before trying again (Retry-After) when the database is away. */
export const RETRY_AFTER_SECONDS = 5;

type Shape = { code?: unknown; kind?: unknown; message?: unknown; cause?: unknown; meta?: unknown; originalError?: unknown };

function matches(e: Shape): boolean {
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code && (PRISMA_CODES.has(code) || SOCKET_CODES.has(code) || SQLSTATES.has(code) || /^08\d{3}$/.test(code))) return true;
  if (typeof e.kind === 'string' && ADAPTER_KINDS.has(e.kind)) return true;
  return typeof e.message === 'string' && MESSAGES.test(e.message);
}

/** Is `err` (or what it wraps) a sign that the database is unreachable, rather than a bug? */
export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  // Walks the causes breadth-first (bounded): Prisma and pg nest the real reason one or two deep.
  while (queue.length && seen.size < 10) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const s = e as Shape;
    // A partner's adapter that did not answer (undici's fetch) is not the database.
    if (s.message === 'fetch failed') return false;
    if (matches(s)) return true;
    queue.push(s.cause, s.meta, s.originalError);
    if (s.meta && typeof s.meta === 'object') queue.push((s.meta as { driverAdapterError?: unknown }).driverAdapterError);
  }
  return false;
}
