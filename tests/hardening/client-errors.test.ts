// Attack: requests a client gets wrong on purpose (malformed JSON, no or non-string query, wrong
// content type, oversized body, prototype-polluting keys). Each must be a 4xx with a code from the
// catalogue, logged at info without a stack; none may be a 5xx, which fast-check tries to disprove.
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { writtenRows } from '../support/written.js';

let t: TestApp;
let token: string;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  const logDestination = new Writable({
    write(chunk, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l.startsWith('{')) lines.push(JSON.parse(l));
      done();
    },
  });
  t = await startTestApp({ env: { LOG_LEVEL: 'info' }, logDestination });
  token = await t.token('km-jan');
});
afterAll(() => t?.close());

const json = { 'content-type': 'application/json' };
const auth = () => ({ authorization: `Bearer ${token}` });

async function graphql(init: RequestInit & { headers?: Record<string, string> }, search = '') {
  const res = await fetch(`${t.url}/graphql${search}`, { method: 'POST', ...init, headers: { ...auth(), ...init.headers } });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: JSON.parse(text) as { data: unknown; errors: { message: string; extensions: { code: string } }[] } };
}

describe('client errors on /graphql', () => {
  const cases: Array<[string, RequestInit & { headers?: Record<string, string> }, number, string, string?]> = [
    ['malformed JSON', { headers: json, body: '{"query":' }, 400, 'BAD_REQUEST'],
    ['a body without a query', { headers: json, body: '{}' }, 400, 'BAD_REQUEST'],
    ['a query that is a number', { headers: json, body: '{"query":5}' }, 400, 'BAD_REQUEST'],
    ['a query that is an object', { headers: json, body: '{"query":{"a":1}}' }, 400, 'BAD_REQUEST'],
    ['an empty query', { headers: json, body: '{"query":"  "}' }, 400, 'BAD_REQUEST'],
    ['a query that is JSON text (mercurius would take it for a syntax tree)', { headers: json, body: JSON.stringify({ query: '{"kind":"Document"}' }) }, 400, 'BAD_REQUEST'],
    ['application/graphql with a JSON body', { headers: { 'content-type': 'application/graphql' }, body: '{}' }, 400, 'BAD_REQUEST'],
    ['a list as body', { headers: json, body: '[{"query":"{ ik { rol } }"}]' }, 400, 'BAD_REQUEST'],
    ['null as body', { headers: json, body: 'null' }, 400, 'BAD_REQUEST'],
    ['variables as a list', { headers: json, body: '{"query":"{ ik { rol } }","variables":[1]}' }, 400, 'BAD_REQUEST'],
    ['operationName as an object', { headers: json, body: '{"query":"{ ik { rol } }","operationName":{"x":1}}' }, 400, 'BAD_REQUEST'],
    ['a wrong content type', { headers: { 'content-type': 'application/xml' }, body: '<q/>' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['an oversized body', { headers: json, body: JSON.stringify({ query: '{ ik { rol } }', pad: 'x'.repeat(1_100_000) }) }, 413, 'PAYLOAD_TOO_LARGE'],
    ['__proto__ at the top', { headers: json, body: '{"query":"{ ik { rol } }","__proto__":{"polluted":1}}' }, 400, 'BAD_REQUEST'],
    ['__proto__ in variables', { headers: json, body: '{"query":"{ ik { rol } }","variables":{"__proto__":{"polluted":1}}}' }, 400, 'BAD_REQUEST'],
    ['constructor.prototype', { headers: json, body: '{"query":"{ ik { rol } }","variables":{"constructor":{"prototype":{"polluted":1}}}}' }, 400, 'BAD_REQUEST'],
    ['GET without a query', { method: 'GET' }, 400, 'BAD_REQUEST'],
    ['GET with variables that are not JSON', { method: 'GET' }, 400, 'BAD_REQUEST', '?query=%7Bik%7Brol%7D%7D&variables=%7Bx'],
  ];

  for (const [name, init, status, code, search] of cases) {
    it(`answers ${status} ${code} to ${name}`, async () => {
      const from = lines.length;
      const res = await graphql(init, search);
      expect(res.status).toBe(status);
      expect(res.body.errors[0]!.extensions.code).toBe(code);
      expect(res.body.data ?? null).toBeNull();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      await new Promise((r) => setTimeout(r, 20));
      const logged = lines.slice(from);
      expect(logged.some((l) => l.msg === 'client error' && l.level === 30)).toBe(true);
      expect(logged.filter((l) => (l.level as number) >= 50)).toEqual([]);
      expect(JSON.stringify(logged)).not.toContain('"stack"');
    });
  }

  // mercurius reads a query that graphql-js cannot parse as JSON, and took a JSON scalar (`0`, `null`,
  // `"x"`) for a syntax tree: graphql-js then threw "Must provide document." and the caller got 200
  // INTERNAL. Each is the caller's mistake, refused before anything is decided or logged.
  const graphqlType = { 'content-type': 'application/graphql' };
  const notGraphql: Array<[string, RequestInit & { headers?: Record<string, string> }, RegExp, string?]> = [
    ...['0', '1', '-1.5e3', 'null', 'true', 'false', '"x"', '[]', '{}', ' 0 '].map(
      (body): [string, RequestInit & { headers?: Record<string, string> }, RegExp] => [`application/graphql with the JSON ${JSON.stringify(body)} as body`, { headers: graphqlType, body }, /request body must be a GraphQL document, not JSON/],
    ),
    ['a JSON POST whose query is the text 0', { headers: json, body: '{"query":"0"}' }, /query must be GraphQL text, not JSON/],
    ['a JSON POST whose query is the text null', { headers: json, body: '{"query":"null"}' }, /query must be GraphQL text, not JSON/],
    ['a JSON POST whose query is the number 0', { headers: json, body: '{"query":0}' }, /query must be a non-empty string/],
    ['a JSON POST whose query is a list', { headers: json, body: '{"query":["{ ik { rol } }"]}' }, /query must be a non-empty string/],
    ['a JSON POST whose query is an object', { headers: json, body: '{"query":{"kind":"Document"}}' }, /query must be a non-empty string/],
    ['GET with query=0', { method: 'GET' }, /query must be GraphQL text, not JSON/, '?query=0'],
    ['GET with query=true', { method: 'GET' }, /query must be GraphQL text, not JSON/, '?query=true'],
  ];
  for (const [name, init, message, search] of notGraphql) {
    it(`answers 400 BAD_REQUEST to ${name}, and writes nothing`, async () => {
      const before = await writtenRows(t);
      const from = lines.length;
      const res = await graphql(init, search);
      expect(res.status).toBe(400);
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors[0]!.extensions.code).toBe('BAD_REQUEST');
      expect(res.body.errors[0]!.message).toMatch(message);
      expect(res.body.data ?? null).toBeNull();
      await new Promise((r) => setTimeout(r, 20));
      expect(lines.slice(from).some((l) => l.msg === 'client error' && l.level === 30)).toBe(true);
      expect(lines.slice(from).filter((l) => (l.level as number) >= 50)).toEqual([]);
      expect(await writtenRows(t)).toEqual(before);
    });
  }

  it('answers the same to a caller without a token (nothing is parsed on their behalf)', async () => {
    const res = await fetch(`${t.url}/graphql`, { method: 'POST', headers: json, body: '{"query":' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('BAD_REQUEST');
  });

  it('names no field it was not asked for: no "Did you mean" outside development', async () => {
    const res = await graphql({ headers: json, body: JSON.stringify({ query: '{ ik { rool } }' }) });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors[0]!.message).toContain('rool');
    expect(JSON.stringify(res.body)).not.toMatch(/did you mean|"rol"/i);
  });
});

describe('client errors on REST', () => {
  it('answers problem+json 400 BAD_REQUEST to malformed JSON, logged at info', async () => {
    const from = lines.length;
    const res = await fetch(`${t.url}/rib/v1/trajecten/x/rapportages`, { method: 'POST', headers: { ...json, ...auth() }, body: '{"soort":' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(((await res.json()) as { code: string }).code).toBe('BAD_REQUEST');
    await new Promise((r) => setTimeout(r, 20));
    expect(lines.slice(from).filter((l) => (l.level as number) >= 50)).toEqual([]);
  });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE to a body of a type the route does not take', async () => {
    const res = await fetch(`${t.url}/rib/v1/trajecten/x/rapportages`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth() }, body: 'a=1' });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { code: string }).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});

// Property: whatever a client sends to /graphql or a REST route (method, content type, body,
// headers, query string), the answer is never a 5xx and never an INTERNAL code.
describe('no request a client can send yields a 5xx', () => {
  const jsonValue = fc.jsonValue({ maxDepth: 3 });
  const graphqlBody = fc.oneof(
    fc.string(),
    jsonValue.map((v) => JSON.stringify(v)),
    fc.record({ query: fc.oneof(fc.string(), jsonValue, fc.constantFrom('{ ik { rol } }', 'query($a: String!) { ik { rol } }', 'mutation { x }', '{ __schema { types { name } } }', 'subscription { x }')),
      variables: fc.option(jsonValue), operationName: fc.option(fc.oneof(fc.string(), jsonValue)), extensions: fc.option(jsonValue) }, { requiredKeys: [] })
      .map((v) => JSON.stringify(v)),
    fc.constantFrom('{"__proto__":{"a":1}}', '{"query":"{ ik { rol } }","constructor":{"prototype":{}}}', '\u0000', '{"query":"{ik{rol}}"}'.repeat(3)),
  );
  const contentType = fc.option(fc.oneof(fc.constantFrom('application/json', 'application/graphql', 'application/json; charset=utf-16', 'application/graphql', 'text/plain', 'multipart/form-data', 'application/x-www-form-urlencoded', 'application/pdf', '*/*', ';;'), fc.string({ maxLength: 40 })));
  const target = fc.constantFrom('/graphql', '/rib/v1/trajecten/t1/rapportages', '/rib/v1/trajecten/t1/bijlagen', '/toestemmingen/x/token', '/controle/v1/export', '/dev-issuer/token');
  const authorization = fc.constantFrom<'none' | 'valid' | 'garbage' | 'alg-none'>('none', 'valid', 'garbage', 'alg-none');
  const search = fc.option(fc.dictionary(fc.constantFrom('query', 'variables', 'operationName', 'extensions', 'x'), fc.string({ maxLength: 30 })));

  it('holds over random methods, bodies, content types, tokens and query strings', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(target, fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'), graphqlBody, contentType, authorization, search, async (path, method, body, type, who, params) => {
        const headers: Record<string, string> = {};
        if (type !== null) headers['content-type'] = type.replace(/[^\x20-\x7e]/g, '');
        if (who === 'valid') headers.authorization = `Bearer ${token}`;
        if (who === 'garbage') headers.authorization = `Bearer ${body.slice(0, 50).replace(/[^\x21-\x7e]/g, 'x')}`;
        if (who === 'alg-none') headers.authorization = `Bearer eyJhbGciOiJub25lIn0.${Buffer.from('{"sub":"km-jan"}').toString('base64url')}.`;
        const qs = params ? `?${new URLSearchParams(params)}` : '';
        const res = await fetch(`${t.url}${path}${qs}`, { method, headers, body: method === 'GET' ? undefined : body });
        const text = await res.text();
        expect(res.status, `${method} ${path}${qs} ${type} ${body.slice(0, 200)} → ${text.slice(0, 200)}`).toBeLessThan(500);
        expect(text).not.toContain('INTERNAL');
      }),
      { numRuns: 300 },
    );
  });
});
