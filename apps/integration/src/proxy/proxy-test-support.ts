// The proxy tests' provider: Stripe's API on loopback (as far as the tests go), and the app
// with connections, providers and the proxy.
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { connectionsFeature } from '../connections/connections.routes.ts';
import type { IntegrationContext } from '../context.ts';
import { providersFeature } from '../providers/providers.routes.ts';
import { startTestApp, type tenantCaller, type TestApp } from '../test-support.ts';
import {
  startLocalProvider,
  stripeError,
  stripeList,
  type LocalAnswer,
  type LocalProviderServer,
  type RecordedRequest,
} from './local-provider-server.ts';
import { createProviderBreakers, type ProviderBreakers } from './provider-breakers.ts';
import { proxyFeature } from './proxy.routes.ts';

/** The keys and tokens the provider accepts as `Authorization: Bearer`. */
export const validKeys = new Set<string>();
export const bearer = (request: RecordedRequest) => request.headers.authorization?.replace(/^Bearer /, '') ?? '';

// Stripe's API as far as the tests go, plus a misbehaving endpoint that echoes the credentials.
function stripeAnswer(request: RecordedRequest): LocalAnswer {
  const path = request.url.split('?')[0];
  if (!validKeys.has(bearer(request)) && !request.headers['x-api-key'])
    return { status: 401, body: stripeError('invalid_request_error', 'Invalid API Key provided: sk_test_****') };
  const requestId = { 'request-id': `req_${randomBytes(6).toString('hex')}` };
  switch (path) {
    case '/v1/customers':
      if (request.method === 'POST')
        return {
          status: 200,
          headers: requestId,
          body: { id: 'cus_1', object: 'customer', email: new URLSearchParams(request.body).get('email') },
        };
      return {
        status: 200,
        headers: { ...requestId, 'set-cookie': 'session=abc', 'x-stripe-internal': 'yes' },
        body: stripeList([{ id: 'cus_1', object: 'customer', email: 'jane@example.com' }], '/v1/customers'),
      };
    case '/v1/echo':
      return {
        status: 200,
        headers: { 'x-request-id': request.headers.authorization ?? '' },
        body: { seen: request.headers.authorization },
      };
    case '/v1/limited':
      return {
        status: 429,
        headers: { 'retry-after': String(request.headers['x-wait'] ?? '30') },
        body: stripeError('rate_limit_error', 'Too many requests'),
      };
    case '/v1/exhausted':
      return {
        status: 200,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '45' },
        body: stripeList([], path),
      };
    case '/v1/maintenance':
      return { status: 503, headers: { 'retry-after': '20' }, body: stripeError('api_error', 'Down for maintenance') };
    default:
      return { status: 500, body: stripeError('api_error', 'Something went wrong') };
  }
}

export type Caller = Awaited<ReturnType<typeof tenantCaller>>;
type Response = Awaited<ReturnType<TestApp['app']['inject']>>;

export interface ProxyTest {
  t: TestApp;
  ctx: IntegrationContext;
  server: LocalProviderServer;
  /** Three consecutive failures open a breaker, for ten minutes. */
  breakers: ProviderBreakers;
  call(caller: Caller, method: 'POST' | 'PUT', url: string, payload?: object): Promise<Response>;
  proxy(caller: Caller, connectionId: string, request: object): Promise<Response>;
  /** Requests the provider received with this key (as a bearer token or X-Api-Key), under `path`. */
  hitsBy(key: string, path?: string): number;
  /** A Stripe connection with a fresh key the provider accepts. */
  connectStripe(caller: Caller): Promise<{ id: string; apiKey: string }>;
  /** A tenant's generic API-key provider at `path` of the local server, and a connection to it. */
  connectCustom(
    caller: Caller,
    key: string,
    options?: { path?: string; perSecond?: number; burst?: number },
  ): Promise<{ id: string; apiKey: string }>;
  close(): Promise<void>;
}

const URL = '/api/v1/integrations/connections';

export async function startProxyTest(): Promise<ProxyTest> {
  const server = await startLocalProvider(stripeAnswer);
  const breakers = createProviderBreakers({ failureThreshold: 3, halfOpenAfterMs: 600_000 });
  let ctx: IntegrationContext | undefined;
  const t = await startTestApp(
    { PROVIDER_OVERRIDES: JSON.stringify({ stripe: { baseUrl: server.url } }) },
    {
      features: [
        connectionsFeature,
        providersFeature,
        proxyFeature({ breakers }),
        (_app, context) => void (ctx = context),
      ],
    },
  );
  const call: ProxyTest['call'] = (caller, method, url, payload) =>
    t.app.inject({ method, url, headers: caller.headers, ...(payload && { payload }) });
  const connect = async (caller: Caller, provider: string, credentials: object) => {
    const res = await call(caller, 'POST', URL, { provider, credentials });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string }>().id;
  };
  return {
    t,
    ctx: ctx!,
    server,
    breakers,
    call,
    proxy: (caller, connectionId, request) => call(caller, 'POST', `${URL}/${connectionId}/proxy`, request),
    hitsBy: (key, path) =>
      server.requests.filter(
        (request) =>
          (bearer(request) === key || request.headers['x-api-key'] === key) &&
          (path === undefined || request.url.startsWith(path)),
      ).length,
    async connectStripe(caller) {
      const apiKey = `sk_test_${randomBytes(18).toString('base64url')}`;
      validKeys.add(apiKey);
      const webhookSecret = `whsec_${randomBytes(12).toString('hex')}`;
      return { id: await connect(caller, 'stripe', { apiKey, webhookSecret }), apiKey };
    },
    async connectCustom(caller, key, options = {}) {
      const provider = {
        key,
        name: key,
        category: 'other',
        auth: { type: 'api_key', header: 'X-Api-Key', format: '{key}' },
        baseUrl: `${server.url}${options.path ?? ''}`,
        rateLimit: { perSecond: options.perSecond ?? 100, burst: options.burst ?? 100 },
        webhooks: { scheme: 'none' },
        pagination: 'none',
      };
      expect((await call(caller, 'POST', '/api/v1/integrations/providers/custom', provider)).statusCode).toBe(201);
      const apiKey = `${key}_${randomBytes(18).toString('base64url')}`;
      return { id: await connect(caller, key, { apiKey }), apiKey };
    },
    async close() {
      await t.close();
      await server.close();
    },
  };
}
