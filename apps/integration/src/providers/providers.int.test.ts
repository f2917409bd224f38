import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '@bizosaas/db';
import { openApiProblems } from '@bizosaas/service-kit/testing';
import { insertConnection } from '../connections/connection-store.ts';
import type { IntegrationContext } from '../context.ts';
import { startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { oauthClientOf } from './oauth-client.ts';
import { providersFeature } from './providers.routes.ts';

const OVERRIDES = { stripe: { baseUrl: 'http://127.0.0.1:9/stripe' } };
const CLIENTS = { hubspot: { clientId: 'platform-hubspot', clientSecret: 'platform-hubspot-secret' } };

let t: TestApp;
let ctx: IntegrationContext;
beforeAll(async () => {
  t = await startTestApp(
    { PROVIDER_OVERRIDES: JSON.stringify(OVERRIDES), OAUTH_CLIENTS: JSON.stringify(CLIENTS) },
    { features: [providersFeature, (_app, context) => void (ctx = context)] },
  );
});
afterAll(async () => {
  await t?.close();
});

const URL = '/api/v1/integrations/providers';
const CUSTOM = `${URL}/custom`;
const SECRET = 'acme-client-secret-0123456789';

type Caller = Awaited<ReturnType<typeof tenantCaller>>;
const call = (caller: Caller, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: caller.headers, ...(payload && { payload }) });

const apiKeyProvider = (key: string) => ({
  key,
  name: 'Acme CRM',
  category: 'crm',
  auth: { type: 'api_key', header: 'X-Api-Key', format: '{key}' },
  baseUrl: 'https://api.acme.example/v2',
  rateLimit: { perSecond: 5, burst: 10 },
  webhooks: { scheme: 'none' },
  pagination: 'cursor',
});
const oauthProvider = (key: string) => ({
  ...apiKeyProvider(key),
  name: 'Acme OAuth',
  auth: {
    type: 'oauth2',
    authorizationUrl: 'https://login.acme.example/authorize',
    tokenUrl: 'https://login.acme.example/token',
    revocationUrl: 'https://login.acme.example/revoke',
    scopes: ['contacts.read'],
  },
  client: { clientId: 'acme-client', clientSecret: SECRET },
});

/** The stored document and the client the platform would present, read in the tenant. */
const stored = (tenantId: string, key: string) =>
  withTransaction(
    t.pool,
    async (client) => ({
      definition: (
        await client.query<{ definition: Record<string, unknown> }>(
          'SELECT definition FROM integration.custom_providers WHERE key = $1',
          [key],
        )
      ).rows[0]?.definition,
      oauthClient: await oauthClientOf(ctx, client, tenantId, key),
    }),
    { tenantId },
  );

describe('providers', () => {
  it('lists the built-in providers with the overrides applied, and the tenant’s own, to any signed-in user', async () => {
    const admin = await tenantCaller(t.key);
    expect((await call(admin, 'POST', CUSTOM, apiKeyProvider('acme'))).statusCode).toBe(201);
    const member = await tenantCaller(t.key, ['member'], admin.tenantId);
    const res = await call(member, 'GET', URL);
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json<{
      items: { key: string; source: string; baseUrl: string; clientConfigured: boolean | null }[];
    }>().items;
    expect(items.map((item) => [item.key, item.source])).toEqual([
      ['hubspot', 'built_in'],
      ['google_ads', 'built_in'],
      ['meta_ads', 'built_in'],
      ['stripe', 'built_in'],
      ['acme', 'custom'],
    ]);
    expect(items.find((item) => item.key === 'stripe')).toMatchObject({
      baseUrl: OVERRIDES.stripe.baseUrl,
      clientConfigured: null,
    });
    expect(items.find((item) => item.key === 'hubspot')).toMatchObject({
      clientConfigured: true,
      rateLimit: { perSecond: 10 },
    });
    expect(items.find((item) => item.key === 'google_ads')).toMatchObject({ clientConfigured: false });
    expect(res.body).not.toContain('platform-hubspot-secret');

    const other = await tenantCaller(t.key, ['member']);
    expect(
      (await call(other, 'GET', URL)).json<{ items: { key: string }[] }>().items.map((item) => item.key),
    ).not.toContain('acme');
  });
});

describe('custom providers', () => {
  it('keeps an OAuth 2 provider’s client secret sealed in its document and never returns it', async () => {
    const admin = await tenantCaller(t.key);
    const created = await call(admin, 'POST', CUSTOM, oauthProvider('acme_oauth'));
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      key: 'acme_oauth',
      source: 'custom',
      clientConfigured: true,
      clientId: 'acme-client',
    });
    const reads = await Promise.all([
      call(admin, 'GET', `${CUSTOM}/acme_oauth`),
      call(admin, 'GET', CUSTOM),
      call(admin, 'GET', URL),
    ]);
    for (const res of [created, ...reads]) {
      expect(res.statusCode).toBeLessThan(300);
      expect(res.body).not.toContain(SECRET);
      expect(res.body).not.toContain('clientSecret');
    }
    const { definition, oauthClient } = await stored(admin.tenantId, 'acme_oauth');
    expect(JSON.stringify(definition)).not.toContain(SECRET);
    expect(definition).toMatchObject({ client: { clientId: 'acme-client', dataKeyVersion: 1 } });
    expect(oauthClient).toEqual({ clientId: 'acme-client', clientSecret: SECRET });

    const other = await tenantCaller(t.key);
    expect((await call(other, 'GET', `${CUSTOM}/acme_oauth`)).statusCode).toBe(404);
  });

  it('replaces a provider, keeping the client secret unless a new one is given', async () => {
    const admin = await tenantCaller(t.key);
    const { key: _key, client: _client, ...definition } = oauthProvider('acme_put');
    expect((await call(admin, 'POST', CUSTOM, oauthProvider('acme_put'))).statusCode).toBe(201);

    const renamed = await call(admin, 'PUT', `${CUSTOM}/acme_put`, { ...definition, name: 'Acme renamed' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ key: 'acme_put', name: 'Acme renamed', clientId: 'acme-client' });
    expect((await stored(admin.tenantId, 'acme_put')).oauthClient).toEqual({
      clientId: 'acme-client',
      clientSecret: SECRET,
    });

    await call(admin, 'PUT', `${CUSTOM}/acme_put`, { ...definition, client: { clientId: 'acme-client-2' } });
    expect((await stored(admin.tenantId, 'acme_put')).oauthClient).toEqual({
      clientId: 'acme-client-2',
      clientSecret: SECRET,
    });

    const rotated = await call(admin, 'PUT', `${CUSTOM}/acme_put`, {
      ...definition,
      client: { clientId: 'acme-client-2', clientSecret: 'rotated-secret-9876543210' },
    });
    expect(rotated.body).not.toContain('rotated-secret');
    expect((await stored(admin.tenantId, 'acme_put')).oauthClient?.clientSecret).toBe('rotated-secret-9876543210');
  });

  it('refuses a built-in key, a key taken, a missing or misplaced client and a URL the platform may not call', async () => {
    const admin = await tenantCaller(t.key);
    const shadow = await call(admin, 'POST', CUSTOM, apiKeyProvider('stripe'));
    expect(shadow.statusCode).toBe(422);
    expect(shadow.json()).toMatchObject({
      error: 'BUSINESS_RULE_VIOLATION',
      details: { rule: 'provider_key_reserved' },
    });

    expect((await call(admin, 'POST', CUSTOM, apiKeyProvider('acme_twice'))).statusCode).toBe(201);
    expect((await call(admin, 'POST', CUSTOM, apiKeyProvider('acme_twice'))).json()).toMatchObject({
      details: { rule: 'custom_provider_exists' },
    });

    const { client: _client, ...noClient } = oauthProvider('acme_no_client');
    const missing = await call(admin, 'POST', CUSTOM, noClient);
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ details: { issues: [{ path: 'client' }] } });
    const misplaced = await call(admin, 'POST', CUSTOM, {
      ...apiKeyProvider('acme_misplaced'),
      client: { clientId: 'a', clientSecret: 'b' },
    });
    expect(misplaced.json()).toMatchObject({ details: { issues: [{ path: 'client' }] } });

    const metadata = await call(admin, 'POST', CUSTOM, {
      ...apiKeyProvider('acme_ssrf'),
      baseUrl: 'http://169.254.169.254/latest',
    });
    expect(metadata.statusCode).toBe(400);
    expect(metadata.json()).toMatchObject({
      details: { issues: [{ path: 'baseUrl', message: expect.stringContaining('metadata') }] },
    });

    const member = await tenantCaller(t.key, ['member'], admin.tenantId);
    expect((await call(member, 'POST', CUSTOM, { nonsense: true })).statusCode).toBe(403);
    expect((await call(admin, 'GET', `${CUSTOM}/acme_ssrf`)).statusCode).toBe(404);
  });

  it('refuses to delete or retype a provider connections use, and deletes it once they are gone', async () => {
    const admin = await tenantCaller(t.key);
    expect((await call(admin, 'POST', CUSTOM, apiKeyProvider('acme_del'))).statusCode).toBe(201);
    const connectionId = randomUUID();
    await withTransaction(
      t.pool,
      (client) =>
        insertConnection(
          client,
          ctx,
          {
            id: connectionId,
            tenantId: admin.tenantId,
            provider: 'acme_del',
            credentials: { type: 'api_key', apiKey: 'acme-key-0123456789' },
            scopes: [],
            externalAccountId: null,
            displayName: null,
          },
          new Date(),
        ),
      { tenantId: admin.tenantId },
    );
    const inUse = await call(admin, 'DELETE', `${CUSTOM}/acme_del`);
    expect(inUse.statusCode).toBe(422);
    expect(inUse.json()).toMatchObject({ details: { rule: 'provider_in_use', connections: 1 } });
    const { key: _key, client: _client, ...oauth } = oauthProvider('acme_del');
    expect((await call(admin, 'PUT', `${CUSTOM}/acme_del`, { ...oauth, client: _client })).json()).toMatchObject({
      details: { rule: 'provider_in_use' },
    });

    await withTransaction(
      t.pool,
      (client) => client.query('DELETE FROM integration.connections WHERE id = $1', [connectionId]),
      {
        tenantId: admin.tenantId,
      },
    );
    expect((await call(admin, 'DELETE', `${CUSTOM}/acme_del`)).statusCode).toBe(204);
    expect((await call(admin, 'GET', `${CUSTOM}/acme_del`)).statusCode).toBe(404);
    expect((await call(admin, 'DELETE', `${CUSTOM}/acme_del`)).statusCode).toBe(404);
  });

  it('documents its routes in an OpenAPI document that passes spectral:oas', async () => {
    expect(await openApiProblems((await t.app.inject({ url: '/docs/json' })).json())).toEqual([]);
  });
});
