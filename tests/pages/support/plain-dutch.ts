// What a Dutch reader of the pages must never meet: an internal code, an ISO date, or an English
// message. Read from what the browser renders (document.body.innerText), so attributes such as
// <time datetime="2026-03-03"> and hidden form fields do not count, and everything shown does.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { SCOPES } from '../../../gateway/consent/scopes.js';
import { ERROR_CODES } from '../../../gateway/errors.js';
import { SIGNAL_KINDS } from '../../../gateway/signals/kinds.js';

const ISO_DATE = /\b\d{4}-\d{2}-\d{2}\b/;
/** SCREAMING_CASE (WIA_WGA, BAD_USER_INPUT) and shouted words of six letters or more (BEEINDIGD, CONFLICT); acronyms (BSN, UWV, WIA) are shorter. */
const SCREAMING = /\b(?:[A-Z][A-Z0-9]*_[A-Z0-9_]+|[A-Z]{6,})\b/;
/** snake_case labels (the auditor's signal kinds, field names). */
const SNAKE = /\b[a-z]+_[a-z0-9_]+\b/;
/** Internal labels that are ordinary-looking words: the catalogues' own. */
const LABELS = [...SIGNAL_KINDS, ...Object.keys(SCOPES), ...Object.keys(ERROR_CODES)];

/**
 * Common English words and phrases of error messages and interface text that Dutch never uses
 * (so "is", "in", "of", "server" or "status", which Dutch shares, are not on it).
 */
const ENGLISH = [
  'the', 'and', 'with', 'your', 'you', 'not', 'this', 'that', 'from', 'please', 'error', 'failed', 'invalid',
  'required', 'unknown', 'forbidden', 'unauthorized', 'cannot', 'should', 'must', 'found', 'missing', 'expired',
  'revoked', 'internal', 'request', 'unavailable', 'timeout', 'loading', 'submit', 'cancel', 'success', 'click',
  'allowed', 'assigned', 'trajectory', 'consent', 'report', 'may not', 'try again', 'something went wrong',
];
const ENGLISH_WORD = new RegExp(`\\b(?:${ENGLISH.map((w) => w.replace(/ /g, '\\s+')).join('|')})\\b`, 'i');

const around = (text: string, index: number) => text.slice(Math.max(0, index - 40), index + 60).replace(/\s+/g, ' ').trim();

/** What on the page is not for a Dutch reader, each with the text around it. */
export function plainDutchProblems(text: string): string[] {
  const problems: string[] = [];
  const find = (what: string, re: RegExp) => {
    const m = re.exec(text);
    if (m) problems.push(`${what} "${m[0]}" in "…${around(text, m.index)}…"`);
  };
  find('ISO date', ISO_DATE);
  find('code', SCREAMING);
  find('internal label', SNAKE);
  for (const label of LABELS) {
    const i = text.search(new RegExp(`(?<![\\w-])${label.replace(/[-:]/g, '\\$&')}(?![\\w-])`));
    if (i >= 0) problems.push(`internal label "${label}" in "…${around(text, i)}…"`);
  }
  find('English', ENGLISH_WORD);
  return problems;
}

/** Fails naming each thing on the page a Dutch reader should not have to read. */
export async function expectPlainDutch(page: Page, label: string): Promise<void> {
  const text = await page.evaluate(() => document.body.innerText);
  expect(plainDutchProblems(text), `${label} (${page.url()})`).toEqual([]);
}
