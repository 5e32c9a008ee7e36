// The contract check: every answer a fastify instance in the test process gives on a path its
// OpenAPI document describes is checked against that document (status documented, content type
// documented, JSON body valid against the schema, API-Version header on the gateway's answers).
// It hooks every fastify instance as it is created (fastify's `fastify.initialization`
// diagnostics channel), so the gateway and the partner sandboxes are checked wherever a test
// starts them, without any test asking. tests/support/contract-setup.ts fails the test in which a
// violation happened.
import { subscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parse } from 'yaml';

export interface Document {
  name: string;
  /** Checks the API-Version header (the gateway's own API; partners have their own conventions). */
  apiVersion?: string;
  paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
  components?: unknown;
}

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

export const GATEWAY_DOCUMENT = 'docs/openapi.json';
export const SANDBOX_DOCUMENTS = ['adapters/uwv/openapi.yaml', 'adapters/cwi/openapi.yaml', 'adapters/gemeente/openapi.yaml'];

export function loadDocument(path: string): Document {
  const text = readFileSync(root(path), 'utf8');
  const doc = (path.endsWith('.json') ? JSON.parse(text) : parse(text)) as Document & { info: { version: string } };
  return { ...doc, name: path, apiVersion: path === GATEWAY_DOCUMENT ? doc.info.version : undefined };
}

/** fastify's /a/:b/c ↔ OpenAPI's /a/{b}/c */
const toOpenapi = (url: string) => url.replace(/:(\w+)/g, '{$1}');
const toFastify = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');
const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

export interface Answer {
  method: string;
  /** The route as registered (fastify's form, /a/:b). */
  route: string;
  status: number;
  contentType: string | undefined;
  apiVersion: string | undefined;
  body: string | undefined;
  /** The body is a stream (sent as it is read), so it cannot be checked here. */
  streamed?: boolean;
}

/** Checks answers against one document; returns what is wrong (empty when the answer conforms). */
export function createChecker(doc: Document) {
  const ajv = new Ajv2020.default({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ $id: 'doc', ...doc, name: undefined, apiVersion: undefined } as object);
  const validators = new Map<string, ValidateFunction>();
  const validator = (ref: string) => {
    let v = validators.get(ref);
    if (!v) validators.set(ref, (v = ajv.compile({ $ref: `doc#/${ref}` })));
    return v;
  };
  return {
    doc,
    documents(method: string, route: string): boolean {
      return Boolean(doc.paths[toOpenapi(route)]?.[method.toLowerCase()]);
    },
    check(a: Answer): string[] {
      const path = toOpenapi(a.route);
      const operation = doc.paths[path]?.[a.method.toLowerCase()];
      if (!operation) return [];
      const where = `${a.method} ${path} → ${a.status}`;
      const problems: string[] = [];
      if (doc.apiVersion && a.apiVersion !== doc.apiVersion) problems.push(`${where}: API-Version header ${a.apiVersion ?? '(missing)'}, documented ${doc.apiVersion}`);
      const response = operation.responses?.[String(a.status)] ?? operation.responses?.[`${String(a.status)[0]}XX`] ?? operation.responses?.default;
      if (!response) return [...problems, `${where}: status not documented in ${doc.name}`];
      if (!response.content) return problems;
      const type = a.contentType?.split(';')[0]!.trim().toLowerCase();
      const media = type ? response.content[type] : undefined;
      if (!media) return [...problems, `${where}: content type ${type ?? '(none)'} not documented (${Object.keys(response.content).join(', ')})`];
      // A streamed answer (the auditor's export) cannot be read here; its status and type are checked.
      if (!media.schema || !type!.includes('json') || a.streamed) return problems;
      let body: unknown;
      try {
        body = JSON.parse(a.body ?? '');
      } catch {
        return [...problems, `${where}: body is not JSON`];
      }
      const status = operation.responses?.[String(a.status)] ? String(a.status) : operation.responses?.[`${String(a.status)[0]}XX`] ? `${String(a.status)[0]}XX` : 'default';
      const validate = validator(pointer('paths', path, a.method.toLowerCase(), 'responses', status, 'content', type!, 'schema'));
      if (!validate(body)) problems.push(`${where}: ${ajv.errorsText(validate.errors, { dataVar: 'body' })}`);
      return problems;
    },
  };
}

export type Checker = ReturnType<typeof createChecker>;

let checkers: Checker[] | undefined;
const violations: string[] = [];
let checked = 0;

/** What was wrong since the last call (and forgets it). */
export function takeViolations(): string[] {
  return violations.splice(0);
}

/** How many answers were checked in this process so far (the contract test proves the hook runs). */
export const checkedAnswers = () => checked;

/** Which document describes this instance: the one whose every operation it serves (a test's own
 *  stand-in serving one such path, a JWKS say, is not that service). */
function documentOf(app: FastifyInstance): Checker | undefined {
  checkers ??= [GATEWAY_DOCUMENT, ...SANDBOX_DOCUMENTS].map((p) => createChecker(loadDocument(p)));
  return checkers.find((c) =>
    Object.entries(c.doc.paths).every(([path, ops]) => Object.keys(ops).every((m) => app.hasRoute({ method: m.toUpperCase() as 'GET', url: toFastify(path) }))),
  );
}

/** Installs the check on every fastify instance created from now on in this process. */
export function checkEveryAnswer() {
  subscribe('fastify.initialization', (message) => {
    const app = (message as { fastify: FastifyInstance }).fastify;
    let checker: Checker | undefined | null = null;
    app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const route = request.routeOptions.url;
      if (!route) return payload;
      if (checker === null) checker = documentOf(app);
      if (!checker?.documents(request.method, route)) return payload;
      checked++;
      const found = checker.check({
        method: request.method,
        route,
        status: reply.statusCode,
        contentType: reply.getHeader('content-type') as string | undefined,
        apiVersion: reply.getHeader('api-version') as string | undefined,
        body: typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined,
        streamed: typeof (payload as { pipe?: unknown } | null)?.pipe === 'function',
      });
      violations.push(...found);
      return payload;
    });
  });
}
