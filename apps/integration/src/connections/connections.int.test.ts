import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '@bizosaas/db';
import type { IntegrationContext } from '../context.ts';
import { providersFeature } from '../providers/providers.routes.ts';
import { eventually, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { publishedConnectionEvents, storedConnection } from './connection-test-support.ts';
import { loadCredentials, type ConnectionView } from './connection-store.ts';
import { connectionsFeature } from './connections.routes.ts';

let t: TestApp;
let ctx: IntegrationContext;
beforeAll(async () => {
  t = await startTestApp(
    {},
    { features: [connectionsFeature, providersFeature, (_app, context) => void (ctx = context)] },
  );
});
afterAll(async () => {
  await t?.close();
});

const URL = '/api/v1/integrations/connections';
type Caller = Awaited<ReturnType<typeof tenantCaller>>;
const call = (caller: Caller, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object, headers = {}) =>
  t.app.inject({ method, url, headers: { ...caller.headers, ...headers }, ...(payload && { payload }) });

const secret = (prefix: string) => `${prefix}${randomBytes(18).toString('base64url')}`;
const stripeCredentials = () => ({ apiKey: secret('sk_test_'), webhookSecret: secret('whsec_') });

async function connectStripe(caller: Caller, credentials = stripeCredentials(), displayName?: string) {
  const res = await call(caller, 'POST', URL, { provider: 'stripe', credentials, ...(displayName && { displayName }) });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<ConnectionView>();
}

const rawCredentials = (tenantId: string, id: string) =>
  withTransaction(
    t.pool,
    async (client) =>
      (
        await client.query<{ credentials: Buffer }>('SELECT credentials FROM integration.connections WHERE id = $1', [
          id,
        ])
      ).rows[0]!.credentials,
    { tenantId },
  );
const credentialsOf = (tenantId: string, id: string) =>
  withTransaction(t.pool, (client) => loadCredentials(client, ctx, tenantId, id), { tenantId });

describe('API-key connections', () => {
  it('connects Stripe: the credentials are sealed in the row and never come back', async () => {
    const admin = await tenantCaller(t.key);
    const credentials = stripeCredentials();
    const res = await call(admin, 'POST', URL, { provider: 'stripe', credentials, displayName: 'Payments' });
    expect(res.statusCode, res.body).toBe(201);
    const connection = res.json<ConnectionView>();
    expect(connection).toMatchObject({
      provider: 'stripe',
      authType: 'api_key',
      status: 'active',
      displayName: 'Payments',
      scopes: [],
    });
    const reads = [res, await call(admin, 'GET', `${URL}/${connection.id}`), await call(admin, 'GET', URL)];
    for (const read of reads) {
      expect(read.body).not.toContain(credentials.apiKey);
      expect(read.body).not.toContain(credentials.webhookSecret);
    }
    const raw = await rawCredentials(admin.tenantId, connection.id);
    expect(raw.includes(credentials.apiKey)).toBe(false);
    expect(raw.includes(credentials.webhookSecret)).toBe(false);
    expect(await credentialsOf(admin.tenantId, connection.id)).toEqual({ type: 'api_key', ...credentials });

    const [created] = await eventually(
      () => publishedConnectionEvents(t, connection.id),
      (events) => expect(events).toHaveLength(1),
    );
    expect(created).toMatchObject({
      type: 'integration.connection_created',
      tenantId: admin.tenantId,
      data: { provider: 'stripe', authType: 'api_key', scopes: [], externalAccountId: null },
    });
  });

  it('asks Stripe for its webhook signing secret and sends OAuth 2 providers to connect sessions', async () => {
    const admin = await tenantCaller(t.key);
    const { apiKey } = stripeCredentials();
    const missing = await call(admin, 'POST', URL, { provider: 'stripe', credentials: { apiKey } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ details: { issues: [{ path: 'credentials.webhookSecret' }] } });
    const wrong = await call(admin, 'POST', URL, {
      provider: 'stripe',
      credentials: { apiKey, webhookSecret: 'sk_test_x' },
    });
    expect(wrong.json()).toMatchObject({ details: { issues: [{ message: expect.stringContaining('whsec_') }] } });
    expect(missing.body + wrong.body).not.toContain(apiKey);

    const oauth = await call(admin, 'POST', URL, { provider: 'hubspot', credentials: { apiKey } });
    expect(oauth.statusCode).toBe(422);
    expect(oauth.json()).toMatchObject({
      details: { rule: 'oauth_provider_needs_connect_session', provider: 'hubspot' },
      message: expect.stringContaining('/api/v1/integrations/connect-sessions'),
    });
    expect((await call(admin, 'POST', URL, { provider: 'nowhere', credentials: { apiKey } })).statusCode).toBe(404);
    expect((await call(admin, 'POST', URL, { provider: 'stripe', credentials: { apiKey }, extra: 1 })).statusCode).toBe(
      400,
    );

    const member = await tenantCaller(t.key, ['member'], admin.tenantId);
    const refused = await call(member, 'POST', URL, { nonsense: true });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: 'FORBIDDEN', details: { required: 'integrations:manage' } });
    expect((await call(member, 'GET', URL)).statusCode).toBe(403);
  });

  it('connects a tenant’s generic API-key provider with a key alone', async () => {
    const admin = await tenantCaller(t.key);
    const provider = {
      key: 'acme',
      name: 'Acme',
      category: 'other',
      auth: { type: 'api_key', header: 'X-Api-Key', format: '{key}' },
      baseUrl: 'https://api.acme.example',
      rateLimit: { perSecond: 5, burst: 5 },
      webhooks: { scheme: 'none' },
      pagination: 'none',
    };
    expect((await call(admin, 'POST', '/api/v1/integrations/providers/custom', provider)).statusCode).toBe(201);
    const apiKey = secret('acme_');
    const res = await call(admin, 'POST', URL, { provider: 'acme', credentials: { apiKey } });
    expect(res.statusCode, res.body).toBe(201);
    expect(await credentialsOf(admin.tenantId, res.json<ConnectionView>().id)).toEqual({ type: 'api_key', apiKey });
    const withSecret = await call(admin, 'POST', URL, {
      provider: 'acme',
      credentials: { apiKey, webhookSecret: 'whsec_x' },
    });
    expect(withSecret.json()).toMatchObject({ details: { issues: [{ path: 'credentials.webhookSecret' }] } });
  });
});

describe('the tenant’s connections', () => {
  it('lists them oldest first with provider and status filters, page by page', async () => {
    const admin = await tenantCaller(t.key);
    const first = await connectStripe(admin, stripeCredentials(), 'one');
    const second = await connectStripe(admin, stripeCredentials(), 'two');
    const oauth = await storedConnection(t, ctx, {
      tenantId: admin.tenantId,
      provider: 'hubspot',
      credentials: {
        type: 'oauth2',
        accessToken: secret('at_'),
        refreshToken: secret('rt_'),
        tokenType: 'Bearer',
        expiresAt: null,
      },
    });
    await withTransaction(
      t.pool,
      (client) => client.query("UPDATE integration.connections SET status = 'needs_reauth' WHERE id = $1", [oauth]),
      { tenantId: admin.tenantId },
    );
    const ids = async (query: string) => {
      const res = await call(admin, 'GET', `${URL}${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ items: ConnectionView[]; nextCursor: string | null }>();
    };
    expect((await ids('')).items.map((item) => item.id)).toEqual([first.id, second.id, oauth]);
    expect((await ids('?provider=stripe')).items.map((item) => item.id)).toEqual([first.id, second.id]);
    expect((await ids('?status=needs_reauth')).items.map((item) => item.id)).toEqual([oauth]);
    expect((await ids('?provider=stripe&status=needs_reauth')).items).toEqual([]);

    const page1 = await ids('?limit=2');
    expect(page1.items.map((item) => item.id)).toEqual([first.id, second.id]);
    const page2 = await ids(`?limit=2&cursor=${page1.nextCursor}`);
    expect(page2).toEqual({ items: [expect.objectContaining({ id: oauth, authType: 'oauth2' })], nextCursor: null });
    expect((await call(admin, 'GET', `${URL}?cursor=not-a-cursor`)).json()).toMatchObject({
      details: { issues: [{ path: 'cursor' }] },
    });
    expect((await call(admin, 'GET', `${URL}?colour=red`)).statusCode).toBe(400);
  });

  it('answers 404 for another tenant’s connection, whatever the route', async () => {
    const owner = await tenantCaller(t.key);
    const connection = await connectStripe(owner);
    const stranger = await tenantCaller(t.key);
    expect((await call(stranger, 'GET', `${URL}/${connection.id}`)).statusCode).toBe(404);
    expect(
      (await call(stranger, 'PUT', `${URL}/${connection.id}/credentials`, { apiKey: 'sk_test_other' })).statusCode,
    ).toBe(404);
    expect((await call(stranger, 'DELETE', `${URL}/${connection.id}`)).statusCode).toBe(404);
    expect((await call(stranger, 'GET', URL)).json()).toEqual({ items: [], nextCursor: null });
    expect((await call(owner, 'GET', `${URL}/${connection.id}`)).json()).toEqual(connection);
  });

  it('replaces an API key, keeping the webhook secret unless a new one is given', async () => {
    const admin = await tenantCaller(t.key);
    const original = stripeCredentials();
    const connection = await connectStripe(admin, original);
    const rotatedKey = secret('sk_test_');
    const res = await call(admin, 'PUT', `${URL}/${connection.id}/credentials`, { apiKey: rotatedKey });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: connection.id, status: 'active' });
    expect(res.body).not.toContain(rotatedKey);
    expect(await credentialsOf(admin.tenantId, connection.id)).toEqual({
      type: 'api_key',
      apiKey: rotatedKey,
      webhookSecret: original.webhookSecret,
    });
    const both = stripeCredentials();
    await call(admin, 'PUT', `${URL}/${connection.id}/credentials`, both);
    expect(await credentialsOf(admin.tenantId, connection.id)).toEqual({ type: 'api_key', ...both });

    const oauth = await storedConnection(t, ctx, {
      tenantId: admin.tenantId,
      provider: 'hubspot',
      credentials: { type: 'oauth2', accessToken: 'at', refreshToken: null, tokenType: 'Bearer', expiresAt: null },
    });
    expect((await call(admin, 'PUT', `${URL}/${oauth}/credentials`, { apiKey: rotatedKey })).json()).toMatchObject({
      details: { rule: 'oauth_connection_needs_reconnect' },
    });
  });

  it('connects once per Idempotency-Key', async () => {
    const admin = await tenantCaller(t.key);
    const body = { provider: 'stripe', credentials: stripeCredentials() };
    const key = { 'idempotency-key': `connect-${randomBytes(6).toString('hex')}` };
    const first = await call(admin, 'POST', URL, body, key);
    const again = await call(admin, 'POST', URL, body, key);
    expect(first.statusCode, first.body).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect((await call(admin, 'GET', URL)).json<{ items: unknown[] }>().items).toHaveLength(1);
    const reused = await call(admin, 'POST', URL, { ...body, displayName: 'other' }, key);
    expect(reused.json()).toMatchObject({ details: { rule: 'idempotency_key.reused' } });
  });
});
