// Debian's Chromium driven by playwright-core (see ../shared/toolchain.md): `npx playwright install`
// cannot download a browser here. Without /usr/bin/chromium the browser tests are skipped with a
// notice saying how to run them, except under CI, where a missing browser fails the run.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const underCi = Boolean(process.env.CI);
/** Skip only on a developer machine without Chromium; under CI a missing browser must fail. */
export const skipBrowserTests = !hasChromium && !underCi;

export const SKIP_NOTICE =
  'Browser tests skipped: /usr/bin/chromium is missing. Run them with `apt-get install -y chromium` and then `npm test`.';

if (skipBrowserTests) console.warn(`\n  ${SKIP_NOTICE}\n`);

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export async function launch(): Promise<Browser> {
  if (!hasChromium) throw new Error(`${CHROMIUM} is missing; under CI the browser tests need it (.ci/browser installs it)`);
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
}

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 900 };

export function newContext(browser: Browser, viewport = DESKTOP): Promise<BrowserContext> {
  return browser.newContext({ viewport, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' });
}

const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'pages');

/** A full-page screenshot in test-artifacts/pages/ (gitignored), one per step. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * Runs axe-core in the page against WCAG 2.1 A and AA (and axe's best practices) and returns the
 * serious and critical violations. The pages forbid scripts by CSP; page.evaluate runs through the
 * DevTools protocol, which the CSP does not govern, so the pages' real headers stay in force.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Logs in on the demo login page by choosing the person's name, as a tester would. */
export async function loginAs(page: Page, baseUrl: string, name: string): Promise<void> {
  await page.goto(`${baseUrl}/inloggen`);
  await page.getByLabel(name, { exact: true }).check();
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.waitForLoadState('load');
}
