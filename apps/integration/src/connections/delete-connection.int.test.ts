import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntegrationContext } from '../context.ts';
import { BUILT_IN_PROVIDERS } from '../providers/built-in-providers.ts';
import { providersFeature } from '../providers/providers.routes.ts';
import { startLocalProvider, type LocalProviderServer } from '../proxy/local-provider-server.ts';
import { eventually, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { publishedConnectionEvents, seedTraces, storedConnection, tracesOf } from './connection-test-support.ts';
import { connectionsFeature } from './connections.routes.ts';

const GOOGLE_ADS = BUILT_IN_PROVIDERS.find((provider) => provider.key === 'google_ads')!;
const GOOGLE_CLIENT = { clientId: 'platform-google', clientSecret: 'platform-google-secret' };

// An RFC 7009 revocation endpoint: 200 for any token (§2.2), 503 for tokens named to fail.
let revocation: LocalProviderServer;
let t: TestApp;
let ctx: IntegrationContext;
beforeAll(async () => {
  revocation = await startLocalProvider((request) =>
    new URLSearchParams(request.body).get('token')?.startsWith('fail-')
      ? { status: 503, body: { error: 'temporarily_unavailable' } }
      : { status: 200, body: '' },
  );
  t = await startTestApp(
    {
      // An override's auth is whole (the configuration's schema checks it as a definition's).
      PROVIDER_OVERRIDES: JSON.stringify({
        google_ads: { auth: { ...GOOGLE_ADS.auth, revocationUrl: `${revocation.url}/revoke` } },
      }),
      OAUTH_CLIENTS: JSON.stringify({ google_ads: GOOGLE_CLIENT }),
    },
    { features: [connectionsFeature, providersFeature, (_app, context) => void (ctx = context)] },
  );
});
afterAll(async () => {
  await t?.close();
  await revocation?.close();
});

const URL = '/api/v1/integrations/connections';
type Caller = Awaited<ReturnType<typeof tenantCaller>>;
const call = (caller: Caller, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: caller.headers, ...(payload && { payload }) });
const token = (prefix: string) => `${prefix}${randomBytes(18).toString('base64url')}`;
const revocationsOf = (value: string) =>
  revocation.requests.filter((request) => new URLSearchParams(request.body).get('token') === value);

async function deletedEvent(connectionId: string) {
  const [deleted] = await eventually(
    async () =>
      (await publishedConnectionEvents(t, connectionId)).filter((e) => e.type === 'integration.connection_deleted'),
    (events) => expect(events).toHaveLength(1),
  );
  return deleted!;
}

describe('deleting a connection', () => {
  it('removes every trace in one go and publishes integration.connection_deleted; a second delete is 404', async () => {
    const admin = await tenantCaller(t.key);
    const created = await call(admin, 'POST', URL, {
      provider: 'stripe',
      credentials: { apiKey: token('sk_test_'), webhookSecret: token('whsec_') },
    });
    const { id } = created.json<{ id: string }>();
    await seedTraces(t, admin.tenantId, id);
    await t.redis.set(`integration:proxy:rate:${id}`, '3', 'EX', 60);
    await t.redis.set(`integration:proxy:cooldown:${id}`, '1', 'EX', 60);
    expect(await tracesOf(t, admin.tenantId, id)).toEqual({
      connections: 1,
      syncs: 2,
      runs: 2,
      records: 5,
      webhooks: 2,
      sessions: 1,
    });

    const stranger = await tenantCaller(t.key);
    expect((await call(stranger, 'DELETE', `${URL}/${id}`)).statusCode).toBe(404);
    expect((await tracesOf(t, admin.tenantId, id)).connections).toBe(1);

    const res = await call(admin, 'DELETE', `${URL}/${id}`);
    expect(res.statusCode, res.body).toBe(204);
    expect(await tracesOf(t, admin.tenantId, id)).toEqual({
      connections: 0,
      syncs: 0,
      runs: 0,
      records: 0,
      webhooks: 0,
      sessions: 0,
    });
    expect(await t.redis.exists(`integration:proxy:rate:${id}`, `integration:proxy:cooldown:${id}`)).toBe(0);
    expect(await deletedEvent(id)).toMatchObject({
      tenantId: admin.tenantId,
      data: { provider: 'stripe', revokedAtProvider: false },
    });
    expect((await call(admin, 'DELETE', `${URL}/${id}`)).statusCode).toBe(404);
    expect((await call(admin, 'GET', `${URL}/${id}`)).statusCode).toBe(404);
  });

  it('revokes an OAuth 2 grant at the provider’s RFC 7009 endpoint with the platform’s client', async () => {
    const admin = await tenantCaller(t.key);
    const refreshToken = token('rt_');
    const id = await storedConnection(t, ctx, {
      tenantId: admin.tenantId,
      provider: 'google_ads',
      credentials: { type: 'oauth2', accessToken: token('at_'), refreshToken, tokenType: 'Bearer', expiresAt: null },
    });
    expect((await call(admin, 'DELETE', `${URL}/${id}`)).statusCode).toBe(204);
    const [revoked] = revocationsOf(refreshToken);
    expect(revoked).toMatchObject({ method: 'POST', url: '/revoke' });
    expect(revoked!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    // google_ads authenticates its client in the body (client_secret_post).
    expect(Object.fromEntries(new URLSearchParams(revoked!.body))).toEqual({
      token: refreshToken,
      token_type_hint: 'refresh_token',
      client_id: GOOGLE_CLIENT.clientId,
      client_secret: GOOGLE_CLIENT.clientSecret,
    });
    expect(await deletedEvent(id)).toMatchObject({ data: { provider: 'google_ads', revokedAtProvider: true } });
  });

  it('revokes at a tenant’s own OAuth 2 provider with its own client (HTTP Basic), the access token when there is no refresh token', async () => {
    const admin = await tenantCaller(t.key);
    const provider = {
      key: 'acme_oauth',
      name: 'Acme',
      category: 'crm',
      auth: {
        type: 'oauth2',
        authorizationUrl: `${revocation.url}/authorize`,
        tokenUrl: `${revocation.url}/token`,
        revocationUrl: `${revocation.url}/oauth/revoke`,
        scopes: [],
        clientAuth: 'client_secret_basic',
      },
      baseUrl: revocation.url,
      rateLimit: { perSecond: 1, burst: 1 },
      webhooks: { scheme: 'none' },
      pagination: 'none',
      client: { clientId: 'acme client', clientSecret: 'acme:secret' },
    };
    expect((await call(admin, 'POST', '/api/v1/integrations/providers/custom', provider)).statusCode).toBe(201);
    const accessToken = token('at_');
    const id = await storedConnection(t, ctx, {
      tenantId: admin.tenantId,
      provider: 'acme_oauth',
      credentials: { type: 'oauth2', accessToken, refreshToken: null, tokenType: 'Bearer', expiresAt: null },
    });
    expect((await call(admin, 'DELETE', `${URL}/${id}`)).statusCode).toBe(204);
    const [revoked] = revocationsOf(accessToken);
    expect(revoked).toMatchObject({ url: '/oauth/revoke' });
    expect(revoked!.headers.authorization).toBe(
      `Basic ${Buffer.from('acme%20client:acme%3Asecret').toString('base64')}`,
    );
    expect(Object.fromEntries(new URLSearchParams(revoked!.body))).toEqual({
      token: accessToken,
      token_type_hint: 'access_token',
    });
    expect(await deletedEvent(id)).toMatchObject({ data: { provider: 'acme_oauth', revokedAtProvider: true } });
  });

  it('deletes the connection when the provider cannot revoke, and says so', async () => {
    const admin = await tenantCaller(t.key);
    const refreshToken = token('fail-');
    const id = await storedConnection(t, ctx, {
      tenantId: admin.tenantId,
      provider: 'google_ads',
      credentials: { type: 'oauth2', accessToken: token('at_'), refreshToken, tokenType: 'Bearer', expiresAt: null },
    });
    expect((await call(admin, 'DELETE', `${URL}/${id}`)).statusCode).toBe(204);
    expect(revocationsOf(refreshToken)).toHaveLength(1);
    expect((await tracesOf(t, admin.tenantId, id)).connections).toBe(0);
    expect(await deletedEvent(id)).toMatchObject({ data: { provider: 'google_ads', revokedAtProvider: false } });
  });
});
