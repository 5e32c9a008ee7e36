// The small rules the pages rest on: escaping and sealing (return paths: redirect.test.ts).
import { describe, expect, it } from 'vitest';
import { escapeHtml, html } from '../../gateway/pages/shared/html.js';
import { createSealer } from '../../gateway/pages/shared/seal.js';
import { randomBytes } from 'node:crypto';
import { plainDutchProblems } from './support/plain-dutch.js';

describe('html templates', () => {
  it('escape every interpolated value, and only once', () => {
    const name = `<img src=x onerror="alert('x')">&`;
    expect(html`<p title="${name}">${name}</p>`.value).toBe(
      '<p title="&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;">&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;</p>',
    );
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${inner}</p>`.value).toBe('<p><b>&lt;i&gt;</b></p>');
    expect(html`<ul>${['<a>', html`<li>ok</li>`]}</ul>`.value).toBe('<ul>&lt;a&gt;<li>ok</li></ul>');
    expect(escapeHtml('`')).toBe('&#96;');
  });

  it('render nothing for absent values', () => {
    expect(html`<p>${undefined}${null}${false}</p>`.value).toBe('<p></p>');
  });
});

describe('sealing', () => {
  const sealer = createSealer(randomBytes(32));

  it('opens what it sealed, for the same purpose only', () => {
    const sealed = sealer.seal('sessie', { a: 1 });
    expect(sealer.open('sessie', sealed)).toEqual({ a: 1 });
    expect(sealer.open('concept', sealed)).toBeUndefined();
  });

  it('refuses a changed or foreign value', () => {
    const sealed = sealer.seal('klant', '123456782');
    const bytes = Buffer.from(sealed, 'base64url');
    bytes[20] = bytes[20]! ^ 1;
    expect(sealer.open('klant', bytes.toString('base64url'))).toBeUndefined();
    expect(createSealer(randomBytes(32)).open('klant', sealed)).toBeUndefined();
    expect(sealer.open('klant', 'not-sealed')).toBeUndefined();
    expect(sealer.open('klant', undefined)).toBeUndefined();
  });

  it('does not show the sealed value', () => {
    expect(sealer.seal('klant', '123456782')).not.toContain('123456782');
  });
});

describe('the plain-Dutch check over a page\'s text', () => {
  it('passes plain Dutch, with its acronyms, hyphenated words and Dutch dates', () => {
    expect(plainDutchProblems('Werkfit Re-integratie heeft op 3 maart 2026 om 10:02 uw werkprofiel bekeken voor uw traject. BSN, UWV, WIA en WW. Inloggen is op deze server niet ingesteld.')).toEqual([]);
  });

  it('names ISO dates, codes, internal labels and English', () => {
    const found = (text: string) => plainDutchProblems(text).join('\n');
    expect(found('Geen rapportage sinds 2026-11-02')).toContain('ISO date "2026-11-02"');
    expect(found('Fout: BAD_USER_INPUT')).toContain('code "BAD_USER_INPUT"');
    expect(found('Status: BEEINDIGD')).toContain('code "BEEINDIGD"');
    expect(found('Signalen: uitkering-beeindigd')).toContain('internal label "uitkering-beeindigd"');
    expect(found('Bevoegdheid rapportage:schrijven')).toContain('internal label "rapportage:schrijven"');
    expect(found('Signaal buiten_caseload')).toContain('internal label "buiten_caseload"');
    expect(found('bsn: a BSN of nine digits that passes the elfproef')).toContain('English');
    expect(found('consent request not found')).toContain('English');
  });
});
