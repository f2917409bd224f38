import type { IntegrationContext } from '../context.ts';
import { providerAccess, type ProviderAccess } from '../connections/access.ts';
import { isBuiltInProvider } from '../providers/find-provider.ts';
import type { ConnectionLimits } from './connection-limits.ts';
import { providerBackoffMs } from './provider-backoff.ts';
import type { ProviderBreakers } from './provider-breakers.ts';
import { callerHeaders, outgoingBody, targetUrl, type ProxyRequest } from './proxy-request.ts';
import { decodeBody, readLimited, safeHeaders, type ProxyResponse } from './proxy-response.ts';

export interface ProviderCallOptions {
  /** Largest provider answer read, bytes. */
  maxResponseBytes: number;
  /** Wait for the provider's headers, and between body chunks, ms. */
  timeoutMs: number;
  /** Longest cooldown a provider's Retry-After or rate-limit reset can impose, ms. */
  maxCooldownMs: number;
}

/** One call to a connection's provider with its credentials, answered as the proxy shows it. */
export type CallProvider = (tenantId: string, connectionId: string, request: ProxyRequest) => Promise<ProxyResponse>;

/**
 * Calls a connection's provider: the request checked against the provider's base URL, the
 * connection's bucket and cooldown taken in Redis, then the call through the provider's breaker
 * and the outbound client (SSRF guard) with the credentials added. A Retry-After or an exhausted
 * rate-limit window puts the connection in cooldown. The credentials are redacted from what
 * comes back; only a safe subset of headers is returned.
 */
export function createProviderCaller(
  ctx: IntegrationContext,
  breakers: ProviderBreakers,
  limits: ConnectionLimits,
  options: ProviderCallOptions,
): CallProvider {
  return async (tenantId, connectionId, request) => {
    const access = await providerAccess(ctx, tenantId, connectionId);
    const { provider } = access;
    const url = targetUrl(provider.baseUrl, request.path, request.query);
    const given = callerHeaders(request.headers, access.headers);
    const { body, contentType } = outgoingBody(request, given);
    const headers = {
      accept: 'application/json',
      ...given,
      ...(contentType && { 'content-type': contentType }),
      ...access.headers,
    };
    await limits.admit(connectionId, provider.key, provider.rateLimit);
    const breaker = isBuiltInProvider(provider.key) ? provider.key : `${tenantId}/${provider.key}`;
    const answer = await breakers.execute(breaker, provider.key, async () => {
      const response = await ctx.outbound.request(url, {
        method: request.method,
        headers,
        ...(body !== undefined && { body }),
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
      const bytes = await readLimited(response.body, options.maxResponseBytes);
      return { status: response.statusCode, headers: response.headers, bytes };
    });
    const backoffMs = providerBackoffMs(answer.status, answer.headers, ctx.now().getTime(), options.maxCooldownMs);
    await limits.coolDown(connectionId, backoffMs);
    const secrets = secretsOf(access);
    const responseHeaders = safeHeaders(answer.headers, secrets);
    return {
      status: answer.status,
      headers: responseHeaders,
      ...decodeBody(answer.bytes, responseHeaders['content-type'], secrets),
    };
  };
}

/** The header values that authenticate, and the bare key or token inside each. */
function secretsOf(access: ProviderAccess): string[] {
  const secrets = new Set<string>();
  const auth = access.provider.auth;
  for (const value of Object.values(access.headers)) {
    secrets.add(value);
    if (auth.type === 'api_key') {
      const [prefix = '', suffix = ''] = auth.format.split('{key}');
      secrets.add(value.slice(prefix.length, value.length - suffix.length));
    } else secrets.add(value.slice(value.indexOf(' ') + 1));
  }
  // The longest first, so a value is redacted whole before the key inside it; nothing trivially short.
  return [...secrets].filter((secret) => secret.length >= 8).sort((a, b) => b.length - a.length);
}
