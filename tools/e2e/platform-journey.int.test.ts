// The platform journey through the gateway (issues 4 and 5, "Done when"): user-management,
// domain-repository and the api-gateway as real processes (the bundles `node tools/build.mjs`
// makes) on free ports, against the migrated test database and the shared Redis. Everything a
// client does goes through http://127.0.0.1:<gateway>; only readiness is polled directly.
// The shared Redis (not a private one) because the outbox relay of domain-repository is one per
// schema: another test file's in-process app may hold it, and it publishes to the shared Redis.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateSigningKey, signTestToken, testClaims } from '@bizosaas/auth/testing';
import { eventStreamKey, fieldValue } from '@bizosaas/messaging';
import { redisUrl, testRedis } from '@bizosaas/messaging/testing';
import { eventually, freePort, untilReady, start, type Started } from './processes.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
// The key-encryption key every test uses for the shared test database's signing keys.
const TEST_KEK = Buffer.alloc(32, 'bizosaas-test-kek').toString('base64');
const FREE_PLAN_LIMIT = 40;
const run = randomUUID().slice(0, 8);
const redis = testRedis('platform-journey');
const ports = { gateway: 0, users: 0, domain: 0 };
const processes: Started[] = [];
let domain: Started;
const password = 'a strong enough password';
const score = { totalScore: 85, behavioralScore: 90, demographicScore: 70, firmographicScore: 60 };

function startApp(app: string, port: number, env: Record<string, string>): Started {
  const started = start(process.execPath, [`${root}apps/${app}/dist/main.js`], {
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    REDIS_URL: redisUrl,
    ...env,
  });
  processes.push(started);
  return started;
}

const databases = () => ({ DATABASE_URL: inject('appDatabaseUrl'), WORKER_DATABASE_URL: inject('workerDatabaseUrl') });
const startDomain = () =>
  startApp('domain-repository', ports.domain, {
    ...databases(),
    JWKS_URL: `http://127.0.0.1:${ports.users}/.well-known/jwks.json`,
    CRM_WORK_STREAM: `test:crm-work:{journey-${run}}`,
  });
const ready = (port: number) =>
  untilReady(`http://127.0.0.1:${port}`, 30_000, () => processes.map((p) => p.output()).join('\n'));

type Answer = { status: number; headers: Headers; body: Record<string, any> };
/** One call through the gateway. */
async function api(
  method: string,
  path: string,
  options: { token?: string; body?: object; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body) headers['content-type'] = 'application/json';
  const res = await fetch(`http://127.0.0.1:${ports.gateway}${path}`, {
    method,
    headers,
    body: options.body && JSON.stringify(options.body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, any>) : {} };
}

/** An AWS EventBridge event around a Salesforce change data capture CREATE of a Lead. */
const salesforceLeadCreated = (email: string) => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'LeadChangeEvent',
  source: 'aws.partner/salesforce.com/00D5g000004SkMxEAK/0YLRM0000004CKM4A2',
  account: '123456789012',
  time: '2026-11-22T09:30:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: {
    payload: {
      ChangeEventHeader: {
        entityName: 'Lead',
        recordIds: [`00Q${randomUUID().replace(/-/g, '').slice(0, 15)}`],
        changeType: 'CREATE',
        transactionKey: randomUUID(),
        sequenceNumber: 1,
        commitTimestamp: Date.parse('2026-11-22T09:29:58Z'),
        commitNumber: 1,
        commitUser: '005RM000001hv4SYAQ',
        changedFields: [],
      },
      Name: { FirstName: 'Grace', LastName: 'Hopper' },
      Email: email,
      Company: 'Navy Labs',
      Status: 'Open - Not Contacted',
    },
  },
});

interface Account {
  tenantId: string;
  userId: string;
  email: string;
  accessToken: string;
  refreshToken: string;
}
async function register(label: string): Promise<Account> {
  const email = `journey.${label}.${run}.${randomUUID().slice(0, 6)}@example.test`;
  const res = await api('POST', '/api/v1/auth/register', {
    body: { tenantName: `Journey ${label} ${run}`, email, password },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const { tenant, user, accessToken, refreshToken } = res.body;
  return { tenantId: tenant.id, userId: user.id, email, accessToken, refreshToken };
}

async function createLead(token: string, headers: Record<string, string> = {}) {
  const label = randomUUID().slice(0, 8);
  const body = {
    contact: { email: `prospect.${label}@example.com`, firstName: 'John', lastName: 'Doe', company: 'Example Corp' },
    source: 'website_form',
  };
  const res = await api('POST', '/api/v1/leads', { token, body, headers });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; version: number; status: string };
}

/** Envelopes of one aggregate on the shared stream, written since `sinceMs`, in stream order. */
async function streamEvents(stream: string, aggregateId: string, sinceMs: number) {
  const entries = (await redis.xrange(stream, String(sinceMs), '+')) as [string, string[]][];
  return entries
    .map(([, fields]) => JSON.parse(fieldValue(fields, 'envelope') ?? '{}') as Record<string, any>)
    .filter((envelope) => envelope.aggregateId === aggregateId);
}

beforeAll(async () => {
  execFileSync(process.execPath, ['tools/build.mjs', 'api-gateway', 'user-management', 'domain-repository'], {
    cwd: root,
  });
  [ports.gateway, ports.users, ports.domain] = await Promise.all([freePort(), freePort(), freePort()]);
  const closed = 'http://127.0.0.1:9';
  startApp('user-management', ports.users, {
    ...databases(),
    SIGNING_KEY_ENCRYPTION_KEY: TEST_KEK,
    LOGIN_LIMIT_KEY_PREFIX: `test:journey:${run}:login`,
    // API-key tokens live a second here, so a token of the real signing key can be seen to expire.
    API_KEY_TOKEN_TTL_SECONDS: '1',
  });
  domain = startDomain();
  startApp('api-gateway', ports.gateway, {
    JWKS_URL: `http://127.0.0.1:${ports.users}/.well-known/jwks.json`,
    USER_MANAGEMENT_URL: `http://127.0.0.1:${ports.users}`,
    DOMAIN_REPOSITORY_URL: `http://127.0.0.1:${ports.domain}`,
    ...Object.fromEntries(
      ['AI_AGENTS_URL', 'CAMPAIGN_URL', 'ANALYTICS_URL', 'INTEGRATION_URL', 'NOTIFICATION_URL', 'EVENT_BUS_URL'].map(
        (v) => [v, closed],
      ),
    ),
    RATE_LIMIT_FREE: String(FREE_PLAN_LIMIT),
    RATE_LIMIT_PREFIX: `test:journey:${run}:ratelimit:`,
    BREAKER_FAILURE_THRESHOLD: '2',
    BREAKER_HALF_OPEN_AFTER_MS: '300',
  });
  await Promise.all([ready(ports.users), ready(ports.domain), ready(ports.gateway)]);
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop('SIGKILL')));
  redis.disconnect();
});

describe('the platform journey through the gateway', () => {
  it('register -> login -> GET /api/v1/users/me answers the caller of the right tenant', async () => {
    const owner = await register('me');
    const login = await api('POST', '/api/v1/auth/login', { body: { email: owner.email, password } });
    expect(login.status).toBe(200);
    const me = await api('GET', '/api/v1/users/me', { token: login.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      id: owner.userId,
      tenantId: owner.tenantId,
      email: owner.email,
      role: 'owner',
      status: 'active',
    });
  });

  it('answers 401 at the gateway for a tampered, an alg:none and an unknown-key token', async () => {
    const owner = await register('tokens');
    const [header, payload, signature] = owner.accessToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const tampered = `${header}.${encode({ ...claims, roles: ['owner'], tenant_id: randomUUID() })}.${signature}`;
    const algNone = `${encode({ alg: 'none', typ: 'JWT' })}.${payload}.`;
    const stranger = await signTestToken(
      await generateSigningKey('EdDSA'),
      testClaims({ sub: owner.userId, tenant_id: owner.tenantId, roles: ['owner'] }),
    );
    const reasons: Record<string, string> = {};
    for (const [name, token] of Object.entries({ tampered, algNone, stranger })) {
      const res = await api('GET', '/api/v1/users/me', { token });
      expect(res.status, name).toBe(401);
      expect(res.body.error).toBe('UNAUTHENTICATED');
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="bizosaas", error="invalid_token"');
      reasons[name] = res.body.details.reason;
    }
    expect(reasons).toEqual({
      tampered: 'invalid_signature',
      algNone: 'algorithm_not_allowed',
      stranger: 'unknown_key',
    });
    expect((await api('GET', '/api/v1/users/me', { token: owner.accessToken })).status).toBe(200);
  });

  it('answers 401 at the gateway for an expired token of the real signing key', async () => {
    const owner = await register('expiry');
    const key = await api('POST', '/api/v1/api-keys', {
      token: owner.accessToken,
      body: { name: 'expiry', permissions: ['users:read'] },
    });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    const exchanged = await api('POST', '/api/v1/auth/token', { body: { apiKey: key.body.apiKey } });
    expect(exchanged.body.expiresIn).toBe(1);
    const token = exchanged.body.accessToken as string;
    expect((await api('GET', '/api/v1/users', { token })).status).toBe(200);
    // Verifiers allow 5 s of clock skew past `exp`: the same token is refused once that has passed
    // (asked once a second: the tenant's free plan allows only FREE_PLAN_LIMIT calls a window).
    let refused = await api('GET', '/api/v1/users', { token });
    for (let i = 0; i < 15 && refused.status === 200; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      refused = await api('GET', '/api/v1/users', { token });
    }
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: 'UNAUTHENTICATED', details: { reason: 'expired' } });
  });

  it("ignores a forged X-Tenant-ID: the request acts on the token's tenant", async () => {
    const [owner, victim] = [await register('forger'), await register('victim')];
    const forged = { 'x-tenant-id': victim.tenantId, 'x-user-id': victim.userId };
    const me = await api('GET', '/api/v1/users/me', { token: owner.accessToken, headers: forged });
    expect(me.body).toMatchObject({ id: owner.userId, tenantId: owner.tenantId });
    const lead = await createLead(owner.accessToken, forged);
    expect((await api('GET', `/api/v1/leads/${lead.id}`, { token: owner.accessToken })).status).toBe(200);
    const fromVictim = await api('GET', `/api/v1/leads/${lead.id}`, { token: victim.accessToken });
    expect(fromVictim.status).toBe(404);
  });

  it('a viewer created by the owner signs in and cannot create a lead (403)', async () => {
    const owner = await register('rbac');
    const email = `viewer.${run}.${randomUUID().slice(0, 6)}@example.test`;
    const created = await api('POST', '/api/v1/users', {
      token: owner.accessToken,
      body: { email, role: 'viewer', password },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.user).toMatchObject({ email, role: 'viewer', status: 'active', tenantId: owner.tenantId });
    const login = await api('POST', '/api/v1/auth/login', { body: { email, password } });
    expect(login.status).toBe(200);
    const res = await api('POST', '/api/v1/leads', {
      token: login.body.accessToken,
      body: { contact: { email: 'x@example.com' }, source: 'website_form' },
    });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: 'FORBIDDEN', details: { required: 'leads:write' } });
    expect((await api('GET', '/api/v1/users/me', { token: login.body.accessToken })).body).toMatchObject({
      email,
      role: 'viewer',
    });
  });

  it('seed 000: create -> qualify -> convert yields a customer; the events reach the stream with correlation and causation', async () => {
    const since = Date.now() - 5_000;
    const owner = await register('seed000');
    const correlation = (step: string) => ({ 'x-correlation-id': `journey-${run}-${step}` });
    const lead = await createLead(owner.accessToken, correlation('create'));
    const qualified = await api('POST', `/api/v1/leads/${lead.id}/qualify`, {
      token: owner.accessToken,
      body: { score },
      headers: correlation('qualify'),
    });
    expect(qualified.status, JSON.stringify(qualified.body)).toBe(200);
    expect(qualified.body).toMatchObject({ status: 'qualified', version: 2, qualifiedBy: owner.userId });
    const converted = await api('POST', `/api/v1/leads/${lead.id}/convert`, {
      token: owner.accessToken,
      body: { conversionValue: '5000.00' },
      headers: correlation('convert'),
    });
    expect(converted.status, JSON.stringify(converted.body)).toBe(200);
    expect(converted.headers.get('x-correlation-id')).toBe(`journey-${run}-convert`);
    const { customer } = converted.body;
    expect(converted.body.lead).toMatchObject({
      status: 'converted',
      customerId: customer.id,
      conversionValue: '5000.00',
    });
    const read = await api('GET', `/api/v1/customers/${customer.id}`, { token: owner.accessToken });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      id: customer.id,
      leadId: lead.id,
      metrics: { totalRevenue: '5000.00', purchaseCount: 1 },
    });

    const events = await eventually(
      async () => {
        const found = await streamEvents(eventStreamKey('lead'), lead.id, since);
        return found.length >= 3 ? found : undefined;
      },
      20_000,
      'the lead events on the stream',
    );
    expect(
      events.map((e) => [e.type, e.aggregateVersion, e.tenantId, e.correlationId, e.causationId, e.actor?.id]),
    ).toEqual([
      ['lead.created', 1, owner.tenantId, `journey-${run}-create`, `journey-${run}-create`, owner.userId],
      ['lead.qualified', 2, owner.tenantId, `journey-${run}-qualify`, `journey-${run}-qualify`, owner.userId],
      ['lead.converted', 3, owner.tenantId, `journey-${run}-convert`, `journey-${run}-convert`, owner.userId],
    ]);
  });

  it("refuses an unqualified conversion (422), a lost race (409) and another tenant's lead (404)", async () => {
    const [owner, other] = [await register('rules'), await register('rules-other')];
    const lead = await createLead(owner.accessToken);
    const early = await api('POST', `/api/v1/leads/${lead.id}/convert`, {
      token: owner.accessToken,
      body: { conversionValue: '5000.00' },
    });
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({
      error: 'BUSINESS_RULE_VIOLATION',
      details: { currentStatus: 'new', leadId: lead.id },
    });

    const qualify = () =>
      api('POST', `/api/v1/leads/${lead.id}/qualify`, {
        token: owner.accessToken,
        body: { score },
        headers: { 'if-match': '"1"' },
      });
    const race = await Promise.all([qualify(), qualify()]);
    expect(race.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(race.find((r) => r.status === 409)!.body).toMatchObject({
      error: 'CONCURRENCY_EXCEPTION',
      details: { expectedVersion: 1, actualVersion: 2 },
    });

    const foreign = await api('GET', `/api/v1/leads/${lead.id}`, { token: other.accessToken });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({
      error: 'TENANT_ISOLATION_VIOLATION',
      message: 'Entity not found or access denied',
      details: { tenantId: other.tenantId },
    });
  });

  it('a Salesforce CDC event posted twice creates one lead; a malformed one is refused with every problem and stores nothing', async () => {
    const owner = await register('crm');
    const email = `crm.${run}@example.test`;
    const event = salesforceLeadCreated(email);
    const posts = [
      await api('POST', '/api/v1/crm-events/salesforce', { token: owner.accessToken, body: event }),
      await api('POST', '/api/v1/crm-events/salesforce', { token: owner.accessToken, body: event }),
    ];
    expect(posts.map((p) => [p.status, p.body.events?.[0]?.duplicate])).toEqual([
      [202, false],
      [202, true],
    ]);
    const id = posts[0]!.body.events[0].id;
    expect(posts[1]!.body.events[0].id).toBe(id);
    const done = await eventually(
      async () => {
        const res = await api('GET', `/api/v1/crm-events/salesforce/${id}`, { token: owner.accessToken });
        return res.body.status === 'processed' ? res.body : undefined;
      },
      20_000,
      'the CRM event processed',
    );
    expect(done.outcome).toMatchObject([{ result: 'applied', events: ['lead.created'] }]);
    const leads = await eventually(
      async () => {
        const res = await api('GET', '/api/v1/leads', { token: owner.accessToken });
        return res.body.total === 1 ? res.body : undefined;
      },
      20_000,
      'the CRM lead in the list',
    );
    expect(leads.items[0]).toMatchObject({ id: done.outcome[0].aggregateId, email, source: 'crm_import' });

    const malformed = await api('POST', '/api/v1/crm-events/salesforce', {
      token: owner.accessToken,
      body: { ...event, id: randomUUID(), account: 'x', time: 'yesterday', detail: {} },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.details.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'account',
      'detail.ChangeEventHeader',
      'time',
    ]);
    expect(
      (await api('GET', '/api/v1/crm-events', { token: owner.accessToken })).body.events.map(
        (e: { id: string }) => e.id,
      ),
    ).toEqual([id]);
  });

  it('a reused refresh token revokes its family: the rotated token fails too', async () => {
    const owner = await register('refresh');
    const rotated = await api('POST', '/api/v1/auth/refresh', { body: { refreshToken: owner.refreshToken } });
    expect(rotated.status).toBe(200);
    const reused = await api('POST', '/api/v1/auth/refresh', { body: { refreshToken: owner.refreshToken } });
    expect(reused.status).toBe(401);
    expect(reused.body.details.reason).toBe('refresh_token_reused');
    const afterwards = await api('POST', '/api/v1/auth/refresh', { body: { refreshToken: rotated.body.refreshToken } });
    expect(afterwards.status).toBe(401);
  });

  it("limits a tenant over its plan's limit (429 + Retry-After) while another tenant is unaffected", async () => {
    const [busy, calm] = [await register('busy'), await register('calm')];
    const statuses: number[] = [];
    for (let i = 0; i < FREE_PLAN_LIMIT; i += 1)
      statuses.push((await api('GET', '/api/v1/users/me', { token: busy.accessToken })).status);
    expect(statuses).toEqual(Array(FREE_PLAN_LIMIT).fill(200));
    const limited = await api('GET', '/api/v1/users/me', { token: busy.accessToken });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: 'RATE_LIMITED', details: { scope: 'tenant', limit: FREE_PLAN_LIMIT } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const other = await api('GET', '/api/v1/users/me', { token: calm.accessToken });
    expect(other.status).toBe(200);
    expect(other.body.tenantId).toBe(calm.tenantId);
  });

  it('answers 503 and opens the breaker while domain-repository is down, and 200 once it is back', async () => {
    const owner = await register('breaker');
    expect((await api('GET', '/api/v1/leads', { token: owner.accessToken })).status).toBe(200);
    expect(await domain.stop('SIGTERM')).toBe(0);
    const down = await api('GET', '/api/v1/leads', { token: owner.accessToken });
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ error: 'SERVICE_UNAVAILABLE', details: { service: 'domain-repository' } });
    const open = await eventually(
      async () => {
        const res = await api('GET', '/api/v1/leads', { token: owner.accessToken });
        return res.body.details?.reason === 'CIRCUIT_OPEN' ? res : undefined;
      },
      10_000,
      'the breaker to open',
    );
    expect(open.status).toBe(503);
    expect(open.headers.get('retry-after')).toBeTruthy();

    domain = startDomain();
    await ready(ports.domain);
    // Polled slowly enough to stay far below the tenant's plan limit.
    const back = await eventually(
      async () => {
        const res = await api('GET', '/api/v1/leads', { token: owner.accessToken });
        return res.status === 200 ? res : (await new Promise((r) => setTimeout(r, 300)), undefined);
      },
      15_000,
      'the gateway to answer 200 again',
    );
    expect(back.body).toMatchObject({ items: [], total: 0 });
  });
});
