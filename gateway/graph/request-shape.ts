// The shape of a GraphQL-over-HTTP request, checked before mercurius reads it. mercurius checks
// that a POST body is an object, but a `query` that is a number, an `operationName` that is an
// object or variables that are a list reach graphql-js and fail there as a TypeError, which would
// be reported as INTERNAL (a server error a client can cause at will). Here they are BAD_REQUEST.
import type { FastifyRequest } from 'fastify';
import { KetenError } from '../errors.js';

const bad = (message: string) => new KetenError('BAD_REQUEST', message);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** GET carries variables and extensions as JSON text in the query string. */
function jsonParameter(name: string, raw: unknown): unknown {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw bad(`${name} must be given once`);
  try {
    return JSON.parse(raw);
  } catch {
    throw bad(`${name} is not valid JSON`);
  }
}

/**
 * mercurius takes a query that is not GraphQL but parses as JSON for a ready-made syntax tree, and
 * graphql-js then fails on a made-up tree: a TypeError for an object, "Must provide document." for
 * a scalar such as `0` or `null`. Either would be INTERNAL. No GraphQL document parses as JSON (a
 * shorthand query `{ a }` fails at its second token, and a lone `true` or `0` is no document), so
 * the check costs one failed parse at most, and none for `query …`, `mutation …` or `subscription …`.
 */
const JSON_START = /^[{["\-0-9tfn]/;

function isJsonText(query: string): boolean {
  if (!JSON_START.test(query.trimStart())) return false;
  try {
    JSON.parse(query);
    return true;
  } catch {
    return false;
  }
}

const isGraphqlBody = (request: FastifyRequest) =>
  request.method === 'POST' && /^\s*application\/graphql\s*(;|$)/i.test(request.headers['content-type'] ?? '');

export function checkRequestShape(request: FastifyRequest): void {
  if (request.method !== 'GET' && request.method !== 'POST') return;
  const params = (request.method === 'GET' ? request.query : request.body) as unknown;
  if (!isPlainObject(params)) throw bad('the request must be a JSON object with a query');
  const { query, operationName } = params;
  if (typeof query !== 'string' || query.trim() === '') throw bad('query must be a non-empty string');
  if (isJsonText(query)) {
    // With application/graphql the body is the query (mercurius wraps it as `{ query }`).
    throw bad(isGraphqlBody(request) ? 'the request body must be a GraphQL document, not JSON' : 'query must be GraphQL text, not JSON');
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    throw bad('operationName must be a string');
  }
  for (const name of ['variables', 'extensions'] as const) {
    const value = request.method === 'GET' ? jsonParameter(name, params[name]) : params[name];
    if (value !== undefined && value !== null && !isPlainObject(value)) throw bad(`${name} must be a JSON object`);
  }
}
