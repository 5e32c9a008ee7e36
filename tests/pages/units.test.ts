// The small rules the pages rest on: escaping and sealing (return paths: redirect.test.ts).
import { describe, expect, it } from 'vitest';
import { escapeHtml, html } from '../../gateway/pages/shared/html.js';
import { createSealer } from '../../gateway/pages/shared/seal.js';
import { randomBytes } from 'node:crypto';

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
