// A sync's past window replayed from the event-bus archive (a real event-bus process archiving the
// replicas' stream namespace) into a real domain-repository whose database never received it:
// every record arrives and HubSpot receives no request; a second replay is all duplicates.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubspotServer, type HubspotServer } from '../testing/hubspot-server.ts';
import { eventually, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { startReplayPlatform, type DomainRepository, type ReplayPlatform } from './replay-test-platform.ts';
import { claimExpiredRuns } from './start-run.ts';
import { createSyncsFeature, type SyncsFeatureOptions } from './syncs-feature.ts';
import { startCrmReceiver } from './testing/crm-receiver.ts';
import { createSync, oauthConnection, runsOf, startRunOf } from './testing/sync-fixtures.ts';

const CONTACTS = 250;
const PAGES = Math.ceil(CONTACTS / 100);
let platform: ReplayPlatform;
let hubspot: HubspotServer;
// `live` forwards to the domain-repository on the test database; `restored` to the one on a
// database of its own, as after a restore that lost what the live runs sent.
let live: TestApp;
let restored: TestApp;
let liveSyncs: ReturnType<typeof createSyncsFeature>;
let restoredSyncs: ReturnType<typeof createSyncsFeature>;
let sync: { tenantId: string; syncId: string; runId: string; from: string; to: string };
let env: Record<string, string>;
let options: (repository: { url: string }) => SyncsFeatureOptions;

beforeAll(async () => {
  [platform, hubspot] = await Promise.all([startReplayPlatform(), startHubspotServer({ contacts: CONTACTS })]);
  env = {
    PROVIDER_OVERRIDES: JSON.stringify({ hubspot: { baseUrl: hubspot.baseUrl } }),
    EVENT_STREAM_NAMESPACE: platform.namespace,
  };
  const tokens = (permissions: string[]) => (tenantId: string) => platform.token(tenantId, permissions);
  options = (repository) => ({
    crmTokens: tokens(['integrations:manage']),
    domainRepositoryUrl: repository.url,
    archive: { baseUrl: platform.eventBusUrl, token: tokens(['events:subscribe']) },
    // Three archived pages read two at a time: the history's cursor is followed.
    replayPageSize: 2,
    scheduler: false,
  });
  liveSyncs = createSyncsFeature(options(platform.live));
  restoredSyncs = createSyncsFeature(options(platform.empty));
  live = await startTestApp({ ...env, CONSUMER_NAME: 'integration-live' }, { features: [liveSyncs.feature] });
  restored = await startTestApp(
    { ...env, CONSUMER_NAME: 'integration-restored' },
    { features: [restoredSyncs.feature] },
  );

  const caller = await tenantCaller(live.key);
  const connectionId = await oauthConnection(live, caller.tenantId, 'hubspot', hubspot.accessToken);
  const syncId = await createSync(live, caller, { connectionId, model: 'contacts', mode: 'full' });
  const from = new Date(Date.now() - 1_000).toISOString();
  const runId = await startRunOf(live, caller, syncId);
  expect(await liveSyncs.runner().outcomeOf(runId)).toBe('completed');
  sync = { tenantId: caller.tenantId, syncId, runId, from, to: new Date(Date.now() + 1).toISOString() };
  await eventually(
    () => archivedPages(sync.tenantId, syncId),
    (pages) => expect(pages).toBe(PAGES),
    30_000,
  );
}, 240_000);

afterAll(async () => {
  await Promise.allSettled([live?.close(), restored?.close()]);
  await Promise.allSettled([platform?.close(), hubspot?.close()]);
}, 60_000);

async function archivedPages(tenantId: string, syncId: string): Promise<number> {
  const res = await fetch(`${platform.eventBusUrl}/api/v1/events/history`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await platform.token(tenantId, ['events:subscribe'])}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ eventTypes: ['integration.records_changed'], aggregateId: syncId, limit: 500 }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { events: unknown[] }).events.length;
}

async function replay(window: { from: string; to: string }, tenantId = sync.tenantId) {
  const caller = await tenantCaller(restored.key, ['admin'], tenantId);
  return restored.app.inject({
    method: 'POST',
    url: `/api/v1/integrations/syncs/${sync.syncId}/replay`,
    headers: caller.headers,
    payload: { from: window.from, to: window.to },
  });
}

async function replayed(window: { from: string; to: string }) {
  const res = await replay(window);
  expect(res.statusCode, res.body).toBe(202);
  const { runId } = res.json<{ runId: string }>();
  expect(await restoredSyncs.replays().outcomeOf(runId)).toBe('completed');
  const caller = await tenantCaller(restored.key, ['admin'], sync.tenantId);
  return (await runsOf(restored, caller, sync.syncId))[0]!;
}

const PROCESSED = `SELECT count(*)::int AS n FROM domain_repository.crm_events WHERE tenant_id = $1 AND provider = 'hubspot' AND status = 'processed'`;
const LEADS = `SELECT data->'contact' AS contact FROM domain_repository_event_store.events WHERE tenant_id = $1 AND type = 'lead.created'`;
const contactsOf = async (repository: DomainRepository) =>
  (await repository.rows<{ contact: unknown }>(LEADS, sync.tenantId)).map((row) => JSON.stringify(row.contact)).sort();

describe('a replay of a contacts sync from the event-bus archive', () => {
  it('brings every record of the window into a domain-repository that never received them, without calling HubSpot; again, all are duplicates', async () => {
    expect(await platform.empty.count(PROCESSED, sync.tenantId)).toBe(0);
    const served = hubspot.requests.length;

    const first = await replayed(sync);
    expect(hubspot.requests.length).toBe(served);
    expect(first).toMatchObject({
      kind: 'replay',
      status: 'completed',
      pages: PAGES,
      fetched: CONTACTS,
      created: CONTACTS,
      updated: 0,
      deleted: 0,
      unchanged: 0,
      error: null,
      replay: { from: sync.from, to: sync.to, duplicates: 0 },
    });
    await eventually(
      () => platform.empty.count(PROCESSED, sync.tenantId),
      (n) => expect(n).toBe(CONTACTS),
      60_000,
    );
    await eventually(
      () => platform.live.count(PROCESSED, sync.tenantId),
      (n) => expect(n).toBe(CONTACTS),
      60_000,
    );
    const leads = await contactsOf(platform.empty);
    expect(leads).toHaveLength(CONTACTS);
    expect(leads).toEqual(await contactsOf(platform.live));

    const second = await replayed(sync);
    expect(hubspot.requests.length).toBe(served);
    expect(second).toMatchObject({ pages: PAGES, fetched: CONTACTS, replay: { duplicates: CONTACTS } });
    expect(second.id).not.toBe(first.id);
    const caller = await tenantCaller(restored.key, ['admin'], sync.tenantId);
    const runs = await runsOf(restored, caller, sync.syncId);
    expect(runs).toHaveLength(3);
    expect(runs).toMatchObject([
      { id: second.id, kind: 'replay' },
      { id: first.id, kind: 'replay' },
      { id: sync.runId, kind: 'sync', replay: null },
    ]);
    expect(await platform.empty.count(PROCESSED, sync.tenantId)).toBe(CONTACTS);
  }, 180_000);

  it('into the domain-repository that received the live run: every record a duplicate, no lead changed', async () => {
    const caller = await tenantCaller(live.key, ['admin'], sync.tenantId);
    const LEAD_EVENTS = `SELECT count(*)::int AS n FROM domain_repository_event_store.events WHERE tenant_id = $1 AND aggregate_type = 'lead'`;
    const before = await platform.live.count(LEAD_EVENTS, sync.tenantId);
    const res = await live.app.inject({
      method: 'POST',
      url: `/api/v1/integrations/syncs/${sync.syncId}/replay`,
      headers: caller.headers,
      payload: { from: sync.from, to: sync.to },
    });
    expect(res.statusCode, res.body).toBe(202);
    const runId = res.json<{ runId: string }>().runId;
    expect(await liveSyncs.replays().outcomeOf(runId)).toBe('completed');
    // The archive keeps each record's provider version: the replayed records are the notifications it already holds.
    expect((await runsOf(live, caller, sync.syncId)).find((run) => run.id === runId)).toMatchObject({
      replay: { duplicates: CONTACTS },
    });
    expect(await platform.live.count(PROCESSED, sync.tenantId)).toBe(CONTACTS);
    expect(await platform.live.count(LEAD_EVENTS, sync.tenantId)).toBe(before);
  }, 90_000);

  it('of a window without archived records completes with nothing forwarded', async () => {
    const run = await replayed({ from: sync.to, to: new Date().toISOString() });
    expect(run).toMatchObject({ status: 'completed', pages: 0, fetched: 0, created: 0, replay: { duplicates: 0 } });
  });

  it("of another tenant's sync is 404, and starts nothing", async () => {
    const res = await replay(sync, (await tenantCaller(restored.key)).tenantId);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'NOT_FOUND' });
    const caller = await tenantCaller(restored.key, ['admin'], sync.tenantId);
    expect((await runsOf(restored, caller, sync.syncId)).every((run) => run.status !== 'running')).toBe(true);
  });

  it('stopped mid-way hands its lease back; another replica resumes it from the committed archive page, never as a pass', async () => {
    const receiver = await startCrmReceiver();
    const interrupted = createSyncsFeature({ ...options(receiver), replayPageSize: 1 });
    const first = await startTestApp(
      { ...env, CONSUMER_NAME: 'integration-interrupted' },
      { features: [interrupted.feature] },
    );
    const caller = await tenantCaller(first.key, ['admin'], sync.tenantId);
    const held = receiver.holdAfter(1);
    const res = await first.app.inject({
      method: 'POST',
      url: `/api/v1/integrations/syncs/${sync.syncId}/replay`,
      headers: caller.headers,
      payload: { from: sync.from, to: sync.to },
    });
    expect(res.statusCode, res.body).toBe(202);
    const { runId } = res.json<{ runId: string }>();
    const outcome = interrupted.replays().outcomeOf(runId)!;
    await held; // the second archived page is with the receiver, its answer held
    await first.close();
    receiver.release();
    await receiver.close();
    expect(await outcome).toBe('stopped');
    const restoredCaller = await tenantCaller(restored.key, ['admin'], sync.tenantId);
    expect((await runsOf(restored, restoredCaller, sync.syncId))[0]).toMatchObject({
      id: runId,
      status: 'running',
      pages: 1,
      fetched: 100,
    });
    expect(receiver.pages.map((p) => p.ids.length)).toEqual([100, 100]);

    // The passes' sweeper leaves it alone (claimed in a transaction rolled back: no other test's run is taken).
    const client = await restored.worker.connect();
    await client.query('BEGIN');
    const passes = await claimExpiredRuns(client as unknown as pg.Pool, new Date(), 60_000, 10_000);
    await client.query('ROLLBACK');
    client.release();
    expect(passes.map((p) => p.runId)).not.toContain(runId);

    const served = hubspot.requests.length;
    await restoredSyncs.replays().sweep();
    expect(await restoredSyncs.replays().outcomeOf(runId)).toBe('completed');
    expect(hubspot.requests.length).toBe(served);
    // Pages 2 and 3 went to the restored domain-repository, which holds them since the first test.
    expect((await runsOf(restored, restoredCaller, sync.syncId))[0]).toMatchObject({
      id: runId,
      status: 'completed',
      pages: PAGES,
      fetched: CONTACTS,
      replay: { duplicates: CONTACTS - 100 },
    });
  }, 60_000);
});
