// Where the browser may be sent after logging in (`terug`). Only a path on this site that names a
// page the pages serve; anything else goes to the start page. Each rule closes a known way to bend
// a return path to another site:
// - decoded once, and refused when a second decoding still changes it (`%252F%252F` double-encoding);
// - after decoding: one leading `/`, never `//` or `/\` (protocol-relative URLs: browsers read `/\`
//   as `//`), no backslash at all, no control character (browsers drop tab and newline, so
//   `/\t/evil` is `//evil`), nothing but printable ASCII (lookalike slashes such as U+2215 or U+FF0F);
// - parsed the way a browser resolves a Location header, it must stay on our origin, and the path
//   it ends up with must again start with exactly one `/` (`/.//evil` normalises to `//evil`);
// - that path must be a page the pages registered (a GET route of a role's area): no arbitrary
//   same-site URL, so not the login routes or an API either.
// What is returned is the parsed, re-serialised path and query, never the raw input.

export interface KnownPages {
  /** Registers a route's URL pattern (`/mijn/verzoeken/:id/afwijzen`). */
  add(routeUrl: string): void;
  /** Whether a concrete path (no query) is one of the registered pages. */
  has(pathname: string): boolean;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function patternOf(routeUrl: string): RegExp {
  const parts = routeUrl.split('/').map((segment) => {
    if (segment === '*') return '.*';
    // A parameter (`:id`, `:id(^\\d+)`, `:a-:b`) stands for one non-empty segment.
    if (segment.includes(':')) return '[^/]+';
    return escapeRegex(segment);
  });
  return new RegExp(`^${parts.join('/')}$`);
}

export function createKnownPages(): KnownPages {
  const patterns = new Map<string, RegExp>();
  return {
    add(routeUrl) {
      if (!patterns.has(routeUrl)) patterns.set(routeUrl, patternOf(routeUrl));
    },
    has(pathname) {
      for (const p of patterns.values()) if (p.test(pathname)) return true;
      return false;
    },
  };
}

const START = '/';
const MAX_LENGTH = 500;
// Only the structure matters here; this origin is never shown or fetched.
const BASE = 'https://ketenpoort.invalid';

/** Printable ASCII (space to tilde): no control character, no lookalike of `/` or `\`. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

function decodeOnce(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function isOneSlashPath(value: string): boolean {
  return value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') && !value.includes('\\');
}

/** A local page to return to after login, or '/' (the start page) for anything else. */
export function safeReturnPath(raw: unknown, known: Pick<KnownPages, 'has'>): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_LENGTH) return START;
  if (!PRINTABLE_ASCII.test(raw)) return START;
  const decoded = decodeOnce(raw);
  if (decoded === undefined || decodeOnce(decoded) !== decoded) return START;
  if (!PRINTABLE_ASCII.test(decoded) || !isOneSlashPath(decoded) || !isOneSlashPath(raw)) return START;

  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return START;
  }
  if (url.origin !== BASE || url.username !== '' || url.password !== '') return START;
  const target = `${url.pathname}${url.search}`;
  if (!isOneSlashPath(target) || !known.has(url.pathname)) return START;
  return target;
}
