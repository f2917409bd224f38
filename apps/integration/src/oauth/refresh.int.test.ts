import { afterAll, beforeAll, describe, it } from 'vitest';
import { eventually, expect, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { startOAuthServer, type OAuthServer } from '@bizosaas/auth/testing';
import { oauthFeature } from './oauth.routes.ts';
import { freshAccessToken, refreshConnection } from './refresh.ts';
import { refreshDueConnections } from './refresher.ts';
import {
  CALLBACK_PATH,
  connect,
  connectionRow,
  contextProbe,
  credentialsOf,
  forgetTenants,
  HUBSPOT_SCOPES,
  oauthEnv,
  publishedEvents,
  setAccessExpiry,
  setRefreshedAt,
  TEST_CLIENT,
  type Caller,
} from './oauth-test-support.ts';

// HubSpot's stand-in rotates refresh tokens; Google Ads' answers refreshes without one, as Google does.
// Expiry is moved on the connection's row (the apps keep the real clock).
const PUBLIC_BASE_URL = 'http://127.0.0.1:8080';
let hubspot: OAuthServer;
let googleAds: OAuthServer;
let env: Record<string, string>;
let first: TestApp;
let second: TestApp;
const probes = [contextProbe(), contextProbe()] as const;
const tenants: string[] = [];

async function newCaller(): Promise<Caller> {
  const caller = await tenantCaller(first.key);
  tenants.push(caller.tenantId);
  return caller;
}
const inMs = (ms: number) => new Date(Date.now() + ms);
async function oauth2(tenantId: string, connectionId: string) {
  const credentials = await credentialsOf(probes[0].ctx(), tenantId, connectionId);
  if (credentials.type !== 'oauth2') throw new Error('expected OAuth 2 credentials');
  return credentials;
}
const failureOf = (run: () => Promise<unknown>) =>
  run().then(
    () => undefined,
    (error: unknown) => error as { code: string; status: number; details: Record<string, unknown>; message: string },
  );

beforeAll(async () => {
  const redirectUri = `${PUBLIC_BASE_URL}${CALLBACK_PATH}`;
  [hubspot, googleAds] = await Promise.all([
    startOAuthServer({ ...TEST_CLIENT, redirectUri, scopes: HUBSPOT_SCOPES }),
    startOAuthServer({ ...TEST_CLIENT, redirectUri, scopes: HUBSPOT_SCOPES, refreshTokens: 'omit' }),
  ]);
  env = oauthEnv({ hubspot, google_ads: googleAds }, PUBLIC_BASE_URL);
  // Two replicas of the service on the same database.
  const replica = (probe: (typeof probes)[number]) =>
    startTestApp(env, { features: [oauthFeature({ refresher: false }), probe.feature] });
  [first, second] = await Promise.all([replica(probes[0]), replica(probes[1])]);
});
afterAll(async () => {
  if (first) await forgetTenants(first, tenants);
  await Promise.allSettled([first?.close(), second?.close()]);
  await Promise.allSettled([hubspot?.close(), googleAds?.close()]);
});

describe('freshAccessToken', () => {
  it('answers the stored token without a token request while it is not due', async () => {
    const caller = await newCaller();
    const id = await connect(first, caller);
    const before = hubspot.tokenRequests().length;
    const token = await freshAccessToken(probes[0].ctx(), caller.tenantId, id);
    expect(token).toEqual({ accessToken: (await oauth2(caller.tenantId, id)).accessToken, tokenType: 'Bearer' });
    expect(hubspot.tokenRequests().length).toBe(before);
  });

  it('refreshes ahead of expiry and keeps the old refresh token when the answer has none', async () => {
    const caller = await newCaller();
    const id = await connect(first, caller, 'google_ads');
    const granted = await oauth2(caller.tenantId, id);
    await setAccessExpiry(first, caller.tenantId, id, inMs(60_000)); // inside the 5 minutes ahead
    const token = await freshAccessToken(probes[0].ctx(), caller.tenantId, id);
    const refreshed = await oauth2(caller.tenantId, id);
    expect(token.accessToken).toBe(refreshed.accessToken);
    expect(refreshed.accessToken).not.toBe(granted.accessToken);
    expect(refreshed.refreshToken).toBe(granted.refreshToken);
    expect(googleAds.tokenRequests().slice(-2)).toEqual(['authorization_code', 'refresh_token']);
    // The kept refresh token still works at the provider.
    await setAccessExpiry(first, caller.tenantId, id, inMs(-1000));
    const again = await freshAccessToken(probes[0].ctx(), caller.tenantId, id);
    expect(again.accessToken).not.toBe(token.accessToken);
    expect((await connectionRow(first, caller.tenantId, id)).status).toBe('active');
  });

  it('stores the rotated refresh token of a provider that rotates them', async () => {
    const caller = await newCaller();
    const id = await connect(first, caller);
    const granted = await oauth2(caller.tenantId, id);
    await setAccessExpiry(first, caller.tenantId, id, inMs(-1000));
    await freshAccessToken(probes[0].ctx(), caller.tenantId, id);
    const refreshed = await oauth2(caller.tenantId, id);
    expect(refreshed.refreshToken).not.toBeNull();
    expect(refreshed.refreshToken).not.toBe(granted.refreshToken);
  });

  it('makes exactly one token request for 50 concurrent callers on two replicas with an expired token', async () => {
    const caller = await newCaller();
    const id = await connect(first, caller);
    const expired = await oauth2(caller.tenantId, id);
    await setAccessExpiry(first, caller.tenantId, id, inMs(-1000));
    const before = hubspot.tokenRequests().length;
    hubspot.delayTokenResponses(200);
    try {
      const tokens = await Promise.all(
        Array.from({ length: 50 }, (_, i) => freshAccessToken(probes[i % 2]!.ctx(), caller.tenantId, id)),
      );
      expect(hubspot.tokenRequests().slice(before)).toEqual(['refresh_token']);
      const stored = await oauth2(caller.tenantId, id);
      expect(stored.accessToken).not.toBe(expired.accessToken);
      expect(new Set(tokens.map((token) => token.accessToken))).toEqual(new Set([stored.accessToken]));
    } finally {
      hubspot.delayTokenResponses(0);
    }
  });

  it('tries a provider outage again with backoff and keeps the connection active', async () => {
    const caller = await newCaller();
    const id = await connect(first, caller);
    await setAccessExpiry(first, caller.tenantId, id, inMs(-1000));
    const before = hubspot.tokenRequests().length;
    hubspot.failNextTokenRequests(2, 503);
    const token = await freshAccessToken(probes[0].ctx(), caller.tenantId, id);
    expect(hubspot.tokenRequests().slice(before)).toEqual(['(failed)', '(failed)', 'refresh_token']);
    expect(token.accessToken).toBe((await oauth2(caller.tenantId, id)).accessToken);

    // Still down after the retries: an expired token is 503, a token still valid is used meanwhile.
    await setAccessExpiry(first, caller.tenantId, id, inMs(-1000));
    hubspot.failNextTokenRequests(3, 502);
    const unavailable = await failureOf(() => freshAccessToken(probes[0].ctx(), caller.tenantId, id));
    expect([unavailable?.code, unavailable?.status]).toEqual(['SERVICE_UNAVAILABLE', 503]);
    await setAccessExpiry(first, caller.tenantId, id, inMs(60_000));
    hubspot.failNextTokenRequests(3, 500);
    const outcome = await refreshConnection(probes[0].ctx(), caller.tenantId, id);
    expect(outcome.kind).toBe('deferred');
    const row = await connectionRow(first, caller.tenantId, id);
    expect([row.status, row.status_reason]).toEqual(['active', null]);
    const broken = await publishedEvents(first.redis, first.config.EVENT_STREAM_NAMESPACE, 'integration_connection');
    expect(broken.filter((event) => event.aggregateId === id).map((event) => event.type)).toEqual([
      'integration.connection_created',
    ]);
  });
});

describe('the background refresher', () => {
  it('marks a grant revoked at the provider needs_reauth within one cycle, publishes it, and never calls again', async () => {
    const caller = await newCaller();
    const id = await connect(first, caller);
    hubspot.revokeAll();
    await setAccessExpiry(first, caller.tenantId, id, inMs(60_000));
    const refresher = contextProbe();
    const third = await startTestApp(env, {
      features: [oauthFeature({ refreshIntervalMs: 50 }), refresher.feature],
    });
    try {
      const row = await eventually(
        () => connectionRow(first, caller.tenantId, id),
        (found) => expect(found.status).toBe('needs_reauth'),
      );
      expect(row.status_reason).toMatch(/^invalid_grant: the provider answered invalid_grant/);
      const events = await eventually(
        () => publishedEvents(third.redis, third.config.EVENT_STREAM_NAMESPACE, 'integration_connection'),
        (found) => expect(found.map((event) => event.aggregateId)).toContain(id),
      );
      const broken = events.find((event) => event.aggregateId === id)!;
      expect(broken.type).toBe('integration.connection_broken');
      expect(JSON.parse(broken.envelope!).data).toMatchObject({ provider: 'hubspot', reason: 'invalid_grant' });
    } finally {
      await third.close();
    }

    const before = hubspot.tokenRequests().length;
    await refreshDueConnections(probes[1].ctx());
    const refused = await failureOf(() => freshAccessToken(probes[0].ctx(), caller.tenantId, id));
    expect([refused?.status, refused?.details.rule]).toEqual([422, 'connection_needs_reauth']);
    const forced = await failureOf(() => refreshConnection(probes[1].ctx(), caller.tenantId, id));
    expect(forced?.details.rule).toBe('connection_needs_reauth');
    expect(hubspot.tokenRequests().length).toBe(before);
  });

  it('refreshes a connection not refreshed for a day, even with a long-lived access token', async () => {
    const caller = await newCaller();
    const id = await connect(first, caller);
    const granted = await oauth2(caller.tenantId, id);
    await setAccessExpiry(first, caller.tenantId, id, inMs(30 * 86_400_000));
    await setRefreshedAt(first, caller.tenantId, id, inMs(-25 * 3_600_000));
    const cycle = await refreshDueConnections(probes[0].ctx());
    expect(cycle.refreshed).toBeGreaterThanOrEqual(1);
    expect((await oauth2(caller.tenantId, id)).accessToken).not.toBe(granted.accessToken);
  });
});
