// Runs stopped mid-way resume from their checkpoint on another replica, and what they forward
// arrives once: an app closed while a page is in flight (its lease handed back), and a replica
// process SIGKILLed mid-run forwarding to a real domain-repository process.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { generateSigningKey, jwksOf, signTestToken, startJwksServer, testClaims } from '@bizosaas/auth/testing';
import { createRedis } from '@bizosaas/messaging';
import { startHubspotServer } from '../testing/hubspot-server.ts';
import { eventually, startTestApp, tenantCaller } from '../test-support.ts';
import { createSyncsFeature } from './syncs-feature.ts';
import { startCrmReceiver } from './testing/crm-receiver.ts';
import {
  changedRecords,
  createSync,
  oauthConnection,
  runsOf,
  startRunOf,
  syncEvents,
} from './testing/sync-fixtures.ts';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
// Each test stops what it started before the next begins: a replica left running would take over
// the next test's runs with its own provider URLs.
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
});

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

function startProcess(script: string, env: Record<string, string>): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output = (output + String(chunk)).slice(-5_000)));
  child.stderr.on('data', (chunk) => (output = (output + String(chunk)).slice(-5_000)));
  cleanup.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
  return Object.assign(child, { output: () => output });
}

async function untilReady(port: number, child: { output: () => string }) {
  await eventually(
    () =>
      fetch(`http://127.0.0.1:${port}/ready`).then(
        (r) => r.status,
        () => 0,
      ),
    (status) => expect(status, child.output()).toBe(200),
    60_000,
  );
}

describe('a run stopped mid-way', () => {
  it('is resumed from its last committed page by another replica; the page in flight arrives again as a duplicate, nothing twice in the events', async () => {
    const hubspot = await startHubspotServer({ contacts: 1000 });
    const receiver = await startCrmReceiver();
    cleanup.push(
      () => hubspot.close(),
      () => receiver.close(),
    );
    const env = {
      PROVIDER_OVERRIDES: JSON.stringify({ hubspot: { baseUrl: hubspot.baseUrl } }),
      EVENT_STREAM_NAMESPACE: `test:integration:${randomUUID()}`,
    };
    const replica = (name: string) => {
      const syncs = createSyncsFeature({
        crmTokens: async () => 'token',
        domainRepositoryUrl: receiver.url,
        leaseMs: 2_000,
        tickIntervalMs: 100,
      });
      return startTestApp({ ...env, CONSUMER_NAME: name }, { features: [syncs.feature] }).then((t) => ({ t, syncs }));
    };
    const a = await replica('integration-a');
    const caller = await tenantCaller(a.t.key);
    const connectionId = await oauthConnection(a.t, caller.tenantId, 'hubspot', hubspot.accessToken);
    const syncId = await createSync(a.t, caller, { connectionId, model: 'contacts', mode: 'full' });
    const inFlight = receiver.holdAfter(4);
    const runId = await startRunOf(a.t, caller, syncId);
    await inFlight; // page 5 delivered, its answer held: the run is between forward and commit
    expect((await runsOf(a.t, caller, syncId))[0]).toMatchObject({ id: runId, status: 'running', pages: 4 });
    await a.t.close();
    receiver.release();

    const b = await replica('integration-b');
    cleanup.push(() => b.t.close());
    const callerOfB = await tenantCaller(b.t.key, ['admin'], caller.tenantId);
    const [run] = await eventually(
      () => runsOf(b.t, callerOfB, syncId),
      (runs) => expect(runs[0]!.status).toBe('completed'),
      20_000,
    );
    expect(run).toMatchObject({ id: runId, pages: 10, fetched: 1000, created: 1000, deleted: 0, unchanged: 0 });
    const pages = receiver.pages.filter((p) => p.syncId === syncId).map((p) => p.page);
    expect(pages).toEqual([1, 2, 3, 4, 5, 5, 6, 7, 8, 9, 10]);
    expect(receiver.duplicates(syncId)).toBe(100);
    const records = await eventually(
      () => changedRecords(b.t, syncId),
      (found) => expect(found.records).toHaveLength(1000),
    );
    expect(new Set(records.created)).toEqual(new Set(hubspot.ids()));
    const lifecycle = (await syncEvents(b.t, syncId)).filter((e) => e.type !== 'integration.records_changed');
    expect(lifecycle.map((e) => [e.type, (e.data as { trigger?: string }).trigger])).toEqual([
      ['integration.sync_started', 'manual'],
      ['integration.sync_started', 'resume'],
      ['integration.sync_completed', undefined],
    ]);
  }, 60_000);
});

describe('a replica that stalls past its lease', () => {
  it('loses the run to the replica that took it over and writes nothing more: each page commits once', async () => {
    const hubspot = await startHubspotServer({ contacts: 500 });
    const receiver = await startCrmReceiver();
    cleanup.push(
      () => hubspot.close(),
      () => receiver.close(),
    );
    const env = {
      PROVIDER_OVERRIDES: JSON.stringify({ hubspot: { baseUrl: hubspot.baseUrl } }),
      EVENT_STREAM_NAMESPACE: `test:integration:${randomUUID()}`,
    };
    const options = { crmTokens: async () => 'token', domainRepositoryUrl: receiver.url, leaseMs: 60_000 };
    const a = createSyncsFeature({ ...options, scheduler: false });
    const b = createSyncsFeature({ ...options, tickIntervalMs: 100 });
    const ta = await startTestApp({ ...env, CONSUMER_NAME: 'integration-a' }, { features: [a.feature] });
    cleanup.push(() => ta.close());
    const caller = await tenantCaller(ta.key);
    const connectionId = await oauthConnection(ta, caller.tenantId, 'hubspot', hubspot.accessToken);
    const syncId = await createSync(ta, caller, { connectionId, model: 'contacts', mode: 'full' });
    const stalled = receiver.holdAfter(2);
    const runId = await startRunOf(ta, caller, syncId);
    await stalled; // A waits on page 3's answer; its lease runs out meanwhile
    await ta.worker.query(`UPDATE integration.sync_runs SET lease_until = now() - interval '1 second' WHERE id = $1`, [
      runId,
    ]);
    const tb = await startTestApp({ ...env, CONSUMER_NAME: 'integration-b' }, { features: [b.feature] });
    cleanup.push(() => tb.close());
    await eventually(
      async () => receiver.pages.filter((p) => p.syncId === syncId).length,
      (pages) => expect(pages).toBe(4), // B forwards page 3 again, and is held like A
    );
    receiver.release();
    expect(await a.runner().outcomeOf(runId)).toBe('lost');
    const callerOfB = await tenantCaller(tb.key, ['admin'], caller.tenantId);
    const [run] = await eventually(
      () => runsOf(tb, callerOfB, syncId),
      (runs) => expect(runs[0]!.status).toBe('completed'),
    );
    expect(run).toMatchObject({ pages: 5, fetched: 500, created: 500 });
    const records = await eventually(
      () => changedRecords(tb, syncId),
      (found) => expect(found.records.length).toBeGreaterThanOrEqual(500),
    );
    expect(records.events.map((e) => (e.data as { provenance: { page: number } }).provenance.page)).toEqual([
      1, 2, 3, 4, 5,
    ]);
    expect(records.records).toHaveLength(500);
  }, 60_000);
});

describe('a replica SIGKILLed mid-run', () => {
  it('loses nothing: another replica resumes from the checkpoint and domain-repository ingests every contact once', async () => {
    const contacts = 600;
    const key = await generateSigningKey();
    const jwks = await startJwksServer(jwksOf(key));
    const hubspot = await startHubspotServer({ contacts });
    hubspot.delay(150);
    cleanup.push(
      () => jwks.close(),
      () => hubspot.close(),
    );
    const tenantId = randomUUID();
    const token = () =>
      signTestToken(
        key,
        testClaims({
          tenant_id: tenantId,
          roles: ['service'],
          permissions: ['integrations:manage'],
          exp: Math.floor(Date.now() / 1000) + 600,
        }),
      );
    const databases = { DATABASE_URL: inject('appDatabaseUrl'), WORKER_DATABASE_URL: inject('workerDatabaseUrl') };

    const crmWorkStream = `test:crm-work:{${randomUUID()}}`;
    const namespace = `test:integration:${randomUUID()}`;
    // Cleanups run last first: this one after every process has stopped.
    const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      connectionName: 'integration:test',
    });
    cleanup.push(async () => {
      await redis.del(crmWorkStream, `${crmWorkStream}:dlq`, `${namespace}:{integration_sync}`);
      await redis.quit();
    });
    const domainPort = await freePort();
    const domain = startProcess('apps/domain-repository/src/main.ts', {
      ...databases,
      PORT: String(domainPort),
      JWKS_URL: jwks.url,
      CRM_WORK_STREAM: crmWorkStream,
      CONSUMER_NAME: `domain-repository-${randomUUID().slice(0, 8)}`,
    });
    const domainUrl = `http://127.0.0.1:${domainPort}`;
    const shared = {
      ...databases,
      JWKS_URL: jwks.url,
      OUTBOUND_ALLOWED_CIDRS: '127.0.0.0/8',
      INTEGRATION_MASTER_KEYS: JSON.stringify({
        'test-1': Buffer.alloc(32, 'integration-test-master').toString('base64'),
      }),
      PROVIDER_OVERRIDES: JSON.stringify({ hubspot: { baseUrl: hubspot.baseUrl } }),
      DOMAIN_REPOSITORY_URL: domainUrl,
      EVENT_STREAM_NAMESPACE: namespace,
    };
    const replicaPort = await freePort();
    const doomed = startProcess('apps/integration/src/syncs/testing/sync-replica.ts', {
      ...shared,
      PORT: String(replicaPort),
      CONSUMER_NAME: 'integration-doomed',
      SYNC_REPLICA_CRM_TOKEN: await token(),
      SYNC_REPLICA_LEASE_MS: '3000',
    });
    await Promise.all([untilReady(domainPort, domain), untilReady(replicaPort, doomed)]);

    // The surviving replica: this process, looking for expired leases every 100 ms.
    const syncs = createSyncsFeature({ crmTokens: token, leaseMs: 3_000, tickIntervalMs: 100 });
    const survivor = await startTestApp(
      { ...shared, CONSUMER_NAME: 'integration-survivor' },
      { features: [syncs.feature] },
    );
    cleanup.push(() => survivor.close());
    const connectionId = await oauthConnection(survivor, tenantId, 'hubspot', hubspot.accessToken);
    const headers = {
      authorization: `Bearer ${await signTestToken(key, testClaims({ tenant_id: tenantId, roles: ['admin'] }))}`,
    };
    const created = await fetch(`http://127.0.0.1:${replicaPort}/api/v1/integrations/syncs`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ connectionId, model: 'contacts', mode: 'full' }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const syncId = ((await created.json()) as { id: string }).id;
    const started = await fetch(`http://127.0.0.1:${replicaPort}/api/v1/integrations/syncs/${syncId}/run`, {
      method: 'POST',
      headers,
    });
    const { runId } = (await started.json()) as { runId: string };

    const pagesOf = async () =>
      (await survivor.worker.query<{ pages: number }>('SELECT pages FROM integration.sync_runs WHERE id = $1', [runId]))
        .rows[0]?.pages ?? 0;
    await eventually(pagesOf, (pages) => expect(pages, doomed.output()).toBeGreaterThanOrEqual(2), 30_000);
    doomed.kill('SIGKILL');
    await once(doomed, 'exit');
    const killedAt = await pagesOf();
    expect(killedAt).toBeLessThan(contacts / 100);

    const caller = await tenantCaller(survivor.key, ['admin'], tenantId);
    await eventually(
      () => runsOf(survivor, caller, syncId),
      (runs) =>
        expect(runs[0]).toMatchObject({ id: runId, status: 'completed', pages: contacts / 100, created: contacts }),
      30_000,
    );
    const resumed = await eventually(
      () => syncEvents(survivor, syncId),
      (events) => expect(events.map((e) => e.type)).toContain('integration.sync_completed'),
    );
    expect(
      resumed.filter((e) => e.type === 'integration.sync_started').map((e) => (e.data as { trigger: string }).trigger),
    ).toEqual(['manual', 'resume']);
    // Every contact became one lead once, whatever was forwarded twice around the kill.
    const owner = new pg.Client({ connectionString: inject('ownerDatabaseUrl') });
    await owner.connect();
    cleanup.push(() => owner.end());
    const count = async (sql: string) => (await owner.query<{ n: number }>(sql, [tenantId])).rows[0]!.n;
    await eventually(
      () =>
        count(
          `SELECT count(*)::int AS n FROM domain_repository.crm_events WHERE tenant_id = $1 AND provider = 'hubspot' AND status = 'processed'`,
        ),
      (n) => expect(n).toBe(contacts),
      90_000,
    );
    expect(
      await count(
        `SELECT count(DISTINCT external_ids[1])::int AS n FROM domain_repository.crm_events WHERE tenant_id = $1 AND provider = 'hubspot'`,
      ),
    ).toBe(contacts);
    expect(
      await count(
        `SELECT count(*)::int AS n FROM domain_repository_event_store.external_ids WHERE tenant_id = $1 AND source = 'hubspot.contact'`,
      ),
    ).toBe(contacts);
    expect(
      await count(
        `SELECT count(*)::int AS n FROM domain_repository_event_store.events WHERE tenant_id = $1 AND type = 'lead.created'`,
      ),
    ).toBe(contacts);
  }, 180_000);
});
