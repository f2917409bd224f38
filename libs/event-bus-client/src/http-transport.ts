import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, type Dispatcher } from 'undici';
import { errorFromAnswer, EventBusError } from './event-bus-error.ts';

/** A bearer token, or a function giving the current one (called before every attempt: cache inside it). */
export type TokenSource = string | (() => string | Promise<string>);

export interface TransportOptions {
  /** The gateway or the event-bus itself, e.g. `https://api.example.com` (routes are the same at both). */
  baseUrl: string;
  token: TokenSource;
  /** Per attempt: connect, headers and body. Default 10 s. */
  timeoutMs?: number;
  /** Further attempts after a 429, or after a lost answer or a 502/503/504 of an idempotent call. Default 2. */
  retries?: number;
  /** A 429 asking to wait longer than this is thrown at once, not waited for. Default 30 s. */
  maxRetryAfterMs?: number;
  /** Kept-alive connections to the base URL. Default 10. */
  connections?: number;
  /** First backoff after a lost answer or a 5xx, doubled per attempt. Default 200 ms. */
  backoffMs?: number;
}

export interface Call {
  method: 'GET' | 'POST' | 'DELETE';
  /** From `/api/v1/...`; the base URL's path is put in front. */
  path: string;
  body?: unknown;
  /** Safe to send twice: retried after a lost answer, a timeout or a 502/503/504. */
  idempotent: boolean;
}

export interface Answer {
  status: number;
  /** Parsed JSON; undefined for an empty body (204). */
  body: unknown;
  correlationId: string | undefined;
}

type Attempt = { ok: true; answer: Answer } | { ok: false; error: EventBusError; sent: boolean };

const RETRIED_STATUSES = new Set([502, 503, 504]);
// The request never left: resending it cannot apply anything twice.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/** HTTP on one kept-alive undici Pool: bearer auth, per-attempt timeout, retries, errors as EventBusError. */
export class HttpTransport {
  private readonly pool: Dispatcher;
  private readonly prefix: string;
  private readonly options: Required<Omit<TransportOptions, 'baseUrl' | 'token'>> & Pick<TransportOptions, 'token'>;

  constructor(options: TransportOptions) {
    const url = new URL(options.baseUrl);
    this.prefix = url.pathname.replace(/\/+$/, '');
    this.options = {
      token: options.token,
      timeoutMs: options.timeoutMs ?? 10_000,
      retries: options.retries ?? 2,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
      connections: options.connections ?? 10,
      backoffMs: options.backoffMs ?? 200,
    };
    this.pool = new Pool(url.origin, { connections: this.options.connections });
  }

  async call(call: Call): Promise<Answer> {
    for (let attempt = 0; ; attempt += 1) {
      const result = await this.attempt(call);
      if (result.ok) return result.answer;
      const wait = this.retryDelay(call, result, attempt);
      if (wait === undefined) throw result.error;
      await sleep(wait);
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private retryDelay(call: Call, failed: Extract<Attempt, { ok: false }>, attempt: number): number | undefined {
    if (attempt >= this.options.retries) return undefined;
    const { status, retryAfterSeconds } = failed.error;
    // A 429 is refused before anything is applied, so every call may try again.
    if (status === 429) {
      const ms = (retryAfterSeconds ?? 1) * 1000;
      return ms <= this.options.maxRetryAfterMs ? ms : undefined;
    }
    const retryable = failed.sent ? call.idempotent && (status === 0 || RETRIED_STATUSES.has(status)) : true;
    if (!retryable) return undefined;
    const backoff = this.options.backoffMs * 2 ** attempt * (0.5 + Math.random() / 2);
    return Math.min(Math.max(backoff, (retryAfterSeconds ?? 0) * 1000), this.options.maxRetryAfterMs);
  }

  private async attempt(call: Call): Promise<Attempt> {
    let token: string;
    try {
      token = typeof this.options.token === 'function' ? await this.options.token() : this.options.token;
    } catch (caught) {
      const error = new EventBusError({
        status: 0,
        code: 'TOKEN_UNAVAILABLE',
        message: `The token provider failed: ${String(caught)}`,
        cause: caught,
      });
      return { ok: false, error, sent: false };
    }
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    let response: Dispatcher.ResponseData;
    let text: string;
    try {
      response = await this.pool.request({
        path: this.prefix + call.path,
        method: call.method,
        body,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      text = await response.body.text();
    } catch (caught) {
      return networkFailure(caught, this.options.timeoutMs);
    }
    return toAttempt(response, text);
  }
}

function toAttempt(response: Dispatcher.ResponseData, text: string): Attempt {
  const header = (name: string) => [response.headers[name]].flat()[0];
  const status = response.statusCode;
  const correlationId = header('x-correlation-id');
  if (status < 200 || status > 299) {
    return {
      ok: false,
      error: errorFromAnswer({ status, body: text, retryAfter: header('retry-after'), correlationId }),
      sent: true,
    };
  }
  try {
    return { ok: true, answer: { status, body: text === '' ? undefined : JSON.parse(text), correlationId } };
  } catch {
    return {
      ok: false,
      error: new EventBusError({
        status,
        code: 'INVALID_RESPONSE',
        message: 'The answer is not JSON',
        details: { body: text.slice(0, 200) },
        correlationId,
      }),
      sent: true,
    };
  }
}

function networkFailure(caught: unknown, timeoutMs: number): Extract<Attempt, { ok: false }> {
  const { code, name, message } = caught as { code?: string; name?: string; message?: string };
  if (name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    const error = new EventBusError({
      status: 0,
      code: 'TIMEOUT',
      message: `No complete answer within ${timeoutMs} ms`,
      cause: caught,
    });
    return { ok: false, error, sent: true };
  }
  const error = new EventBusError({
    status: 0,
    code: 'CONNECTION_FAILED',
    message: `${code ?? name ?? 'Error'}: ${message ?? String(caught)}`,
    details: code ? { code } : {},
    cause: caught,
  });
  return { ok: false, error, sent: !NOT_SENT.has(code ?? '') };
}
