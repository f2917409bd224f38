import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { Pool, type Dispatcher } from 'undici';
import { z } from 'zod';
import type { Permission } from './permissions.ts';

export interface ServiceTokenSourceOptions {
  /** user-management's base URL (`http://user-management:8001`); the route is appended to its path. */
  url: string;
  clientId: string;
  clientSecret: string;
  /** What every token asks for; each must be allowed to the client in user-management's SERVICE_CLIENTS. */
  permissions: readonly Permission[];
  /** A cached token is renewed this long before it expires (at most half its lifetime). Default 60 s. */
  refreshAheadMs?: number;
  /** Per attempt: connect, headers and body. Default 5 s. */
  timeoutMs?: number;
  /** Attempts for one token when user-management is unreachable or answers 429/5xx. Default 4. */
  maxAttempts?: number;
  /** First backoff between attempts, doubled each time (up to 5 s). Default 200 ms. */
  initialDelayMs?: number;
  now?: () => Date;
}

/** `(tenantId) => bearer token` for calls made on a tenant's behalf; `close()` ends its connections. */
export interface ServiceTokenSource {
  (tenantId: string): Promise<string>;
  close(): Promise<void>;
}

/** user-management refused the client (401), a permission (403) or the tenant (404), or stayed unreachable. */
export class ServiceTokenError extends Error {
  constructor(
    message: string,
    /** The HTTP status of the refusal; 0 when no answer came. */
    readonly status: number,
    readonly tenantId: string,
  ) {
    super(message);
    this.name = 'ServiceTokenError';
  }
}

class TransientTokenError extends ServiceTokenError {}

const tokenAnswer = z.object({
  accessToken: z.string().min(1),
  expiresIn: z.number().int().positive(),
  tokenType: z.literal('Bearer'),
});
const errorAnswer = z.object({ error: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()) });

interface Cached {
  token: string;
  renewAt: number;
  expiresAt: number;
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined. */
const formEncode = (text: string) => encodeURIComponent(text).replaceAll('%20', '+');

// Entries are dropped once expired, when the cache has grown past this many tenants.
const SWEEP_ABOVE = 1000;

/**
 * Tenant tokens of a platform service from user-management's client-credentials route
 * (`POST /api/v1/auth/service-tokens`): one kept-alive pool, a token cached per tenant until
 * shortly before it expires, one request per tenant however many callers wait for it, transient
 * failures retried with backoff, and a refusal thrown at once as a {@link ServiceTokenError}.
 */
export function createServiceTokenSource(options: ServiceTokenSourceOptions): ServiceTokenSource {
  const base = new URL(options.url);
  const path = `${base.pathname.replace(/\/+$/, '')}/api/v1/auth/service-tokens`;
  const pool = new Pool(base.origin, { connections: 4 });
  const now = options.now ?? (() => new Date());
  const authorization = `Basic ${Buffer.from(`${formEncode(options.clientId)}:${formEncode(options.clientSecret)}`).toString('base64')}`;
  const policy = retry(
    handleWhen((error) => error instanceof TransientTokenError),
    {
      maxAttempts: (options.maxAttempts ?? 4) - 1,
      backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs ?? 200, maxDelay: 5_000 }),
    },
  );
  const cache = new Map<string, Cached>();
  const inFlight = new Map<string, Promise<string>>();
  const request = {
    pool,
    path,
    authorization,
    timeoutMs: options.timeoutMs ?? 5_000,
    permissions: options.permissions,
  };

  async function renew(tenantId: string): Promise<string> {
    const issuedAt = now().getTime();
    const answer = await policy.execute(() => requestToken(request, tenantId));
    const lifetimeMs = answer.expiresIn * 1000;
    const aheadMs = Math.min(options.refreshAheadMs ?? 60_000, lifetimeMs / 2);
    if (cache.size >= SWEEP_ABOVE) {
      for (const [tenant, entry] of cache) if (entry.expiresAt <= issuedAt) cache.delete(tenant);
    }
    cache.set(tenantId, {
      token: answer.accessToken,
      renewAt: issuedAt + lifetimeMs - aheadMs,
      expiresAt: issuedAt + lifetimeMs,
    });
    return answer.accessToken;
  }

  const source = (tenantId: string): Promise<string> => {
    const cached = cache.get(tenantId);
    if (cached && now().getTime() < cached.renewAt) return Promise.resolve(cached.token);
    const pending = inFlight.get(tenantId);
    if (pending) return pending;
    const started = renew(tenantId).finally(() => inFlight.delete(tenantId));
    inFlight.set(tenantId, started);
    return started;
  };
  return Object.assign(source, { close: () => pool.close() });
}

interface TokenRequest {
  pool: Dispatcher;
  path: string;
  authorization: string;
  timeoutMs: number;
  permissions: readonly Permission[];
}

async function requestToken(request: TokenRequest, tenantId: string): Promise<z.infer<typeof tokenAnswer>> {
  let status: number;
  let text: string;
  try {
    const response = await request.pool.request({
      path: request.path,
      method: 'POST',
      headers: { authorization: request.authorization, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ tenantId, permissions: request.permissions }),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    status = response.statusCode;
    text = await response.body.text();
  } catch (error) {
    const reason = (error as { code?: string; message?: string }).code ?? (error as Error).message;
    throw new TransientTokenError(`user-management unreachable for a service token: ${reason}`, 0, tenantId);
  }
  if (status === 200) {
    const parsed = tokenAnswer.safeParse(safeJson(text));
    if (parsed.success) return parsed.data;
    throw new ServiceTokenError('user-management answered 200 without a bearer token', status, tenantId);
  }
  throw refusalOf(status, text, tenantId);
}

/** 429 and 5xx are worth another attempt; any other answer is user-management's decision. */
function refusalOf(status: number, text: string, tenantId: string): ServiceTokenError {
  const refusal = errorAnswer.safeParse(safeJson(text));
  const said = refusal.success
    ? `${refusal.data.error}: ${refusal.data.message} ${JSON.stringify(refusal.data.details)}`
    : text.slice(0, 200);
  const message = `user-management answered ${status} to a service token for tenant ${tenantId}: ${said}`;
  return status === 429 || status >= 500
    ? new TransientTokenError(message, status, tenantId)
    : new ServiceTokenError(message, status, tenantId);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
