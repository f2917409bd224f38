import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { Pool } from 'undici';

/**
 * A bearer token for calls into the platform on a tenant's behalf: a service principal of that
 * tenant holding the permission the call needs (cache inside; asked before every call).
 */
export type TenantTokenSource = (tenantId: string) => Promise<string>;

export interface PlatformClientOptions {
  /** The service, e.g. domain-repository (DOMAIN_REPOSITORY_URL). */
  baseUrl: string;
  /** Names the service in errors (`<name> unreachable`, `<name> answered 503: ...`). */
  name: string;
  token: TenantTokenSource;
  connections?: number;
  timeoutMs?: number;
  maxAttempts?: number;
  initialDelayMs?: number;
}

export interface PlatformCallOptions {
  /** Sent as `X-Correlation-ID`, so the events the call causes carry the caller's correlation id. */
  correlationId?: string;
  /** Sent as `Idempotency-Key`: a command repeated after a lost answer is answered, not applied again. */
  idempotencyKey?: string;
}

/**
 * A call that did not get its expected answer. `status` is undefined when the service could not
 * be reached; `transient` (unreachable, 429, 5xx) is what is retried, and still true on the error
 * thrown once the attempts are spent, so a caller can tell an outage from a refusal.
 */
export class PlatformCallError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    /** The answer's body (at most 4 KB of it). */
    readonly body: string,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'PlatformCallError';
  }
}

export interface PlatformClient {
  /** The parsed answer of `GET path`, once it came with status `expected`. */
  get(
    tenantId: string,
    path: string,
    expected: number,
    signal: AbortSignal,
    options?: PlatformCallOptions,
  ): Promise<unknown>;
  /** The parsed answer of `POST path` with `body` (JSON), once it came with status `expected`. */
  post(
    tenantId: string,
    path: string,
    body: unknown,
    expected: number,
    signal: AbortSignal,
    options?: PlatformCallOptions,
  ): Promise<unknown>;
  close: () => Promise<void>;
}

interface Call {
  tenantId: string;
  method: 'GET' | 'POST';
  path: string;
  body: string | undefined;
  expected: number;
  correlationId: string | undefined;
  idempotencyKey?: string | undefined;
}

/**
 * JSON calls to another platform service for a tenant, a platform-internal call (not through the
 * outbound helper): network errors, 429 and 5xx are retried with backoff; any other answer than
 * the expected status is thrown with its status. A token user-management refuses is not an outage
 * of the service: it fails the call as it is, asked once.
 */
export function createPlatformClient(options: PlatformClientOptions): PlatformClient {
  const url = new URL(options.baseUrl);
  const prefix = url.pathname.replace(/\/+$/, '');
  const pool = new Pool(url.origin, { connections: options.connections ?? 4 });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const policy = retry(
    handleWhen((error) => error instanceof PlatformCallError && error.transient),
    {
      maxAttempts: (options.maxAttempts ?? 4) - 1,
      backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs ?? 250, maxDelay: 10_000 }),
    },
  );

  async function send(call: Call, signal: AbortSignal): Promise<unknown> {
    const token = await options.token(call.tenantId);
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    if (call.correlationId !== undefined) headers['x-correlation-id'] = call.correlationId;
    if (call.idempotencyKey !== undefined) headers['idempotency-key'] = call.idempotencyKey;
    let response;
    try {
      response = await pool.request({
        path: `${prefix}${call.path}`,
        method: call.method,
        headers,
        body: call.body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      throw new PlatformCallError(`${options.name} unreachable: ${(error as Error).message}`, undefined, '', true);
    }
    const text = await response.body.text();
    const { statusCode } = response;
    if (statusCode === call.expected) return JSON.parse(text) as unknown;
    const transient = statusCode === 429 || statusCode >= 500;
    const message = `${options.name} answered ${statusCode}: ${text.slice(0, 300)}`;
    throw new PlatformCallError(message, statusCode, text.slice(0, 4096), transient);
  }

  const execute = (call: Call, signal: AbortSignal) => policy.execute(() => send(call, signal), signal);
  return {
    get: (tenantId, path, expected, signal, callOptions = {}) =>
      execute(
        { tenantId, method: 'GET', path, body: undefined, expected, correlationId: callOptions.correlationId },
        signal,
      ),
    post: (tenantId, path, body, expected, signal, callOptions = {}) =>
      execute(
        {
          tenantId,
          method: 'POST',
          path,
          body: JSON.stringify(body),
          expected,
          correlationId: callOptions.correlationId,
          idempotencyKey: callOptions.idempotencyKey,
        },
        signal,
      ),
    close: () => pool.close(),
  };
}
