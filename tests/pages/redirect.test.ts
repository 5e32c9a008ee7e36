// The return path after login (`terug`), attacked with the classic open-redirect families: every
// bent value must land the person on their own start page, through the real login (the Location
// header of POST /inloggen) and in the login form the page renders (GET /inloggen?terug=...).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKnownPages, safeReturnPath } from '../../gateway/pages/shared/safe-return.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { Visitor } from './support/http.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const EVIL = 'evil.example';

/** Each family of ways to bend a return path, with its variants. Every one must give '/'. */
const ATTACKS: Record<string, string[]> = {
  'absolute URLs': [`https://${EVIL}`, `http://${EVIL}/mijn`, `HTTPS://${EVIL}/mijn`, `ftp://${EVIL}`, `https:${EVIL}`, `https:/${EVIL}`],
  'protocol-relative': [`//${EVIL}`, `//${EVIL}/mijn`, `///${EVIL}`, `////${EVIL}/mijn`, ` //${EVIL}`],
  backslashes: [`/\\${EVIL}`, `\\\\${EVIL}`, `/\\/${EVIL}`, `\\/${EVIL}`, `/mijn\\..\\..\\${EVIL}`],
  'encoded slashes': [`%2F%2F${EVIL}`, `%2f%2f${EVIL}`, `/%2F${EVIL}`, `/%2F%2F${EVIL}`, `/%5C${EVIL}`, `%2F%5C${EVIL}`, `%68ttps://${EVIL}`],
  'double-encoded': [`%252F%252F${EVIL}`, `/%252F${EVIL}`, `/%255C${EVIL}`, `%25252F%25252F${EVIL}`, `/mijn?x=%2525`],
  'control characters': [`/\t/${EVIL}`, `/\n/${EVIL}`, `/%09/${EVIL}`, `/%0d%0a/${EVIL}`, `\t//${EVIL}`, `/mijn\r\nSet-Cookie: kp_sessie=x`, `/%00/${EVIL}`, `/mijn%0aLocation:%20//${EVIL}`, `/\x7f/${EVIL}`],
  'script and data schemes': ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'java%0ascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)', '/javascript:alert(1)'],
  'userinfo (@) tricks': [`https://ketenpoort.test@${EVIL}`, `//ketenpoort.test@${EVIL}`, `/@${EVIL}`, `http://ketenpoort.test:80@${EVIL}/mijn`, `//user:pass@${EVIL}`, `/%40${EVIL}`],
  'lookalike slashes': [`/\u2215${EVIL}`, `/\uFF0F${EVIL}`, `\uFF0F\uFF0F${EVIL}`, `/\u2044${EVIL}`, `\u2215\u2215${EVIL}`, `/%E2%88%95${EVIL}`, `/%EF%BC%8F${EVIL}`, `/\u3002${EVIL}`],
  'dot segments that normalise to //': [`/.//${EVIL}`, `/mijn/..//${EVIL}`, `/mijn/../..//${EVIL}`, `/%2e//${EVIL}`, `/./\\${EVIL}`],
  'paths that name no page': ['/inloggen', '/uitloggen', '/graphql', '/.well-known/jwks.json', '/dev-issuer/token', '/assets/ketenpoort.css', '/mijn/niet-bestaand', '/mijnx', '/mijn/', '/geen-toegang'],
  'not a path': ['', 'mijn', '.', '..', '?x=1', '#/mijn', `/mijn?${'a'.repeat(600)}`],
};
const ALL_ATTACKS = Object.entries(ATTACKS).flatMap(([family, values]) => values.map((v) => [family, v] as const));

/** Pages the pages serve, with what the browser is sent to. */
const GOOD: [string, string][] = [
  ['/mijn', '/mijn'],
  ['/mijn/toestemmingen', '/mijn/toestemmingen'],
  ['/mijn/verwerkingen?pagina=2', '/mijn/verwerkingen?pagina=2'],
  ['/mijn/verzoeken/3f1c0c2e-5d4a-4e63-9d0a-0b6f3c1d2e4f/afwijzen', '/mijn/verzoeken/3f1c0c2e-5d4a-4e63-9d0a-0b6f3c1d2e4f/afwijzen'],
  ['/mijn/../mijn/toestemmingen', '/mijn/toestemmingen'],
];

describe('the return path after login, as the login answers it', () => {
  it.each(ALL_ATTACKS)('%s: %j lands on the start page', async (_family, terug) => {
    const res = await new Visitor(t.url).login('client-fatima', terug);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/mijn');
  });

  it.each(GOOD)('a page the pages know, %j, is where the login returns', async (terug, expected) => {
    const res = await new Visitor(t.url).login('client-fatima', terug);
    expect(res.status).toBe(303);
    expect(res.location).toBe(expected);
  });

  it('sends a klantmanager to their own start page for a bent path too', async () => {
    const res = await new Visitor(t.url).login('km-jan', `//${EVIL}/klantmanager`);
    expect(res.location).toBe('/klantmanager');
  });
});

describe('the return path the login page puts in its form', () => {
  const formTerug = async (terug: string) => {
    const page = await new Visitor(t.url).get(`/inloggen?terug=${encodeURIComponent(terug)}`);
    expect(page.status).toBe(200);
    return /name="terug" value="([^"]*)"/.exec(page.text)?.[1];
  };

  it('keeps only the start page for every family', async () => {
    // One variant of each family through the page; all of them through the rule itself below.
    for (const [family, values] of Object.entries(ATTACKS)) {
      expect(await formTerug(values[0]!), family).toBe('/');
    }
  });

  it('keeps a page the pages know', async () => {
    expect(await formTerug('/mijn/toestemmingen')).toBe('/mijn/toestemmingen');
  });
});

describe('the rule itself, for every variant', () => {
  const known = createKnownPages();
  for (const route of ['/mijn', '/mijn/toestemmingen', '/mijn/verwerkingen', '/mijn/verzoeken/:id/afwijzen', '/klantmanager', '/klantmanager/klanten/:ref']) known.add(route);

  it.each(ALL_ATTACKS)('%s: %j → /', (_family, terug) => {
    expect(safeReturnPath(terug, known)).toBe('/');
  });

  it.each(GOOD)('%j → %j', (terug, expected) => {
    expect(safeReturnPath(terug, known)).toBe(expected);
  });

  it('refuses what is not a string', () => {
    for (const v of [undefined, null, 42, ['/mijn'], { toString: () => '/mijn' }]) expect(safeReturnPath(v, known)).toBe('/');
  });

  it('matches a parameter to one whole segment only', () => {
    expect(safeReturnPath('/klantmanager/klanten/abc', known)).toBe('/klantmanager/klanten/abc');
    expect(safeReturnPath('/klantmanager/klanten/', known)).toBe('/');
    expect(safeReturnPath('/klantmanager/klanten/a/b', known)).toBe('/');
  });
});
