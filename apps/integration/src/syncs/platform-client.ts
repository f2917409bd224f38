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

class TransientPlatformError extends Error {}

/**
 * JSON POSTs to another platform service for a tenant, a platform-internal call (not through the
 * outbound helper): network errors, 429 and 5xx are retried with backoff; any other answer than
 * the expected status is thrown with its status. A token user-management refuses is not an outage
 * of the service: it fails the call as it is, asked once.
 */
export function createPlatformClient(options: PlatformClientOptions) {
  const url = new URL(options.baseUrl);
  const prefix = url.pathname.replace(/\/+$/, '');
  const pool = new Pool(url.origin, { connections: options.connections ?? 4 });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const policy = retry(
    handleWhen((error) => error instanceof TransientPlatformError),
    {
      maxAttempts: (options.maxAttempts ?? 4) - 1,
      backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs ?? 250, maxDelay: 10_000 }),
    },
  );

  async function post(tenantId: string, path: string, body: string, expected: number, signal: AbortSignal) {
    const token = await options.token(tenantId);
    let response;
    try {
      response = await pool.request({
        path: `${prefix}${path}`,
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
        body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      throw new TransientPlatformError(`${options.name} unreachable: ${(error as Error).message}`);
    }
    const text = await response.body.text();
    const { statusCode } = response;
    if (statusCode === expected) return JSON.parse(text) as unknown;
    const message = `${options.name} answered ${statusCode}: ${text.slice(0, 300)}`;
    throw statusCode === 429 || statusCode >= 500 ? new TransientPlatformError(message) : new Error(message);
  }

  return {
    /** The parsed answer of `POST path` with `body` (JSON), once it came with status `expected`. */
    post(tenantId: string, path: string, body: unknown, expected: number, signal: AbortSignal): Promise<unknown> {
      const text = JSON.stringify(body);
      return policy.execute(() => post(tenantId, path, text, expected, signal), signal);
    },
    close: () => pool.close(),
  };
}
