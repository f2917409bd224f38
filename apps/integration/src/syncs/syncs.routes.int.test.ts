import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiProblems } from '@bizosaas/service-kit/testing';
import { startHubspotServer, type HubspotServer } from '../testing/hubspot-server.ts';
import { eventually, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { createSyncsFeature } from './syncs-feature.ts';
import { startCrmReceiver, type CrmReceiver } from './testing/crm-receiver.ts';
import { createSync, oauthConnection, runsOf, startRunOf, syncEvents } from './testing/sync-fixtures.ts';

let t: TestApp;
let hubspot: HubspotServer;
let receiver: CrmReceiver;
let syncs: ReturnType<typeof createSyncsFeature>;
// The clock the scheduler reads; tests move it forward.
let clock = new Date('2026-03-02T10:00:30.000Z');

beforeAll(async () => {
  hubspot = await startHubspotServer({ contacts: 150 });
  receiver = await startCrmReceiver();
  syncs = createSyncsFeature({ crmTokens: async () => 'token', domainRepositoryUrl: receiver.url, scheduler: false });
  t = await startTestApp(
    { PROVIDER_OVERRIDES: JSON.stringify({ hubspot: { baseUrl: hubspot.baseUrl } }) },
    { features: [syncs.feature], now: () => clock },
  );
});
afterAll(async () => {
  await t?.close();
  await hubspot?.close();
  await receiver?.close();
});

const url = (path = '') => `/api/v1/integrations/syncs${path}`;
const inject = (
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  headers: Record<string, string>,
  payload?: object,
) => t.app.inject({ method, url: url(path), headers, ...(payload && { payload }) });

async function tenantWithConnection() {
  const caller = await tenantCaller(t.key);
  const connectionId = await oauthConnection(t, caller.tenantId, 'hubspot', hubspot.accessToken);
  return { caller, connectionId };
}

describe('sync routes', () => {
  it('create, read, list, replace and delete a sync', async () => {
    const { caller, connectionId } = await tenantWithConnection();
    const created = await inject('POST', '', caller.headers, {
      connectionId,
      model: 'contacts',
      mode: 'full',
      schedule: '0 * * * *',
    });
    expect(created.statusCode, created.body).toBe(201);
    const sync = created.json();
    expect(sync).toEqual({
      id: expect.any(String),
      connectionId,
      model: 'contacts',
      mode: 'full',
      schedule: '0 * * * *',
      enabled: true,
      runningRunId: null,
      lastRunAt: null,
      nextRunAt: '2026-03-02T11:00:00.000Z',
      createdAt: clock.toISOString(),
      updatedAt: clock.toISOString(),
    });
    expect((await inject('GET', `/${sync.id}`, caller.headers)).json()).toEqual(sync);
    expect((await inject('GET', '', caller.headers)).json()).toEqual({ items: [sync] });
    const replaced = await inject('PUT', `/${sync.id}`, caller.headers, { mode: 'incremental', enabled: false });
    expect(replaced.json()).toMatchObject({ mode: 'incremental', schedule: null, enabled: false, nextRunAt: null });
    const again = await inject('POST', '', caller.headers, { connectionId, model: 'contacts', mode: 'full' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: 'CONFLICT', details: { syncId: sync.id } });
    expect((await inject('DELETE', `/${sync.id}`, caller.headers)).statusCode).toBe(204);
    expect((await inject('GET', `/${sync.id}`, caller.headers)).statusCode).toBe(404);
  });

  it('refuses a bad schedule, unknown fields, a model the provider lacks and a connection it cannot see', async () => {
    const { caller, connectionId } = await tenantWithConnection();
    const bad = await inject('POST', '', caller.headers, {
      connectionId,
      model: 'contacts',
      mode: 'full',
      schedule: '* * * * * *',
      extra: 1,
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .details.issues.map((i: { path: string }) => i.path)
        .sort(),
    ).toEqual(['extra', 'schedule']);
    const metrics = await inject('POST', '', caller.headers, { connectionId, model: 'campaign_metrics', mode: 'full' });
    expect(metrics.statusCode).toBe(422);
    expect(metrics.json().details).toMatchObject({ rule: 'sync_model_unsupported', supported: ['contacts'] });
    const other = await tenantWithConnection();
    const foreign = await inject('POST', '', caller.headers, {
      connectionId: other.connectionId,
      model: 'contacts',
      mode: 'full',
    });
    expect(foreign.statusCode).toBe(404);
    const member = await tenantCaller(t.key, ['member'], caller.tenantId);
    expect((await inject('GET', '', member.headers)).statusCode).toBe(403);
  });

  it("another tenant's sync answers 404 everywhere", async () => {
    const { caller, connectionId } = await tenantWithConnection();
    const syncId = await createSync(t, caller, { connectionId, model: 'contacts', mode: 'full' });
    const other = await tenantCaller(t.key);
    for (const [method, path, body] of [
      ['GET', `/${syncId}`],
      ['PUT', `/${syncId}`, { mode: 'full' }],
      ['DELETE', `/${syncId}`],
      ['POST', `/${syncId}/run`],
      ['GET', `/${syncId}/runs`],
    ] as const)
      expect((await inject(method, path, other.headers, body)).statusCode, `${method} ${path}`).toBe(404);
    expect((await inject('GET', '', other.headers)).json()).toEqual({ items: [] });
    expect((await inject('GET', `/${randomUUID()}/runs`, caller.headers)).statusCode).toBe(404);
  });
});

describe('the syncs API document', () => {
  it('passes spectral:oas, every operation under the syncs tag', async () => {
    const spec = (await t.app.inject({ url: '/docs/json' })).json();
    expect(await openApiProblems(spec)).toEqual([]);
    const operations = Object.entries(spec.paths as Record<string, Record<string, { tags: string[] }>>)
      .filter(([path]) => path.startsWith('/api/v1/integrations/syncs'))
      .flatMap(([, methods]) => Object.values(methods));
    expect(operations).toHaveLength(8);
    expect(operations.every((operation) => operation.tags.join() === 'syncs')).toBe(true);
  });
});

describe('runs', () => {
  it('one at a time: a second start while a run goes on answers 409 with its id', async () => {
    const { caller, connectionId } = await tenantWithConnection();
    const syncId = await createSync(t, caller, { connectionId, model: 'contacts', mode: 'full' });
    const held = receiver.holdAfter(0);
    const runId = await startRunOf(t, caller, syncId);
    await held;
    const second = await inject('POST', `/${syncId}/run`, caller.headers);
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ error: 'CONFLICT', details: { runId } });
    expect((await inject('GET', `/${syncId}`, caller.headers)).json().runningRunId).toBe(runId);
    expect((await runsOf(t, caller, syncId)).map((r) => r.status)).toEqual(['running']);
    receiver.release();
    expect(await syncs.runner().outcomeOf(runId)).toBe('completed');
    expect(await runsOf(t, caller, syncId)).toMatchObject([{ id: runId, status: 'completed', pages: 2, created: 150 }]);
  });

  it('a sync deleted during its run stops the run, which writes nothing more', async () => {
    const { caller, connectionId } = await tenantWithConnection();
    const syncId = await createSync(t, caller, { connectionId, model: 'contacts', mode: 'full' });
    const held = receiver.holdAfter(0);
    const runId = await startRunOf(t, caller, syncId);
    await held;
    expect((await inject('DELETE', `/${syncId}`, caller.headers)).statusCode).toBe(204);
    receiver.release();
    expect(await syncs.runner().outcomeOf(runId)).toBe('lost');
    const rows = await t.pool.query('SELECT count(*)::int AS n FROM integration.sync_runs WHERE sync_id = $1', [
      syncId,
    ]);
    expect(rows.rows[0].n).toBe(0);
  });

  it('starts a scheduled sync when it is due, once', async () => {
    const { caller, connectionId } = await tenantWithConnection();
    const syncId = await createSync(t, caller, {
      connectionId,
      model: 'contacts',
      mode: 'incremental',
      schedule: '*/5 * * * *',
    });
    await syncs.runner().startDue();
    expect(await runsOf(t, caller, syncId)).toEqual([]);
    clock = new Date('2026-03-02T10:05:00.000Z');
    await Promise.all([syncs.runner().startDue(), syncs.runner().startDue()]);
    const [run, ...more] = await runsOf(t, caller, syncId);
    expect(more).toEqual([]);
    expect(await syncs.runner().outcomeOf(run!.id)).toBe('completed');
    await syncs.runner().startDue();
    expect(await runsOf(t, caller, syncId)).toHaveLength(1);
    expect((await inject('GET', `/${syncId}`, caller.headers)).json()).toMatchObject({
      lastRunAt: '2026-03-02T10:05:00.000Z',
      nextRunAt: '2026-03-02T10:10:00.000Z',
    });
    const started = await eventually(
      () => syncEvents(t, syncId),
      (events) => expect(events.map((e) => e.type)).toContain('integration.sync_started'),
    );
    expect(started[0]).toMatchObject({
      data: { trigger: 'schedule', mode: 'incremental' },
      actor: { type: 'system', id: 'integration-sync' },
    });
  });
});
