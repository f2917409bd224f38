// What the OAuth tests share: the local authorization server wired in as HubSpot (and Google Ads),
// the app's context, the browser part of a connect flow, and reads of what was stored and published.
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { withTransaction } from '@bizosaas/db';
import { loadCredentials } from '../connections/connection-store.ts';
import type { Credentials } from '../connections/credentials.ts';
import type { FeatureModule, IntegrationContext } from '../context.ts';
import { expect, type TestApp } from '../test-support.ts';
import { followAuthorization, type OAuthServer } from '@bizosaas/auth/testing';

export const TEST_CLIENT = { clientId: 'bizosaas-test-app', clientSecret: randomBytes(24).toString('base64url') };
export const HUBSPOT_SCOPES = ['crm.objects.contacts.read', 'oauth'];
export const CALLBACK_PATH = '/api/v1/integrations/oauth/callback';

/** Environment moving providers' OAuth endpoints to local servers, with the test app's client. */
export function oauthEnv(servers: Record<string, OAuthServer>, publicBaseUrl: string): Record<string, string> {
  const overrides = Object.fromEntries(
    Object.entries(servers).map(([key, server]) => [
      key,
      {
        auth: {
          type: 'oauth2',
          authorizationUrl: server.authorizationUrl,
          tokenUrl: server.tokenUrl,
          revocationUrl: server.revocationUrl,
          scopes: HUBSPOT_SCOPES,
          clientAuth: 'client_secret_post',
          authorizationParams: {},
        },
      },
    ]),
  );
  const clients = Object.fromEntries(Object.keys(servers).map((key) => [key, TEST_CLIENT]));
  return {
    PUBLIC_BASE_URL: publicBaseUrl,
    PROVIDER_OVERRIDES: JSON.stringify(overrides),
    OAUTH_CLIENTS: JSON.stringify(clients),
  };
}

/** A feature that only keeps the context app.ts built (for calls the routes do not expose). */
export function contextProbe(): { feature: FeatureModule; ctx: () => IntegrationContext } {
  let captured: IntegrationContext | undefined;
  return {
    feature: (_app, ctx) => {
      captured = ctx;
    },
    ctx: () => captured!,
  };
}

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

export interface Caller {
  tenantId: string;
  headers: Record<string, string>;
}

/** Connect session through the API, the provider's consent by the "browser": the callback URL. */
export async function authorize(
  t: TestApp,
  caller: Caller,
  body: Record<string, unknown> | undefined,
  url = '/api/v1/integrations/connect-sessions',
): Promise<{ session: { id: string; authorizationUrl: string; expiresAt: string }; callback: URL }> {
  const response = await t.app.inject({ method: 'POST', url, headers: caller.headers, payload: body });
  expect(response.statusCode, response.body).toBe(201);
  const session = response.json();
  const callback = await followAuthorization(session.authorizationUrl, `${t.config.PUBLIC_BASE_URL}${CALLBACK_PATH}`);
  return { session, callback };
}

export const callbackRequest = (callback: URL) => ({
  method: 'GET' as const,
  url: `${callback.pathname}${callback.search}`,
});

/** The tenant's connections to the provider, newest first. */
export async function connectionIds(t: TestApp, tenantId: string, provider = 'hubspot'): Promise<string[]> {
  const { rows } = await withTransaction(
    t.pool,
    (client) =>
      client.query<{ id: string }>(
        'SELECT id FROM integration.connections WHERE provider = $1 ORDER BY created_at DESC, id',
        [provider],
      ),
    { tenantId },
  );
  return rows.map((row) => row.id);
}

/** The whole connect flow: the new connection's id. */
export async function connect(t: TestApp, caller: Caller, provider = 'hubspot'): Promise<string> {
  const { callback } = await authorize(t, caller, { provider });
  const done = await t.app.inject(callbackRequest(callback));
  expect(done.statusCode, done.body).toBe(200);
  return (await connectionIds(t, caller.tenantId, provider))[0]!;
}

/** The connection's row, straight from the table, in the tenant. */
export function connectionRow(t: TestApp, tenantId: string, id: string) {
  return withTransaction(
    t.pool,
    async (client) =>
      (
        await client.query<{ status: string; status_reason: string | null; refreshed_at: Date; row: string }>(
          `SELECT status, status_reason, refreshed_at, c::text AS row FROM integration.connections c WHERE id = $1`,
          [id],
        )
      ).rows[0]!,
    { tenantId },
  );
}

export function credentialsOf(ctx: IntegrationContext, tenantId: string, id: string): Promise<Credentials> {
  return withTransaction(ctx.pool, (client) => loadCredentials(client, ctx, tenantId, id), { tenantId });
}

/** Moves the stored expiry of the access token (the provider's own expiry is untouched). */
export function setAccessExpiry(t: TestApp, tenantId: string, id: string, at: Date) {
  return withTransaction(
    t.pool,
    (client) => client.query('UPDATE integration.connections SET access_expires_at = $2 WHERE id = $1', [id, at]),
    { tenantId },
  );
}

/** Moves when the credentials were last refreshed. */
export function setRefreshedAt(t: TestApp, tenantId: string, id: string, at: Date) {
  return withTransaction(
    t.pool,
    (client) => client.query('UPDATE integration.connections SET refreshed_at = $2 WHERE id = $1', [id, at]),
    { tenantId },
  );
}

/** Events the relay published on the aggregate type's stream of the app's namespace. */
export async function publishedEvents(redis: Redis, namespace: string, aggregateType: string) {
  const entries = await redis.xrange(`${namespace}:{${aggregateType}}`, '-', '+');
  return entries.map(([, fields]) => {
    const values = new Map<string, string>();
    for (let i = 0; i < fields.length; i += 2) values.set(fields[i]!, fields[i + 1]!);
    return { type: values.get('type'), aggregateId: values.get('aggregateId'), envelope: values.get('envelope') };
  });
}

/** Removes the tenants' connections and connect sessions. */
export async function forgetTenants(t: TestApp, tenantIds: readonly string[]): Promise<void> {
  for (const tenantId of tenantIds) {
    await withTransaction(
      t.pool,
      (client) => client.query('DELETE FROM integration.connections; DELETE FROM integration.connect_sessions'),
      { tenantId },
    );
  }
}
