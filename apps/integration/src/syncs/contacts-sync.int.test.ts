import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubspotServer, type HubspotServer } from '../testing/hubspot-server.ts';
import { eventually, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { createSyncsFeature } from './syncs-feature.ts';
import { startCrmReceiver, type CrmReceiver } from './testing/crm-receiver.ts';
import {
  changedRecords,
  createSync,
  oauthConnection,
  runsOf,
  startRunOf,
  syncEvents,
} from './testing/sync-fixtures.ts';

let t: TestApp;
let hubspot: HubspotServer;
let receiver: CrmReceiver;
let syncs: ReturnType<typeof createSyncsFeature>;

beforeAll(async () => {
  hubspot = await startHubspotServer({ contacts: 1000 });
  receiver = await startCrmReceiver();
  syncs = createSyncsFeature({
    crmTokens: async (tenantId) => `service-token-of-${tenantId}`,
    domainRepositoryUrl: receiver.url,
    scheduler: false,
  });
  t = await startTestApp(
    { PROVIDER_OVERRIDES: JSON.stringify({ hubspot: { baseUrl: hubspot.baseUrl } }) },
    { features: [syncs.feature] },
  );
});
afterAll(async () => {
  await t?.close();
  await hubspot?.close();
  await receiver?.close();
});

async function hubspotSync(mode: 'full' | 'incremental') {
  const caller = await tenantCaller(t.key);
  const connectionId = await oauthConnection(t, caller.tenantId, 'hubspot', hubspot.accessToken);
  const syncId = await createSync(t, caller, { connectionId, model: 'contacts', mode });
  const run = async () => {
    const runId = await startRunOf(t, caller, syncId);
    expect(await syncs.runner().outcomeOf(runId)).toBe('completed');
    return runId;
  };
  return { caller, syncId, run };
}

const receivedIdsOf = (syncId: string) => receiver.pages.filter((p) => p.syncId === syncId).flatMap((p) => p.ids);

describe('a contacts sync (HubSpot CRM v3, full mode)', () => {
  it('brings in 1,000 contacts once, then exactly the 10 changed and the 5 deleted', async () => {
    const { caller, syncId, run } = await hubspotSync('full');
    const first = await run();
    const all = hubspot.ids();
    const one = await eventually(
      () => changedRecords(t, syncId, first),
      (found) => expect(found.records).toHaveLength(1000),
    );
    expect(one.events).toHaveLength(10);
    expect(new Set(one.created)).toEqual(new Set(all));
    expect(one.events.map((e) => (e.data as { provenance: { page: number } }).provenance.page)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    expect(one.events[1]!.data).toMatchObject({
      provider: 'hubspot',
      runId: first,
      model: 'contacts',
      provenance: { page: 2, cursor: '101', providerRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
    expect(receivedIdsOf(syncId).sort()).toEqual([...all].sort());
    expect(receiver.pages.find((p) => p.syncId === syncId)?.authorization).toBe(
      `Bearer service-token-of-${caller.tenantId}`,
    );

    const updated = ['3', '150', '151', '299', '420', '555', '601', '777', '901', '1000'];
    const removed = ['10', '11', '500', '501', '999'];
    hubspot.update(updated);
    hubspot.remove(removed);
    const received = receiver.pages.length;
    const second = await run();
    const two = await eventually(
      () => changedRecords(t, syncId, second),
      (found) => expect(found.records).toHaveLength(15),
    );
    expect(two.updated.sort()).toEqual([...updated].sort());
    expect(two.deleted.sort()).toEqual([...removed].sort());
    expect(two.created).toEqual([]);
    const forwarded = receiver.pages.slice(received).filter((p) => p.syncId === syncId);
    expect(forwarded.flatMap((p) => p.ids).sort()).toEqual([...updated, ...removed].sort());
    const archived = forwarded.flatMap((p) => p.records).filter((r) => r.archived);
    expect(archived.map((r) => r.id).sort()).toEqual([...removed].sort());
    expect(archived.every((r) => Object.keys(r.properties).length === 0)).toBe(true);
    expect(receiver.duplicates(syncId)).toBe(0);

    const runs = await runsOf(t, caller, syncId);
    expect(
      runs.map(({ id, status, pages, fetched, created, updated: u, deleted, unchanged, error }) => ({
        id,
        status,
        pages,
        fetched,
        created,
        updated: u,
        deleted,
        unchanged,
        error,
      })),
    ).toEqual([
      {
        id: second,
        status: 'completed',
        pages: 10,
        fetched: 995,
        created: 0,
        updated: 10,
        deleted: 5,
        unchanged: 985,
        error: null,
      },
      {
        id: first,
        status: 'completed',
        pages: 10,
        fetched: 1000,
        created: 1000,
        updated: 0,
        deleted: 0,
        unchanged: 0,
        error: null,
      },
    ]);
    const lifecycle = (await syncEvents(t, syncId)).filter((e) => e.type !== 'integration.records_changed');
    expect(lifecycle.map((e) => [e.type, e.correlationId])).toEqual([
      ['integration.sync_started', first],
      ['integration.sync_completed', first],
      ['integration.sync_started', second],
      ['integration.sync_completed', second],
    ]);
    expect(lifecycle[3]!.data).toMatchObject({
      counts: { pages: 10, fetched: 995, created: 0, updated: 10, deleted: 5, unchanged: 985 },
    });
  });

  it('an unchanged source emits nothing and forwards nothing', async () => {
    const { syncId, run } = await hubspotSync('full');
    await run();
    const forwarded = receivedIdsOf(syncId).length;
    const again = await run();
    await eventually(
      () => syncEvents(t, syncId),
      (events) =>
        expect(events.some((e) => e.type === 'integration.sync_completed' && e.correlationId === again)).toBe(true),
    );
    expect((await changedRecords(t, syncId, again)).events).toEqual([]);
    expect(receivedIdsOf(syncId)).toHaveLength(forwarded);
  });
});

describe('a contacts sync in incremental mode', () => {
  it('reports changes but never deletions, and waits out a 429 without failing', async () => {
    const { caller, syncId, run } = await hubspotSync('incremental');
    await run();
    hubspot.remove(['20']);
    hubspot.update(['21']);
    hubspot.throttle([hubspot.requests.length + 3], 1);
    const second = await run();
    const changes = await eventually(
      () => changedRecords(t, syncId, second),
      (found) => expect(found.records).toHaveLength(1),
    );
    expect(changes.updated).toEqual(['21']);
    expect(hubspot.requests.filter((r) => r.status === 429)).toHaveLength(1);
    expect((await runsOf(t, caller, syncId))[0]).toMatchObject({ status: 'completed', deleted: 0, updated: 1 });
  });
});

describe('a page the receiver stored but never acknowledged', () => {
  it('fails the run; the next run carries on from the committed page and the receiver sees a duplicate, nothing lost', async () => {
    const { caller, syncId } = await hubspotSync('full');
    const before = receiver.pages.length;
    // Page 3 and its three retries are stored, then answered 503 (a crash between delivery and commit).
    receiver.failAfter(2, 4);
    const failed = await startRunOf(t, caller, syncId);
    expect(await syncs.runner().outcomeOf(failed)).toBe('failed');
    const [run] = await runsOf(t, caller, syncId);
    expect(run).toMatchObject({
      id: failed,
      status: 'failed',
      pages: 2,
      created: 200,
      error: expect.stringContaining('503'),
    });
    const resumed = await startRunOf(t, caller, syncId);
    expect(await syncs.runner().outcomeOf(resumed)).toBe('completed');
    expect((await runsOf(t, caller, syncId))[0]).toMatchObject({
      pages: Math.ceil(hubspot.count() / 100) - 2,
      deleted: 0,
    });
    const pages = receiver.pages.slice(before).filter((p) => p.syncId === syncId);
    expect(pages.map((p) => p.page).slice(0, 7)).toEqual([1, 2, 3, 3, 3, 3, 3]);
    expect(new Set(pages.flatMap((p) => p.ids))).toEqual(new Set(hubspot.ids()));
    expect(receiver.duplicates(syncId)).toBe(400);
    const records = await eventually(
      () => changedRecords(t, syncId),
      (found) => expect(found.records).toHaveLength(hubspot.count()),
    );
    expect(new Set(records.created).size).toBe(hubspot.count());
  });
});
