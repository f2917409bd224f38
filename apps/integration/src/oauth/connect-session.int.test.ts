import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { withTransaction } from '@bizosaas/db';
import { insertConnection } from '../connections/connection-store.ts';
import { createCustomProvider } from '../providers/custom-provider-store.ts';
import { eventually, expect, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { followAuthorization, startOAuthServer, type OAuthServer } from '@bizosaas/auth/testing';
import { oauthFeature } from './oauth.routes.ts';
import { freshAccessToken } from './refresh.ts';
import {
  authorize,
  CALLBACK_PATH,
  callbackRequest,
  connect,
  connectionIds,
  connectionRow,
  contextProbe,
  credentialsOf,
  forgetTenants,
  freePort,
  HUBSPOT_SCOPES,
  oauthEnv,
  publishedEvents,
  setAccessExpiry,
  TEST_CLIENT,
  type Caller,
} from './oauth-test-support.ts';

// The app listens on a real port: the "browser" follows the provider's redirect to the callback.
let server: OAuthServer;
let t: TestApp;
let publicBaseUrl: string;
let clock: Date | null = null;
const probe = contextProbe();
const tenants: string[] = [];

async function newCaller(roles?: string[]): Promise<Caller> {
  const caller = await tenantCaller(t.key, roles);
  tenants.push(caller.tenantId);
  return caller;
}
const sessionRow = (tenantId: string, id: string) =>
  withTransaction(
    t.pool,
    async (client) =>
      (
        await client.query<{ used_at: Date | null; state_hash: string; row: string }>(
          'SELECT used_at, state_hash, s::text AS row FROM integration.connect_sessions s WHERE id = $1',
          [id],
        )
      ).rows[0]!,
    { tenantId },
  );

beforeAll(async () => {
  const port = await freePort();
  publicBaseUrl = `http://127.0.0.1:${port}`;
  server = await startOAuthServer({
    ...TEST_CLIENT,
    redirectUri: `${publicBaseUrl}${CALLBACK_PATH}`,
    scopes: HUBSPOT_SCOPES,
  });
  t = await startTestApp(oauthEnv({ hubspot: server }, publicBaseUrl), {
    features: [oauthFeature({ refresher: false }), probe.feature],
    now: () => clock ?? new Date(),
  });
  await t.app.listen({ port, host: '127.0.0.1' });
});
afterAll(async () => {
  if (t) await forgetTenants(t, tenants);
  await t?.close();
  await server?.close();
});

describe('OAuth 2 connect flow', () => {
  it('creates a connection through the provider round trip; tokens are sealed and in no response', async () => {
    const caller = await newCaller();
    const started = await t.app.inject({
      method: 'POST',
      url: '/api/v1/integrations/connect-sessions',
      headers: caller.headers,
      payload: { provider: 'hubspot' },
    });
    expect(started.statusCode).toBe(201);
    const session = started.json();
    const authorizationUrl = new URL(session.authorizationUrl);
    expect(authorizationUrl.origin + authorizationUrl.pathname).toBe(server.authorizationUrl);
    expect(Object.fromEntries(authorizationUrl.searchParams)).toMatchObject({
      client_id: TEST_CLIENT.clientId,
      redirect_uri: `${publicBaseUrl}${CALLBACK_PATH}`,
      response_type: 'code',
      scope: HUBSPOT_SCOPES.join(' '),
      code_challenge_method: 'S256',
    });
    const state = authorizationUrl.searchParams.get('state')!;
    const stored = await sessionRow(caller.tenantId, session.id);
    expect(stored.state_hash).toBe(createHash('sha256').update(state).digest('hex'));
    expect(stored.row).not.toContain(state);

    const callback = await followAuthorization(session.authorizationUrl, `${publicBaseUrl}${CALLBACK_PATH}`);
    expect(callback.searchParams.get('iss')).toBe(server.issuer);
    // Parameters the service does not know are ignored (RFC 6749 §4.1.2).
    callback.searchParams.set('utm_source', 'provider');
    const page = await fetch(callback);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('HubSpot connected');
    expect(server.tokenRequests()).toContain('authorization_code');

    const [connectionId] = await connectionIds(t, caller.tenantId);
    const credentials = await credentialsOf(probe.ctx(), caller.tenantId, connectionId!);
    if (credentials.type !== 'oauth2' || !credentials.refreshToken) throw new Error('expected OAuth 2 tokens');
    const row = await connectionRow(t, caller.tenantId, connectionId!);
    expect(row.status).toBe('active');
    for (const token of [credentials.accessToken, credentials.refreshToken]) {
      expect(row.row).not.toContain(token);
      expect(row.row).not.toContain(Buffer.from(token).toString('hex'));
      for (const body of [started.body, html, JSON.stringify(Object.fromEntries(page.headers))]) {
        expect(body).not.toContain(token);
      }
    }
    expect((await sessionRow(caller.tenantId, session.id)).used_at).not.toBeNull();

    const events = await eventually(
      () => publishedEvents(t.redis, t.config.EVENT_STREAM_NAMESPACE, 'integration_connection'),
      (found) => expect(found.map((event) => event.aggregateId)).toContain(connectionId),
    );
    const created = events.find((event) => event.aggregateId === connectionId)!;
    expect(created.type).toBe('integration.connection_created');
    expect(JSON.parse(created.envelope!).data).toEqual({
      provider: 'hubspot',
      authType: 'oauth2',
      scopes: HUBSPOT_SCOPES,
      externalAccountId: null,
    });
  });

  it('uses a state once: of two callbacks with the same state one connects, the other answers 400', async () => {
    const caller = await newCaller();
    const { callback } = await authorize(t, caller, { provider: 'hubspot' });
    const before = server.tokenRequests().length;
    const answers = await Promise.all([
      t.app.inject(callbackRequest(callback)),
      t.app.inject(callbackRequest(callback)),
    ]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 400]);
    const refused = answers.find((answer) => answer.statusCode === 400)!.json();
    expect(refused.error).toBe('VALIDATION_ERROR');
    expect(refused.details.issues).toEqual([{ path: 'state', message: 'was already used', location: 'query' }]);
    expect(await connectionIds(t, caller.tenantId)).toHaveLength(1);
    expect(server.tokenRequests().length - before).toBe(1);
  });

  it('refuses a state past its 10 minutes and stores nothing', async () => {
    const caller = await newCaller();
    const startedAt = new Date();
    clock = startedAt;
    try {
      const { session, callback } = await authorize(t, caller, { provider: 'hubspot' });
      expect(session.expiresAt).toBe(new Date(startedAt.getTime() + 600_000).toISOString());
      clock = new Date(startedAt.getTime() + 600_000);
      const before = server.tokenRequests().length;
      const answer = await t.app.inject(callbackRequest(callback));
      expect(answer.statusCode).toBe(400);
      expect(answer.json().details.issues[0]).toMatchObject({ path: 'state', message: 'has expired' });
      expect(server.tokenRequests().length).toBe(before);
      expect(await connectionIds(t, caller.tenantId)).toEqual([]);
      expect((await sessionRow(caller.tenantId, session.id)).used_at).toBeNull();
    } finally {
      clock = null;
    }
  });

  it("removes the tenant's sessions expired for a day when it starts another", async () => {
    const caller = await newCaller();
    const startedAt = Date.now();
    const start = async (at: number) => {
      clock = new Date(at);
      try {
        return (await authorize(t, caller, { provider: 'hubspot' })).session.id;
      } finally {
        clock = null;
      }
    };
    const old = await start(startedAt - 600_000 - 86_400_000 - 1);
    const recent = await start(startedAt - 600_000 - 86_400_000 + 60_000);
    await start(startedAt);
    const { rows } = await withTransaction(
      t.pool,
      (client) => client.query<{ id: string }>('SELECT id FROM integration.connect_sessions'),
      { tenantId: caller.tenantId },
    );
    expect(rows.map((row) => row.id)).not.toContain(old);
    expect(rows.map((row) => row.id)).toContain(recent);
    expect(rows).toHaveLength(2);
  });

  it('refuses a state whose signature does not hold, and one signed with another key', async () => {
    const caller = await newCaller();
    const { callback } = await authorize(t, caller, { provider: 'hubspot' });
    const state = callback.searchParams.get('state')!;
    const [keyId, payload, mac] = state.split('.') as [string, string, string];
    const forgedMac = `${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`;
    const otherKey = randomBytes(32).toString('base64url');
    for (const forged of [
      `${keyId}.${payload}.${forgedMac}`,
      `${keyId}.${payload}.${otherKey}`,
      `${keyId}.${payload}`,
    ]) {
      const tampered = new URL(callback);
      tampered.searchParams.set('state', forged);
      const answer = await t.app.inject(callbackRequest(tampered));
      expect(answer.statusCode).toBe(400);
      expect(answer.json().details.issues[0]).toEqual({
        path: 'state',
        message: 'does not carry the signature of this service',
        location: 'query',
      });
    }
    expect(await connectionIds(t, caller.tenantId)).toEqual([]);
    // The untouched state still completes.
    expect((await t.app.inject(callbackRequest(callback))).statusCode).toBe(200);
  });

  it("answers the provider's error=access_denied with 400 and leaves the session unused", async () => {
    const caller = await newCaller();
    const { session, callback } = await authorize(t, caller, { provider: 'hubspot' });
    const denied = new URL(`${publicBaseUrl}${CALLBACK_PATH}`);
    denied.searchParams.set('error', 'access_denied');
    denied.searchParams.set('error_description', 'The user denied the request');
    denied.searchParams.set('state', callback.searchParams.get('state')!);
    const answer = await t.app.inject(callbackRequest(denied));
    expect(answer.statusCode).toBe(400);
    expect(answer.json().details.issues[0]).toMatchObject({ path: 'error' });
    expect(answer.json().message).toContain('access_denied');
    expect(await connectionIds(t, caller.tenantId)).toEqual([]);
    expect((await sessionRow(caller.tenantId, session.id)).used_at).toBeNull();
  });

  it('sends the browser back to a platform page with the connection, and refuses a foreign page', async () => {
    const caller = await newCaller();
    const page = `${publicBaseUrl}/app/settings/integrations?tab=crm`;
    const { callback } = await authorize(t, caller, { provider: 'hubspot', redirectUri: page });
    const answer = await t.app.inject(callbackRequest(callback));
    expect(answer.statusCode).toBe(303);
    const [connectionId] = await connectionIds(t, caller.tenantId);
    const location = new URL(answer.headers.location as string);
    expect(`${location.origin}${location.pathname}`).toBe(`${publicBaseUrl}/app/settings/integrations`);
    expect(Object.fromEntries(location.searchParams)).toEqual({ tab: 'crm', connectionId, status: 'connected' });

    // Starts with the platform's URL, but the browser would go to evil.example.
    for (const elsewhere of [`${publicBaseUrl}@evil.example/steal`, 'https://evil.example/steal']) {
      const foreign = await t.app.inject({
        method: 'POST',
        url: '/api/v1/integrations/connect-sessions',
        headers: caller.headers,
        payload: { provider: 'hubspot', redirectUri: elsewhere },
      });
      expect(foreign.statusCode).toBe(400);
      expect(foreign.json().details.issues[0]).toMatchObject({ path: 'redirectUri', location: 'body' });
    }
  });

  it('reconnects an OAuth 2 connection in needs_reauth: same id, new tokens, active again', async () => {
    const caller = await newCaller();
    const connectionId = await connect(t, caller);
    const before = await credentialsOf(probe.ctx(), caller.tenantId, connectionId);
    await withTransaction(
      t.pool,
      (client) =>
        client.query(
          `UPDATE integration.connections SET status = 'needs_reauth', status_reason = 'invalid_grant' WHERE id = $1`,
          [connectionId],
        ),
      { tenantId: caller.tenantId },
    );
    const { callback } = await authorize(
      t,
      caller,
      undefined,
      `/api/v1/integrations/connections/${connectionId}/reconnect`,
    );
    const answer = await t.app.inject(callbackRequest(callback));
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toContain('HubSpot reconnected');
    expect(await connectionIds(t, caller.tenantId)).toEqual([connectionId]);
    const row = await connectionRow(t, caller.tenantId, connectionId);
    expect([row.status, row.status_reason]).toEqual(['active', null]);
    const after = await credentialsOf(probe.ctx(), caller.tenantId, connectionId);
    expect(after.type === 'oauth2' && before.type === 'oauth2' && after.accessToken !== before.accessToken).toBe(true);
  });

  it('refuses what cannot be connected by OAuth 2 with 422, and callers without integrations:manage with 403', async () => {
    const caller = await newCaller();
    const post = (url: string, payload?: object, headers = caller.headers) =>
      t.app.inject({ method: 'POST', url, headers, ...(payload && { payload }) });
    const ruleOf = (response: { json(): { details: { rule: string } } }) => response.json().details.rule;

    const stripe = await post('/api/v1/integrations/connect-sessions', { provider: 'stripe' });
    expect([stripe.statusCode, ruleOf(stripe)]).toEqual([422, 'provider_not_oauth2']);
    const googleAds = await post('/api/v1/integrations/connect-sessions', { provider: 'google_ads' });
    expect([googleAds.statusCode, ruleOf(googleAds)]).toEqual([422, 'oauth_app_not_configured']);
    const unknown = await post('/api/v1/integrations/connect-sessions', { provider: 'nope' });
    expect(unknown.statusCode).toBe(404);

    const apiKeyConnection = crypto.randomUUID();
    await withTransaction(
      t.pool,
      (client) =>
        insertConnection(
          client,
          probe.ctx(),
          {
            id: apiKeyConnection,
            tenantId: caller.tenantId,
            provider: 'stripe',
            credentials: { type: 'api_key', apiKey: 'sk_test_123' },
            scopes: [],
            externalAccountId: null,
            displayName: null,
          },
          new Date(),
        ),
      { tenantId: caller.tenantId },
    );
    const reconnect = await post(`/api/v1/integrations/connections/${apiKeyConnection}/reconnect`);
    expect([reconnect.statusCode, ruleOf(reconnect)]).toEqual([422, 'connection_not_oauth2']);
    expect(reconnect.json().message).toContain('PUT');
    const otherTenant = await newCaller();
    const foreign = await post(
      `/api/v1/integrations/connections/${apiKeyConnection}/reconnect`,
      undefined,
      otherTenant.headers,
    );
    expect(foreign.statusCode).toBe(404);

    const viewer = await newCaller(['viewer']);
    const forbidden = await post('/api/v1/integrations/connect-sessions', { provider: 'hubspot' }, viewer.headers);
    expect(forbidden.statusCode).toBe(403);
  });
});

describe("a tenant's own OAuth 2 provider", () => {
  it('connects and refreshes with the client the tenant registered (client_secret_basic)', async () => {
    const tenantClient = { clientId: 'acme-tenant-app', clientSecret: randomBytes(16).toString('hex') };
    const acme = await startOAuthServer({
      ...tenantClient,
      redirectUri: `${publicBaseUrl}${CALLBACK_PATH}`,
      scopes: ['contacts.read'],
      clientAuth: 'client_secret_basic',
    });
    try {
      const caller = await newCaller();
      const definition = {
        key: 'acme-crm',
        name: 'Acme CRM',
        category: 'crm' as const,
        auth: {
          type: 'oauth2' as const,
          authorizationUrl: acme.authorizationUrl,
          tokenUrl: acme.tokenUrl,
          scopes: ['contacts.read'],
          clientAuth: 'client_secret_basic' as const,
          authorizationParams: {},
        },
        baseUrl: acme.issuer,
        refresh: { aheadMs: 300_000, everyMs: 86_400_000 },
        rateLimit: { perSecond: 5, burst: 10 },
        webhooks: { scheme: 'none' as const, toleranceSeconds: 300 },
        pagination: 'none' as const,
      };
      await withTransaction(
        t.pool,
        (client) =>
          createCustomProvider(
            client,
            probe.ctx(),
            caller.tenantId,
            { ...definition, client: tenantClient },
            new Date(),
          ),
        { tenantId: caller.tenantId },
      );
      const { session, callback } = await authorize(t, caller, { provider: 'acme-crm' });
      expect(new URL(session.authorizationUrl).searchParams.get('client_id')).toBe(tenantClient.clientId);
      expect((await t.app.inject(callbackRequest(callback))).body).toContain('Acme CRM connected');
      const [connectionId] = await connectionIds(t, caller.tenantId, 'acme-crm');
      await setAccessExpiry(t, caller.tenantId, connectionId!, new Date(Date.now() - 1000));
      const token = await freshAccessToken(probe.ctx(), caller.tenantId, connectionId!);
      const stored = await credentialsOf(probe.ctx(), caller.tenantId, connectionId!);
      expect(stored.type === 'oauth2' && stored.accessToken).toBe(token.accessToken);
      expect(acme.tokenRequests()).toEqual(['authorization_code', 'refresh_token']);
    } finally {
      await acme.close();
    }
  });
});
