// The pages' only way to personal data: the same GraphQL endpoint partners use (POST /graphql),
// called in-process with the logged-in person's own bearer token. The gateway's authentication,
// root-field policy, consent checks and processing log all apply exactly as for any other caller.
import type { FastifyInstance } from 'fastify';
import type { PageSession } from './session.js';

export interface GraphError {
  message: string;
  code: string;
  /** The partner that did not answer (PARTNER_UNAVAILABLE). */
  partner?: string;
  /** Seconds to wait before trying again (RATE_LIMITED, SERVICE_UNAVAILABLE). */
  retryAfter?: number;
  /** The input field a BAD_USER_INPUT is about (e.g. `toewijzing.einddatum`). */
  field?: string;
  path?: readonly (string | number)[];
}

export interface GraphAnswer<T> {
  data: T | null;
  errors: GraphError[];
}

/** The token was refused: the person must log in again. */
export class SessionExpiredError extends Error {
  constructor() {
    super('the session has expired');
    this.name = 'SessionExpiredError';
  }
}

/** The graph refused or failed the whole request (no data at all). */
export class GraphRequestError extends Error {
  constructor(readonly errors: GraphError[]) {
    super(`graph request failed: ${errors.map((e) => e.code).join(', ')}`);
    this.name = 'GraphRequestError';
  }
  get code(): string {
    return this.errors[0]?.code ?? 'INTERNAL';
  }
}

export type Graph = <T>(session: PageSession, query: string, variables?: Record<string, unknown>) => Promise<GraphAnswer<T>>;

interface RawError {
  message?: string;
  path?: (string | number)[];
  extensions?: { code?: unknown; partner?: unknown; retryAfter?: unknown; field?: unknown };
}

export function createGraph(app: FastifyInstance): Graph {
  return async <T>(session: PageSession, query: string, variables?: Record<string, unknown>) => {
    const res = await app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
      payload: JSON.stringify({ query, variables }),
    });
    let body: { data?: T | null; errors?: RawError[]; code?: string };
    try {
      body = res.json();
    } catch {
      throw new GraphRequestError([{ message: 'the graph gave no JSON', code: 'INTERNAL' }]);
    }
    const errors: GraphError[] = (body.errors ?? []).map((e) => ({
      message: e.message ?? '',
      code: typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL',
      partner: typeof e.extensions?.partner === 'string' ? e.extensions.partner : undefined,
      retryAfter: typeof e.extensions?.retryAfter === 'number' ? e.extensions.retryAfter : undefined,
      field: typeof e.extensions?.field === 'string' ? e.extensions.field : undefined,
      path: e.path,
    }));
    if (res.statusCode === 401 || body.code === 'UNAUTHENTICATED' || errors.some((e) => e.code === 'UNAUTHENTICATED')) {
      throw new SessionExpiredError();
    }
    if (body.data == null) {
      throw new GraphRequestError(errors.length ? errors : [{ message: `status ${res.statusCode}`, code: body.code ?? 'INTERNAL' }]);
    }
    return { data: body.data, errors };
  };
}

/** A mutation that answered with any error did not (fully) happen: never report it as done. */
export function mustSucceed<T>(answer: GraphAnswer<T>): GraphAnswer<T> {
  if (answer.errors.length) throw new GraphRequestError(answer.errors);
  return answer;
}

/** For a part of a page that one partner answers: its being down becomes an empty answer with the
 *  error, so the page shows the rest and names the partner; any other failure still fails the page. */
export function partnerDown(err: unknown): GraphAnswer<never> {
  if (err instanceof GraphRequestError && err.errors.some((e) => e.code === 'PARTNER_UNAVAILABLE')) return { data: null, errors: err.errors };
  throw err;
}
