// The integration journey through the gateway (issue 18, "Done when"): user-management, the
// api-gateway, event-bus and two integration replicas (one database, one Redis, one stream
// namespace the event-bus archives) as real processes from their bundles (built beforehand:
// `node tools/build.mjs api-gateway user-management integration event-bus`). HubSpot is played
// by the real authorization server of the integration tests (oidc-provider) behind a token
// endpoint that notes every token it issues, and by a local CRM API accepting those tokens.
// Clients go through the gateway with a registered owner's token; half of the proxied calls go
// straight to the second replica with the same token.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { redisUrl } from '@bizosaas/messaging/testing';
import { followAuthorization, startOAuthServer, type OAuthServer } from '@bizosaas/auth/testing';
import { startCrmApi, startTokenRecorder, stripeSignature } from './integration-provider-servers.ts';
import { eventually, freePort, start, untilReady, type Started } from './processes.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
// The keys the shared test database's signing keys and data keys are sealed with (as in the apps'
// test-support: user-management's KEK, integration's TEST_MASTER_KEY, event-bus's master keys).
const TEST_KEK = Buffer.alloc(32, 'bizosaas-test-kek').toString('base64');
const INTEGRATION_MASTER_KEYS = JSON.stringify({
  'test-1': Buffer.alloc(32, 'integration-test-master').toString('base64'),
});
const EVENTBUS_MASTER_KEYS = JSON.stringify({
  'test-1': 'zUqu+KRylrD/lCRSwiOUe2EDur/NH1mELaM5lJIrTiw=',
  'test-2': 'rgAUabXIXlYt94d+Q2lFX9oN7i2+ySNi2iAZVXW2LR8=',
});
const CALLBACK_PATH = '/api/v1/integrations/oauth/callback';
const CLIENT = { clientId: 'bizosaas-e2e', clientSecret: randomBytes(24).toString('base64url') };
// Access tokens live 3 s: well inside HubSpot's 5-minute refresh-ahead window, so every cycle of
// the refresher finds the grant due.
const TOKEN_TTL_SECONDS = 3;
const run = randomUUID().slice(0, 8);
const namespace = `test:e2i:${run}:events`;
const ports = { gateway: 0, users: 0, first: 0, second: 0, bus: 0 };
const processes: Started[] = [];
const replicas: Started[] = [];
const output = () => processes.map((p) => p.output()).join('\n');
/** The end of the processes' output, for failure messages. */
const recentOutput = () => output().slice(-4000);
/** Every header and body the platform answered, for the check that no token is among them. */
const received: string[] = [];
/** Credentials the test gave the platform (API keys, signing secrets): never to show either. */
const given: string[] = [];
/** Secrets that travel in answers but must never be logged or stored. */
const loggedNever: string[] = [];
let oauth: OAuthServer;
let tokens: Awaited<ReturnType<typeof startTokenRecorder>>;
let crm: Awaited<ReturnType<typeof startCrmApi>>;
let owner: { tenantId: string; token: string };

/** A string body is sent as it is (signed bytes), an object as JSON. */
type CallOptions = { token?: string; body?: object | string; port?: number; headers?: Record<string, string> };
/** One call through the gateway (or at `port`); JSON answers parsed, others as text. */
async function api(method: string, path: string, options: CallOptions = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body) headers['content-type'] = 'application/json';
  const res = await fetch(`http://127.0.0.1:${options.port ?? ports.gateway}${path}`, {
    method,
    headers,
    body: typeof options.body === 'string' ? options.body : options.body && JSON.stringify(options.body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  received.push(JSON.stringify([...res.headers]), text);
  const json = res.headers.get('content-type')?.includes('json') && text;
  return { status: res.status, body: (json ? JSON.parse(json) : text) as Record<string, any> };
}
const as = (token: string, options: CallOptions = {}) => ({ token, ...options });

function startApp(app: string, port: number, env: Record<string, string>): Started {
  const started = start(process.execPath, [`${root}apps/${app}/dist/main.js`], {
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    REDIS_URL: redisUrl,
    DATABASE_URL: inject('appDatabaseUrl'),
    WORKER_DATABASE_URL: inject('workerDatabaseUrl'),
    JWKS_URL: `http://127.0.0.1:${ports.users}/.well-known/jwks.json`,
    ...env,
  });
  processes.push(started);
  return started;
}
const ready = (port: number) => untilReady(`http://127.0.0.1:${port}`, 30_000, recentOutput);

/** Both integration replicas; `refresh` is HubSpot's refresh rule (its built-in one when absent). */
async function startReplicas(refreshIntervalMs: number, refresh?: { aheadMs: number; everyMs: number }) {
  const hubspot = {
    auth: {
      type: 'oauth2',
      authorizationUrl: oauth.authorizationUrl,
      tokenUrl: tokens.url,
      revocationUrl: oauth.revocationUrl,
      scopes: ['crm.objects.contacts.read', 'oauth'],
      clientAuth: 'client_secret_post',
      authorizationParams: {},
    },
    baseUrl: crm.url,
    ...(refresh && { refresh }),
  };
  for (const [n, port] of [ports.first, ports.second].entries()) {
    const replica = startApp('integration', port, {
      INTEGRATION_MASTER_KEYS,
      CONSUMER_NAME: `e2i-${run}-${n + 1}`,
      OUTBOUND_ALLOWED_CIDRS: '127.0.0.0/8',
      PUBLIC_BASE_URL: `http://127.0.0.1:${ports.gateway}`,
      PROVIDER_OVERRIDES: JSON.stringify({ hubspot }),
      OAUTH_CLIENTS: JSON.stringify({ hubspot: CLIENT }),
      OAUTH_REFRESH_INTERVAL_MS: String(refreshIntervalMs),
      EVENT_STREAM_NAMESPACE: namespace,
    });
    replicas.push(replica);
  }
  await Promise.all([ready(ports.first), ready(ports.second)]);
}

/** The connect flow through the gateway, the authorization server's consent by the "browser". */
async function connectHubspot(): Promise<string> {
  const listed = async () =>
    (await api('GET', '/api/v1/integrations/connections', as(owner.token))).body.items as { id: string }[];
  const known = new Set((await listed()).map((connection) => connection.id));
  const session = await api(
    'POST',
    '/api/v1/integrations/connect-sessions',
    as(owner.token, { body: { provider: 'hubspot' } }),
  );
  expect(session.status, JSON.stringify(session.body)).toBe(201);
  const callback = await followAuthorization(
    session.body.authorizationUrl,
    `http://127.0.0.1:${ports.gateway}${CALLBACK_PATH}`,
  );
  // The code and state are credentials too: no log line may hold them (the answers do: they travel in the redirect).
  loggedNever.push(callback.searchParams.get('code') ?? '', callback.searchParams.get('state') ?? '');
  const page = await api('GET', `${callback.pathname}${callback.search}`);
  expect(page.status, JSON.stringify(page.body)).toBe(200);
  expect(page.body).toContain('HubSpot connected');
  const created = (await listed()).filter((connection) => !known.has(connection.id));
  expect(created).toHaveLength(1);
  return created[0]!.id;
}

/** 16-character pieces covering the whole secret: a leak of 24 characters or more contains one. */
const piecesOf = (secret: string) =>
  Array.from({ length: Math.ceil((secret.length - 16) / 8) + 1 }, (_, i) => Math.min(i * 8, secret.length - 16)).map(
    (start) => secret.slice(start, start + 16),
  );

/** No byte run of an issued token or the client secret in answers, process output or the dump. */
function expectNoTokenBytes(): void {
  const secrets = [
    CLIENT.clientSecret,
    ...given,
    ...tokens.issued().flatMap((token) => [token.accessToken, token.refreshToken ?? '']),
  ].filter((secret) => secret.length >= 16);
  expect(secrets.length).toBeGreaterThanOrEqual(3);
  const dump = execFileSync('pg_dump', ['--data-only', '--schema=integration', inject('ownerDatabaseUrl')], {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  expect(dump).toContain('COPY integration.connections');
  const places = { answers: received.join('\n'), logs: output(), pg_dump: dump };
  const leaks = Object.entries(places).flatMap(([place, text]) =>
    [...secrets, ...(place === 'answers' ? [] : loggedNever.filter((secret) => secret.length >= 16))]
      .filter((secret) => piecesOf(secret).some((piece) => text.includes(piece)))
      .map(() => place),
  );
  expect(leaks).toEqual([]);
}

beforeAll(async () => {
  for (const name of Object.keys(ports) as (keyof typeof ports)[]) ports[name] = await freePort();
  oauth = await startOAuthServer({
    ...CLIENT,
    redirectUri: `http://127.0.0.1:${ports.gateway}${CALLBACK_PATH}`,
    scopes: ['crm.objects.contacts.read', 'oauth'],
    accessTokenTtlSeconds: TOKEN_TTL_SECONDS,
  });
  tokens = await startTokenRecorder(oauth.tokenUrl);
  crm = await startCrmApi((token) =>
    tokens.issued().some((issued) => issued.accessToken === token && issued.expiresAt > Date.now()),
  );
  startApp('user-management', ports.users, {
    SIGNING_KEY_ENCRYPTION_KEY: TEST_KEK,
    LOGIN_LIMIT_KEY_PREFIX: `test:e2i:${run}:login`,
  });
  startApp('event-bus', ports.bus, {
    EVENTBUS_MASTER_KEYS,
    EVENTBUS_ACTIVE_MASTER_KEY_ID: 'test-1',
    EVENTBUS_STREAM_NAMESPACE: namespace,
    EVENTBUS_CONSUMER_NAME: `e2i-${run}`,
  });
  const closed = 'http://127.0.0.1:9';
  startApp('api-gateway', ports.gateway, {
    USER_MANAGEMENT_URL: `http://127.0.0.1:${ports.users}`,
    INTEGRATION_URL: `http://127.0.0.1:${ports.first}`,
    EVENT_BUS_URL: `http://127.0.0.1:${ports.bus}`,
    ...Object.fromEntries(
      ['AI_AGENTS', 'CAMPAIGN', 'ANALYTICS', 'NOTIFICATION', 'DOMAIN_REPOSITORY'].map((name) => [
        `${name}_URL`,
        closed,
      ]),
    ),
    RATE_LIMIT_FREE: '100000',
    RATE_LIMIT_PREFIX: `test:e2i:${run}:ratelimit:`,
  });
  await startReplicas(1000);
  await Promise.all([ready(ports.users), ready(ports.bus), ready(ports.gateway)]);
  const email = `integration.owner.${run}@example.test`;
  const registered = await api('POST', '/api/v1/auth/register', {
    body: { tenantName: `Integration ${run}`, email, password: 'a strong enough password' },
  });
  expect(registered.status, JSON.stringify(registered.body)).toBe(201);
  owner = { tenantId: registered.body.tenant.id, token: registered.body.accessToken };
}, 120_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop('SIGKILL')));
  await Promise.allSettled([oauth?.close(), tokens?.close(), crm?.close()]);
  // Active connections of this run would be refreshed by later runs' replicas (one database).
  if (owner) {
    const db = new pg.Client({ connectionString: inject('ownerDatabaseUrl') });
    await db.connect();
    for (const table of ['connections', 'connect_sessions', 'webhook_events'])
      await db.query(`DELETE FROM integration.${table} WHERE tenant_id = $1`, [owner.tenantId]);
    await db.end();
  }
});

describe('the integration journey through the gateway', () => {
  it('1: an OAuth round trip creates an active connection, no token shows anywhere, and a grant revoked at the provider becomes needs_reauth with integration.connection_broken in the history', async () => {
    const id = await connectHubspot();
    const listed = await api('GET', '/api/v1/integrations/connections', as(owner.token));
    expect(listed.body.items).toEqual([
      expect.objectContaining({ id, provider: 'hubspot', authType: 'oauth2', status: 'active', statusReason: null }),
    ]);
    expectNoTokenBytes();

    oauth.revokeAll();
    const broken = await eventually(
      async () => {
        const res = await api('GET', `/api/v1/integrations/connections/${id}`, as(owner.token));
        return res.body.status === 'needs_reauth' ? res.body : undefined;
      },
      15_000,
      `connection ${id} needs_reauth\n${recentOutput()}`,
    );
    expect(broken.statusReason).toMatch(/^invalid_grant/);
    const history = await eventually(
      async () => {
        const body = { eventTypes: ['integration.connection_broken'], aggregateId: id };
        const res = await api('POST', '/api/v1/events/history', as(owner.token, { body }));
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        return res.body.events.length > 0 ? res.body.events : undefined;
      },
      15_000,
      'integration.connection_broken in the event-bus history',
    );
    expect(history).toEqual([
      expect.objectContaining({
        type: 'integration.connection_broken',
        tenantId: owner.tenantId,
        aggregateId: id,
        data: expect.objectContaining({ provider: 'hubspot', reason: 'invalid_grant' }),
      }),
    ]);
    expectNoTokenBytes();
  }, 60_000);

  it('2: 50 concurrent proxied calls on two replicas with an expired access token make one token request, all answered with the new token', async () => {
    // The background refresher out of the way (one cycle at start, then hourly) and HubSpot's
    // tokens due only once expired: what refreshes here is the callers' need.
    await Promise.all(replicas.splice(0).map((replica) => replica.stop('SIGKILL')));
    await startReplicas(3_600_000, { aheadMs: 0, everyMs: 86_400_000 });
    const id = await connectHubspot();
    const granted = tokens.issued().at(-1)!;
    const view = await api('GET', `/api/v1/integrations/connections/${id}`, as(owner.token));
    await sleep(Date.parse(view.body.accessExpiresAt) - Date.now() + 100);
    const requestsBefore = oauth.tokenRequests().length;
    const seenBefore = crm.tokensSeen().length;

    const body = { method: 'GET', path: '/crm/v3/objects/contacts' };
    const path = `/api/v1/integrations/connections/${id}/proxy`;
    // A token endpoint answering in half a second: the callers of both replicas overlap the refresh.
    oauth.delayTokenResponses(500);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api('POST', path, as(owner.token, { body, port: i % 2 === 0 ? ports.gateway : ports.second })),
      ),
    ).finally(() => oauth.delayTokenResponses(0));

    expect(oauth.tokenRequests().slice(requestsBefore)).toEqual(['refresh_token']);
    expect(answers.map((answer) => [answer.status, answer.body.status])).toEqual(Array(50).fill([200, 200]));
    expect(answers[0]!.body.body.results[0].properties.email).toBe('ada@example.com');
    const fresh = tokens.issued().at(-1)!;
    expect(fresh.accessToken).not.toBe(granted.accessToken);
    const seen = crm.tokensSeen().slice(seenBefore);
    expect(seen).toHaveLength(50);
    expect(new Set(seen)).toEqual(new Set([fresh.accessToken]));
    expectNoTokenBytes();
  }, 60_000);

  it('3: a Stripe-signed webhook through the gateway is accepted once and shows in the event-bus history; a wrong signature or a stale timestamp answers 401', async () => {
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    const apiKey = `sk_test_${randomBytes(24).toString('hex')}`;
    given.push(secret, apiKey);
    const created = await api(
      'POST',
      '/api/v1/integrations/connections',
      as(owner.token, { body: { provider: 'stripe', credentials: { apiKey, webhookSecret: secret } } }),
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const path = `/api/v1/webhooks/stripe/${created.body.id}`;
    const invoicePaid = (id: string) =>
      JSON.stringify({
        id,
        object: 'event',
        type: 'invoice.paid',
        data: { object: { id: `in_${run}`, object: 'invoice', amount_paid: 2000, currency: 'usd' } },
      });
    const post = (body: string, signature: string) =>
      api('POST', path, { body, headers: { 'content-type': 'application/json', 'stripe-signature': signature } });
    const now = () => Math.floor(Date.now() / 1000);

    const event = invoicePaid(`evt_${run}_paid`);
    const first = await post(event, stripeSignature(event, now(), secret));
    expect([first.status, first.body]).toEqual([200, { received: true, duplicate: false }]);
    const repeat = await post(event, stripeSignature(event, now(), secret));
    expect([repeat.status, repeat.body]).toEqual([200, { received: true, duplicate: true }]);
    const forged = invoicePaid(`evt_${run}_forged`);
    const wrong = await post(forged, stripeSignature(forged, now(), `whsec_${randomBytes(24).toString('base64url')}`));
    expect([wrong.status, wrong.body.error]).toEqual([401, 'UNAUTHENTICATED']);
    const replayed = invoicePaid(`evt_${run}_replayed`);
    const stale = await post(replayed, stripeSignature(replayed, now() - 301, secret));
    expect([stale.status, stale.body.error]).toEqual([401, 'UNAUTHENTICATED']);
    // Relayed in commit order: once this last event is in the history, anything before it is too.
    const last = invoicePaid(`evt_${run}_last`);
    expect((await post(last, stripeSignature(last, now(), secret))).status).toBe(200);

    const history = await eventually(
      async () => {
        const body = { eventTypes: ['integration.webhook_received'] };
        const res = await api('POST', '/api/v1/events/history', as(owner.token, { body }));
        const events = res.body.events as { data: { providerEventId: string } }[];
        return events.some((e) => e.data.providerEventId === `evt_${run}_last`) ? events : undefined;
      },
      15_000,
      'the last webhook in the event-bus history',
    );
    expect(history.map((e) => e.data)).toEqual([
      expect.objectContaining({
        provider: 'stripe',
        connectionId: created.body.id,
        providerEventId: `evt_${run}_paid`,
        eventType: 'invoice.paid',
        payload: event,
      }),
      expect.objectContaining({ providerEventId: `evt_${run}_last`, payload: last }),
    ]);
    expectNoTokenBytes();
  });
});
