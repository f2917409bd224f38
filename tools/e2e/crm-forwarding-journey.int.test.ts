// CRM records forwarded with a service token (the journey of POST /api/v1/auth/service-tokens):
// user-management, domain-repository and integration as real processes from their bundles, one
// database and the shared Redis. HubSpot is the local CRM v3 server of the integration tests and
// the connection is stored sealed by the seed script, both run as processes (tools never import
// apps). A contacts sync forwards its pages to domain-repository with a tenant token integration
// obtained from user-management as its configured service client: no token is signed by the test.
// The event-bus archives the sync's events, and a replay of the sync's window reads them back from
// its history with another token of the client (events:subscribe) and forwards them again.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { redisUrl } from '@bizosaas/messaging/testing';
import { eventually, freePort, start, untilReady, type Started } from './processes.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
// The keys the shared test database's signing keys and data keys are sealed with (the apps' test-support).
const TEST_KEK = Buffer.alloc(32, 'bizosaas-test-kek').toString('base64');
const INTEGRATION_MASTER_KEYS = JSON.stringify({
  'test-1': Buffer.alloc(32, 'integration-test-master').toString('base64'),
});
const CLIENT = { id: 'integration', secret: randomBytes(32).toString('base64url') };
// The event-bus tests' master keys (apps/event-bus/src/test-support.ts; never used outside tests):
// data keys this event-bus wraps in the shared test database must open under the keys the
// event-bus's own re-wrap test rotates.
const EVENTBUS_MASTER_KEYS = JSON.stringify({
  'test-1': 'zUqu+KRylrD/lCRSwiOUe2EDur/NH1mELaM5lJIrTiw=',
  'test-2': 'rgAUabXIXlYt94d+Q2lFX9oN7i2+ySNi2iAZVXW2LR8=',
});
const CONTACTS = 5;
const run = randomUUID().slice(0, 8);
const ports = { users: 0, domain: 0, integration: 0, bus: 0 };
const namespace = `test:e2crm:${run}:events`;
const processes: Started[] = [];
const output = () => processes.map((p) => p.output()).join('\n');
const recentOutput = () => output().slice(-4000);
const databases = () => ({ DATABASE_URL: inject('appDatabaseUrl'), WORKER_DATABASE_URL: inject('workerDatabaseUrl') });
let owner: { tenantId: string; token: string };
let hubspot: { baseUrl: string; accessToken: string };

function startApp(app: string, port: number, env: Record<string, string>): Started {
  const started = start(process.execPath, [`${root}apps/${app}/dist/main.js`], {
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    REDIS_URL: redisUrl,
    JWKS_URL: `http://127.0.0.1:${ports.users}/.well-known/jwks.json`,
    ...databases(),
    ...env,
  });
  processes.push(started);
  return started;
}

/** A TypeScript script of the repository as a process; resolves with the first line it prints. */
async function script(path: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const started = start(process.execPath, ['--import', 'tsx', `${root}${path}`, ...args], env);
  processes.push(started);
  let stdout = '';
  started.child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return eventually(
    async () => (stdout.includes('\n') ? stdout.slice(0, stdout.indexOf('\n')) : undefined),
    30_000,
    `the first line of ${path}\n${started.output()}`,
  );
}

async function call(port: number, method: string, path: string, body?: object) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: {
      ...(owner && { authorization: `Bearer ${owner.token}` }),
      ...(body && { 'content-type': 'application/json' }),
    },
    ...(body && { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

beforeAll(async () => {
  execFileSync(
    process.execPath,
    ['tools/build.mjs', 'user-management', 'domain-repository', 'integration', 'event-bus'],
    {
      cwd: root,
    },
  );
  for (const name of Object.keys(ports) as (keyof typeof ports)[]) ports[name] = await freePort();
  hubspot = JSON.parse(await script('apps/integration/src/testing/hubspot-server.ts', [String(CONTACTS)]));
  startApp('user-management', ports.users, {
    SIGNING_KEY_ENCRYPTION_KEY: TEST_KEK,
    LOGIN_LIMIT_KEY_PREFIX: `test:e2crm:${run}:login`,
    SERVICE_CLIENTS: JSON.stringify({
      [CLIENT.id]: { secret: CLIENT.secret, permissions: ['integrations:manage', 'events:subscribe'] },
    }),
  });
  startApp('domain-repository', ports.domain, { CRM_WORK_STREAM: `test:crm-work:{e2crm-${run}}` });
  startApp('integration', ports.integration, {
    INTEGRATION_MASTER_KEYS,
    CONSUMER_NAME: `e2crm-${run}`,
    EVENT_STREAM_NAMESPACE: namespace,
    EVENT_BUS_URL: `http://127.0.0.1:${ports.bus}`,
    OUTBOUND_ALLOWED_CIDRS: '127.0.0.0/8',
    PROVIDER_OVERRIDES: JSON.stringify({ hubspot: { baseUrl: hubspot.baseUrl } }),
    DOMAIN_REPOSITORY_URL: `http://127.0.0.1:${ports.domain}`,
    USER_MANAGEMENT_URL: `http://127.0.0.1:${ports.users}`,
    SERVICE_CLIENT_ID: CLIENT.id,
    SERVICE_CLIENT_SECRET: CLIENT.secret,
  });
  startApp('event-bus', ports.bus, {
    EVENTBUS_MASTER_KEYS,
    EVENTBUS_ACTIVE_MASTER_KEY_ID: 'test-1',
    EVENTBUS_STREAM_NAMESPACE: namespace,
    EVENTBUS_CONSUMER_NAME: `e2crm-${run}`,
  });
  await Promise.all(Object.values(ports).map((port) => untilReady(`http://127.0.0.1:${port}`, 30_000, recentOutput)));
  const registered = await call(ports.users, 'POST', '/api/v1/auth/register', {
    tenantName: `CRM ${run}`,
    email: `crm.owner.${run}@example.test`,
    password: 'a strong enough password',
  });
  expect(registered.status, JSON.stringify(registered.body)).toBe(201);
  owner = { tenantId: registered.body.tenant.id, token: registered.body.accessToken };
}, 120_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop('SIGKILL')));
});

describe('CRM records forwarded with a service token', () => {
  it('a HubSpot contacts sync forwards its records to domain-repository, where they are leads of the tenant', async () => {
    const connectionId = await script('apps/integration/src/syncs/testing/seed-connection.ts', [], {
      DATABASE_URL: inject('appDatabaseUrl'),
      INTEGRATION_MASTER_KEYS,
      SEED_TENANT_ID: owner.tenantId,
      SEED_PROVIDER: 'hubspot',
      SEED_ACCESS_TOKEN: hubspot.accessToken,
    });
    const sync = await call(ports.integration, 'POST', '/api/v1/integrations/syncs', {
      connectionId,
      model: 'contacts',
      mode: 'full',
    });
    expect(sync.status, JSON.stringify(sync.body)).toBe(201);
    const started = await call(ports.integration, 'POST', `/api/v1/integrations/syncs/${sync.body.id}/run`);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const finished = await eventually(
      async () => {
        const runs = await call(ports.integration, 'GET', `/api/v1/integrations/syncs/${sync.body.id}/runs`);
        const found = runs.body.items.find((r: { id: string }) => r.id === started.body.runId);
        return found && found.status !== 'running' ? found : undefined;
      },
      30_000,
      `sync run ${started.body.runId}\n${recentOutput()}`,
    );
    expect(finished, recentOutput()).toMatchObject({ status: 'completed', fetched: CONTACTS, created: CONTACTS });

    const leads = await eventually(
      async () => {
        const page = await call(ports.domain, 'GET', '/api/v1/leads?limit=100');
        return page.body.items?.length === CONTACTS ? page.body.items : undefined;
      },
      30_000,
      `${CONTACTS} leads in domain-repository\n${recentOutput()}`,
    );
    const emails = Array.from({ length: CONTACTS }, (_, i) => `contact${i + 1}@example.com`);
    expect(leads.map((lead: { email: string }) => lead.email).sort()).toEqual(emails.sort());

    // The token came from user-management, issued to the configured client for this tenant.
    const issued = output()
      .split('\n')
      .filter((line) => line.includes('"service token issued"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(issued[0]).toMatchObject({
      clientId: CLIENT.id,
      tenantId: owner.tenantId,
      permissions: ['integrations:manage'],
    });
    expect(output()).not.toContain(CLIENT.secret);

    // The window replayed from the archive: every record read back and domain-repository already holds each.
    await eventually(
      async () => {
        const history = await call(ports.bus, 'POST', '/api/v1/events/history', {
          eventTypes: ['integration.records_changed'],
        });
        return history.body.events?.length > 0 ? history.body.events : undefined;
      },
      30_000,
      `integration.records_changed in the event-bus history\n${recentOutput()}`,
    );
    const replay = await call(ports.integration, 'POST', `/api/v1/integrations/syncs/${sync.body.id}/replay`, {
      from: new Date(Date.now() - 60_000).toISOString(),
      to: new Date().toISOString(),
    });
    expect(replay.status, JSON.stringify(replay.body)).toBe(202);
    const replayed = await eventually(
      async () => {
        const runs = await call(ports.integration, 'GET', `/api/v1/integrations/syncs/${sync.body.id}/runs`);
        const found = runs.body.items.find((r: { id: string }) => r.id === replay.body.runId);
        return found && found.status !== 'running' ? found : undefined;
      },
      30_000,
      `replay run ${replay.body.runId}\n${recentOutput()}`,
    );
    expect(replayed, recentOutput()).toMatchObject({
      kind: 'replay',
      status: 'completed',
      fetched: CONTACTS,
      replay: { duplicates: CONTACTS },
    });
    expect(output()).toContain('"permissions":["events:subscribe"]');
  }, 90_000);
});
