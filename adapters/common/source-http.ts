// HTTP towards one partner's source API, with the resilience every adapter needs composed in a
// fixed order: circuit breaker (fail fast while the partner is down) → retry (reads only, inside
// the budget) → one attempt bounded by the call's deadline. Whatever goes wrong comes out as one
// GraphQL error, PARTNER_UNAVAILABLE with the partner's name, so the gateway can answer with the
// other partners' data. Every call carries the credential the partner issued to this adapter; a
// source that refuses it (401/403) is reported as `credential-refused`, at error level, since only
// an operator can mend it. Logs name the partner, the path and the reason; never a query string,
// a body (both can hold BSNs) or the credential.
import type { FastifyBaseLogger } from 'fastify';
import { Pool } from 'undici';
import { createBreaker, OpenCircuitError, type Breaker, type BreakerOptions } from './circuit-breaker.js';
import { callFailed, withinDeadline, type Deadline } from './deadline.js';
import { partnerUnavailable, type UnavailableReason } from './errors.js';
import type { Partner } from './partner.js';
import { createRetryPolicy, type RetryOptions } from './retry.js';
import { metrics } from '../../lib/metrics.js';
import { tracingOn } from '../../lib/tracing.js';

export interface SourceHttpOptions {
  partner: Partner;
  baseUrl: string;
  /** Sent as `Authorization: Bearer <credential>` on every call. */
  credential: string;
  /** Budget for one call, retries included; default 1500 ms. */
  timeoutMs?: number;
  retry?: RetryOptions;
  breaker?: BreakerOptions;
  log: FastifyBaseLogger;
  /** Most connections kept open to the source; default 32. */
  connections?: number;
}

export interface SourceRequest {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number | readonly string[] | undefined>;
  body?: { contentType: string; text: string };
  accept: string;
  /** Reads may be retried; a write never is. A POST that only searches is a read. */
  read: boolean;
  /** Statuses the caller handles itself (e.g. 404 for "unknown"), besides 2xx. */
  expect?: readonly number[];
  /** W3C trace context of the gateway's request, so the partner's own log can link to ours. */
  traceparent?: string;
}

export interface SourceResponse {
  status: number;
  text: string;
}

export interface SourceHttp {
  /**
   * Runs one logical call (its pages, chunks) inside one budget, shared by every `send` it is
   * handed to; when `call` is over, so is the budget (deadline.ts).
   */
  within<T>(call: (deadline: Deadline) => Promise<T>): Promise<T>;
  /** One request; without a deadline, inside a budget of its own. */
  send(request: SourceRequest, deadline?: Deadline): Promise<SourceResponse>;
  readonly breakerOpen: boolean;
  close(): void;
}

/** A failed attempt, classified so retry and breaker can decide. */
class AttemptError extends Error {
  constructor(readonly reason: UnavailableReason, readonly status?: number) {
    super(status ? `${reason} ${status}` : reason);
  }
}

/** A request cancelled because the call it belonged to had already failed (deadline.ts). */
class CancelledError extends Error {}

const retryable = (err: unknown) =>
  err instanceof AttemptError && (err.reason === 'network' || (err.reason === 'http-error' && (err.status! >= 500 || err.status === 429)));
// A cancelled request says nothing about the partner either: it does not count towards the breaker.
const ownFault = (err: unknown) =>
  err instanceof CancelledError ||
  (err instanceof AttemptError && (err.reason === 'credential-refused' || (err.reason === 'http-error' && err.status! < 500 && err.status !== 429)));

export function createSourceHttp(options: SourceHttpOptions): SourceHttp {
  const { partner, log } = options;
  const timeoutMs = options.timeoutMs ?? 1500;
  const base = options.baseUrl.replace(/\/$/, '');
  const retry = createRetryPolicy(options.retry);
  const breaker: Breaker = createBreaker(`source-${partner}`, options.breaker ?? {}, ownFault, (state) => metrics.breakerState(partner, state));

  // One pool of kept-alive connections to the source. undici's request() instead of fetch():
  // fetch's WHATWG streams and per-call objects cost more CPU than the partner's answer itself.
  const baseUrl = new URL(base);
  const basePath = baseUrl.pathname.replace(/\/$/, '');
  const authorization = `Bearer ${options.credential}`;
  const pool = new Pool(baseUrl.origin, { connections: options.connections ?? 32, keepAliveTimeout: 10_000 });

  function pathFor(request: SourceRequest): string {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) query.append(name, String(v));
    }
    const qs = query.toString();
    return `${basePath}${request.path}${qs ? `?${qs}` : ''}`;
  }

  async function attempt(request: SourceRequest, deadline: Deadline): Promise<SourceResponse> {
    let status: number;
    let text: string;
    try {
      const res = await pool.request({
        method: request.method,
        path: pathFor(request),
        headers: {
          accept: request.accept,
          authorization,
          ...(request.body ? { 'content-type': request.body.contentType } : {}),
          // With tracing on, the undici instrumentation writes the traceparent of this call's span.
          ...(request.traceparent && !tracingOn() ? { traceparent: request.traceparent } : {}),
        },
        body: request.body?.text,
        signal: deadline.signal,
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch {
      if (callFailed(deadline)) throw new CancelledError('cancelled');
      throw new AttemptError(deadline.signal.aborted ? 'timeout' : 'network');
    }
    if ((status >= 200 && status < 300) || request.expect?.includes(status)) return { status, text };
    throw new AttemptError(status === 401 || status === 403 ? 'credential-refused' : 'http-error', status);
  }

  return {
    within: (call) => withinDeadline(timeoutMs, call),
    send: (request, deadline) => (deadline ? sendWithin(request, deadline) : withinDeadline(timeoutMs, (own) => sendWithin(request, own))),
    get breakerOpen() {
      return breaker.opened;
    },
    close: () => {
      breaker.shutdown();
      void pool.destroy();
    },
  };

  async function sendWithin(request: SourceRequest, deadline: Deadline): Promise<SourceResponse> {
    const started = performance.now();
    try {
      const response = await breaker.call(() =>
        retry.run(() => attempt(request, deadline), { deadline, read: request.read, retryable }),
      );
      metrics.partnerCall(partner, 'ok', (performance.now() - started) / 1000);
      return response;
    } catch (err) {
      // The call has failed already, and said so: this request's end is no news.
      if (err instanceof CancelledError) throw partnerUnavailable(partner, 'network');
      const reason: UnavailableReason =
        err instanceof OpenCircuitError ? 'circuit-open' : err instanceof AttemptError ? err.reason : 'network';
      const status = err instanceof AttemptError ? err.status : undefined;
      metrics.partnerCall(partner, reason, (performance.now() - started) / 1000);
      const fields = { partner, path: request.path, reason, status };
      if (reason === 'credential-refused') log.error(fields, `partner source refused this adapter's credential (${partner.toUpperCase()}_SOURCE_CREDENTIAL)`);
      else log.warn(fields, 'partner source call failed');
      throw partnerUnavailable(partner, reason);
    }
  }
}

/** Parses a JSON answer, turning malformed content into PARTNER_UNAVAILABLE (bad-response). */
export function parseJson<T>(partner: Partner, log: FastifyBaseLogger, response: SourceResponse): T {
  try {
    return JSON.parse(response.text) as T;
  } catch {
    log.warn({ partner, reason: 'bad-response' }, 'partner answered something that is not JSON');
    throw partnerUnavailable(partner, 'bad-response');
  }
}

/** Runs a translation of partner data; a record that does not fit the contract is a bad answer. */
export function translated<T>(partner: Partner, log: FastifyBaseLogger, translate: () => T): T {
  try {
    return translate();
  } catch (err) {
    log.warn({ partner, reason: 'bad-response', detail: (err as Error).name }, 'partner answer does not fit its contract');
    throw partnerUnavailable(partner, 'bad-response');
  }
}
