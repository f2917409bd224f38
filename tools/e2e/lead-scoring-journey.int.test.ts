// Seed 002's flow "Lead Created (CRM) -> AI Analysis Requested (auto) -> Lead Scoring (AI Agents)
// -> Lead Qualified/Nurture (CRM)" through the gateway: user-management, domain-repository,
// ai-agents, the event-bus and the api-gateway as real processes from their bundles, one database
// and the shared Redis. A client only signs in, sets the tenant's threshold and creates leads;
// ai-agents scores them (rules model, no LLM) with a tenant token of its configured service client,
// domain-repository qualifies or nurtures them, and the event-bus history shows the whole chain.
// The event stores publish to the default stream namespace (their namespace is not configurable),
// so every consumer here reads it too; each consumer has a name and ai-agents a run group of its own.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { eventStreamKey } from '@bizosaas/messaging';
import { redisUrl } from '@bizosaas/messaging/testing';
import { eventually, freePort, start, untilReady, type Started } from './processes.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
// The keys the shared test database's signing keys and data keys are sealed with (the apps' test-support).
const TEST_KEK = Buffer.alloc(32, 'bizosaas-test-kek').toString('base64');
const AGENTS_MASTER_KEYS = JSON.stringify({ 'test-1': Buffer.alloc(32, 'ai-agents-test-master').toString('base64') });
// The event-bus tests' master keys (apps/event-bus/src/test-support.ts), for the same reason.
const EVENTBUS_MASTER_KEYS = JSON.stringify({
  'test-1': 'zUqu+KRylrD/lCRSwiOUe2EDur/NH1mELaM5lJIrTiw=',
  'test-2': 'rgAUabXIXlYt94d+Q2lFX9oN7i2+ySNi2iAZVXW2LR8=',
});
const CLIENT = { id: 'ai-agents', secret: randomBytes(32).toString('base64url') };
const run = randomUUID().slice(0, 8);
const ports = { gateway: 0, users: 0, domain: 0, agents: 0, bus: 0 };
const processes: Started[] = [];
const output = () => processes.map((p) => p.output()).join('\n');
const recentOutput = () => output().slice(-6000);
const password = 'a strong enough password';
// Rules model (apps/ai-agents/src/crews/lead-scoring/rules-model.ts): the prospect scores
// 0.5 x 20 (referral, UTM) + 0.3 x 100 (executive, phone, full name) + 0.2 x 100 (business
// domain, company) = 60; the stranger 0.5 x 10 (website form) = 5. The threshold lies between.
const THRESHOLD = 40;
const prospect = {
  contact: {
    email: `grace.${run}@navylabs.example`,
    firstName: 'Grace',
    lastName: 'Hopper',
    phone: '+1 555 0100',
    company: 'Navy Labs',
    jobTitle: 'CEO',
  },
  source: 'referral',
  utmParameters: { utmSource: 'partner', utmMedium: 'referral' },
};
const stranger = { contact: { email: `someone.${run}@gmail.com`, firstName: 'Sam' }, source: 'website_form' };
const CHAIN = ['lead.created', 'ai.analysis_requested', 'ai.analysis_started', 'ai.analysis_completed', 'lead.scored'];
let token: string;
let tenantId: string;

function startApp(app: string, port: number, env: Record<string, string> = {}): void {
  processes.push(
    start(process.execPath, [`${root}apps/${app}/dist/main.js`], {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      REDIS_URL: redisUrl,
      JWKS_URL: `http://127.0.0.1:${ports.users}/.well-known/jwks.json`,
      DATABASE_URL: inject('appDatabaseUrl'),
      WORKER_DATABASE_URL: inject('workerDatabaseUrl'),
      ...env,
    }),
  );
}

/** One call through the gateway, as the signed-in owner once there is one. */
async function api(method: string, path: string, body?: object, headers: Record<string, string> = {}) {
  const res = await fetch(`http://127.0.0.1:${ports.gateway}${path}`, {
    method,
    headers: {
      ...headers,
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body && { 'content-type': 'application/json' }),
    },
    ...(body && { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, any> };
}

beforeAll(async () => {
  const apps = ['api-gateway', 'user-management', 'domain-repository', 'event-bus', 'ai-agents'];
  execFileSync(process.execPath, ['tools/build.mjs', ...apps], { cwd: root });
  for (const name of Object.keys(ports) as (keyof typeof ports)[]) ports[name] = await freePort();
  const url = (port: number) => `http://127.0.0.1:${port}`;
  startApp('user-management', ports.users, {
    SIGNING_KEY_ENCRYPTION_KEY: TEST_KEK,
    LOGIN_LIMIT_KEY_PREFIX: `test:e2scoring:${run}:login`,
    SERVICE_CLIENTS: JSON.stringify({
      [CLIENT.id]: {
        secret: CLIENT.secret,
        permissions: ['leads:read', 'leads:write', 'campaigns:read', 'campaigns:write'],
      },
    }),
  });
  startApp('domain-repository', ports.domain, {
    CONSUMER_NAME: `e2scoring-${run}`,
    CRM_WORK_STREAM: `test:crm-work:{e2scoring-${run}}`,
  });
  startApp('ai-agents', ports.agents, {
    AGENTS_MASTER_KEYS,
    AGENTS_SERVICE_CLIENT_ID: CLIENT.id,
    AGENTS_SERVICE_CLIENT_SECRET: CLIENT.secret,
    DOMAIN_REPOSITORY_URL: url(ports.domain),
    USER_MANAGEMENT_URL: url(ports.users),
    CONSUMER_NAME: `e2scoring-${run}`,
    RUN_GROUP: `e2scoring-${run}`,
  });
  startApp('event-bus', ports.bus, {
    EVENTBUS_MASTER_KEYS,
    EVENTBUS_ACTIVE_MASTER_KEY_ID: 'test-1',
    EVENTBUS_CONSUMER_NAME: `e2scoring-${run}`,
  });
  const closed = 'http://127.0.0.1:9';
  startApp('api-gateway', ports.gateway, {
    USER_MANAGEMENT_URL: url(ports.users),
    DOMAIN_REPOSITORY_URL: url(ports.domain),
    AI_AGENTS_URL: url(ports.agents),
    EVENT_BUS_URL: url(ports.bus),
    ...Object.fromEntries(
      ['CAMPAIGN_URL', 'ANALYTICS_URL', 'INTEGRATION_URL', 'NOTIFICATION_URL'].map((v) => [v, closed]),
    ),
    RATE_LIMIT_PREFIX: `test:e2scoring:${run}:ratelimit:`,
  });
  await Promise.all(Object.values(ports).map((port) => untilReady(url(port), 30_000, recentOutput)));
  const email = `scoring.owner.${run}@example.test`;
  const registered = await api('POST', '/api/v1/auth/register', { tenantName: `Scoring ${run}`, email, password });
  expect(registered.status, JSON.stringify(registered.body)).toBe(201);
  const login = await api('POST', '/api/v1/auth/login', { email, password });
  expect(login.status, JSON.stringify(login.body)).toBe(200);
  token = login.body.accessToken;
  tenantId = registered.body.tenant.id;
}, 120_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop('SIGKILL')));
  // This run's ai-agents deployment read the shared streams in a consumer group of its own: gone
  // with it, so it holds back no trimming.
  const redis = new Redis(redisUrl);
  for (const type of ['lead', 'campaign', 'ai_analysis'])
    await redis.xgroup('DESTROY', eventStreamKey(type), `ai-agents.triggers.e2scoring-${run}`).catch(() => 0);
  await redis.quit();
});

/** Creates a lead in a correlation of its own; nothing else is asked of the platform. */
async function createLead(body: object) {
  const correlationId = `e2scoring-${run}-${randomUUID().slice(0, 8)}`;
  const res = await api('POST', '/api/v1/leads', body, { 'x-correlation-id': correlationId });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id as string, correlationId };
}

/** The lead_scoring analysis of a lead once completed, its lead once the policy has acted on the score. */
async function scoredAndDecided(leadId: string, decided: (lead: Record<string, any>) => boolean) {
  return eventually(
    async () => {
      const analyses = await api('GET', '/api/v1/agents/analyses?analysisType=lead_scoring');
      const analysis = analyses.body.items?.find((a: Record<string, any>) => a.subject.leadId === leadId);
      if (analysis?.status !== 'completed') return undefined;
      const lead = await api('GET', `/api/v1/leads/${leadId}`);
      return decided(lead.body) ? { analysis, lead: lead.body } : undefined;
    },
    // Other test files' platforms run beside this one: a liveness wait, not a latency figure.
    30_000,
    `lead ${leadId} scored and qualified or nurtured\n${recentOutput()}`,
  );
}

/** The archived events of one correlation, once `last` is among them. */
async function historyOf(correlationId: string, last: string) {
  return eventually(
    async () => {
      const history = await api('POST', '/api/v1/events/history', { correlationId, limit: 500 });
      const events = history.body.events as Record<string, any>[] | undefined;
      return events?.some((e) => e.type === last) ? events : undefined;
    },
    30_000,
    `${last} in the event-bus history of ${correlationId}\n${recentOutput()}`,
  );
}

describe('a new lead is scored by ai-agents and qualified or nurtured by the tenant policy', () => {
  it('scores both leads without another call, qualifies the one at the threshold and nurtures the other', async () => {
    const policy = await api('PUT', '/api/v1/lead-scoring-policy', { qualifyThreshold: THRESHOLD });
    expect(policy.status, JSON.stringify(policy.body)).toBe(200);
    expect(policy.body).toMatchObject({ qualifyThreshold: THRESHOLD, autoQualify: true });
    const [strong, weak] = [await createLead(prospect), await createLead(stranger)];

    const qualified = await scoredAndDecided(strong.id, (lead) => lead.status === 'qualified');
    expect(qualified.analysis).toMatchObject({ correlationId: strong.correlationId, error: null });
    expect(qualified.lead.score.totalScore).toBeGreaterThanOrEqual(THRESHOLD);
    expect(qualified.lead).toMatchObject({ nurturing: false, qualifiedAt: expect.any(String) });
    const nurtured = await scoredAndDecided(weak.id, (lead) => lead.nurturing === true);
    expect(nurtured.analysis).toMatchObject({ correlationId: weak.correlationId, error: null });
    expect(nurtured.lead.score.totalScore).toBeLessThan(THRESHOLD);
    expect(nurtured.lead).toMatchObject({ status: 'new', nurturingSince: expect.any(String) });

    const types = (events: Record<string, any>[]) => [...new Set(events.map((e) => e.type as string))];
    const strongChain = await historyOf(strong.correlationId, 'lead.qualified');
    expect(types(strongChain)).toEqual(expect.arrayContaining([...CHAIN, 'lead.qualified']));
    expect(types(strongChain)).not.toContain('lead.marked_for_nurturing');
    const weakChain = await historyOf(weak.correlationId, 'lead.marked_for_nurturing');
    expect(types(weakChain)).toEqual(expect.arrayContaining([...CHAIN, 'lead.marked_for_nurturing']));
    expect(types(weakChain)).not.toContain('lead.qualified');
    const created = strongChain.find((e) => e.type === 'lead.created');
    expect(created).toMatchObject({ aggregateId: strong.id, correlationId: strong.correlationId });
    // The crew read and wrote the leads with a tenant token user-management issued to its client.
    const issued = output()
      .split('\n')
      .filter((line) => line.includes('"service token issued"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(issued).toContainEqual(
      expect.objectContaining({ clientId: CLIENT.id, tenantId, permissions: ['leads:read', 'leads:write'] }),
    );
    expect(output()).not.toContain(CLIENT.secret);
  }, 60_000);

  it('refuses content_generation at once with LLM_NOT_CONFIGURED when the tenant has no LLM', async () => {
    const res = await api('POST', '/api/v1/agents/analyses', {
      analysisType: 'content_generation',
      subject: { brief: 'A launch post for our spring offer' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body).toMatchObject({ error: 'LLM_NOT_CONFIGURED', details: { analysisType: 'content_generation' } });
    const recorded = await api('GET', '/api/v1/agents/analyses?analysisType=content_generation');
    expect(recorded.body.items).toEqual([]);
  });
});
