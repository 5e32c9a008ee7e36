// The operational logs' first safety net: fields named in lib/redaction.ts are censored by path in
// every line, however often the same shape is logged (pino's redactor is patched to parse its
// paths once: patches/@pinojs+redact+0.4.0.patch), and in a child logger's bindings too. The
// second net (BSN- and token-shaped strings scrubbed anywhere) is checked beside it.
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loggerOptions } from '../../lib/logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  const options = loggerOptions('info', 'test', stream);
  return { log: pino(options, stream), lines };
}

describe('operational log redaction', () => {
  it('censors every named field in every line, the same shape logged again and again', () => {
    const { log, lines } = capture();
    for (let i = 0; i < 3; i++) {
      log.info({
        body: `rapportage tekst ${i}`,
        variables: { bsn: '111222333' },
        call: { authorization: `Basic geheim${i}`, token: `opaak-${i}`, consentToken: 'ct', accessToken: 'at', password: 'pw', subjectBsn: 'x', keep: `zichtbaar-${i}` },
        upload: { body: 'verslag', variables: { a: 1 } },
        req: { method: 'POST', url: '/graphql?bsn=1', id: `r${i}` },
      }, 'line');
    }
    expect(lines).toHaveLength(3);
    lines.forEach((line, i) => {
      expect(line.body).toBe('[REDACTED]');
      expect(line.variables).toBe('[REDACTED]');
      expect(line.call).toEqual({
        authorization: '[REDACTED]', token: '[REDACTED]', consentToken: '[REDACTED]', accessToken: '[REDACTED]',
        password: '[REDACTED]', subjectBsn: '[REDACTED]', keep: `zichtbaar-${i}`,
      });
      expect(line.upload).toEqual({ body: '[REDACTED]', variables: '[REDACTED]' });
      // The request serializer keeps only what an operator needs: no query string, no headers.
      expect(line.req).toEqual({ method: 'POST', path: '/graphql', id: `r${i}` });
    });
    expect(JSON.stringify(lines)).not.toMatch(/geheim|opaak|rapportage tekst|verslag|111222333/);
  });

  it('censors a child logger\'s bindings and leaves the caller\'s object as it was', () => {
    const { log, lines } = capture();
    const input = { caller: { token: 'opaak', naam: 'Jan' } };
    for (let i = 0; i < 2; i++) log.child({ reqId: `r${i}`, ...input }).info({ extra: { password: 'pw' } }, 'child line');
    expect(lines.map((l) => [l.reqId, l.caller, l.extra])).toEqual([
      ['r0', { token: '[REDACTED]', naam: 'Jan' }, { password: '[REDACTED]' }],
      ['r1', { token: '[REDACTED]', naam: 'Jan' }, { password: '[REDACTED]' }],
    ]);
    expect(input.caller.token).toBe('opaak');
  });

  it('scrubs BSN- and token-shaped strings in fields no path names', () => {
    const { log, lines } = capture();
    log.info({ note: 'klant 111222333 opgevraagd', other: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl', count: 123456789 }, 'scrub');
    expect(lines[0]).toMatchObject({ note: 'klant [BSN] opgevraagd', other: '[TOKEN]', count: 123456789 });
  });
});
