import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '@bizosaas/event-schemas';
import type { BatchItem, Delivery } from '@bizosaas/messaging';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { leadEvent, scratchStore, tenantId, type ScratchStore } from '../outbox/test-support.ts';
import { createInboxBatchHandler } from './inbox-handler.ts';
import { applyEffect, createEffectTables, effectCounts, inboxCount } from './inbox-test-support.ts';

const urls = {
  ownerUrl: inject('ownerDatabaseUrl'),
  appUrl: inject('appDatabaseUrl'),
  workerUrl: inject('workerDatabaseUrl'),
};
let store: ScratchStore;

beforeAll(async () => {
  store = await scratchStore('inbox_batch', urls);
  await createEffectTables(store);
});

afterAll(() => store.drop());

const delivery: Delivery = { stream: 's', entryId: '1-0', deliveryCount: 1, group: 'g', consumer: 'c' };
const items = (events: DomainEvent[]): BatchItem<DomainEvent>[] => events.map((event) => ({ event, delivery }));
const leadOf = (tenant: string) => ({ ...leadEvent(randomUUID(), 1), tenantId: tenant });

describe('createInboxBatchHandler', () => {
  it('applies each new event of a batch once, under its own tenant, and skips events already recorded', async () => {
    const consumer = `batch-${randomUUID()}`;
    const seenTenants: string[] = [];
    const handler = createInboxBatchHandler<DomainEvent>({
      pool: store.app,
      schema: store.schema,
      consumer,
      handle: async (event, client) => {
        const { rows } = await client.query<{ t: string }>(`SELECT current_setting('app.current_tenant_id') AS t`);
        seenTenants.push(rows[0]!.t);
        // RLS: the effect row must carry the tenant the inbox set, or the insert is refused.
        await applyEffect(client, store.schema, event, 1);
      },
    });
    const other = randomUUID();
    const [a, b, c] = [leadOf(tenantId), leadOf(other), leadOf(tenantId)];
    await handler(items([a]));
    await handler(items([a, b, c, b]));

    const counts = await effectCounts(store);
    expect([a, b, c].map((event) => counts.get(event.id))).toEqual([1, 1, 1]);
    // Tenant by tenant, in tenant id order (a's own batch first).
    expect(seenTenants).toEqual([tenantId, ...[other, tenantId].sort()]);
    expect(await inboxCount(store, consumer)).toBe(3);
  });

  it('gives handleBatch the new events of each tenant together, in stream order', async () => {
    const consumer = `batch-many-${randomUUID()}`;
    const calls: { tenant: string; ids: string[] }[] = [];
    const handler = createInboxBatchHandler<DomainEvent>({
      pool: store.app,
      schema: store.schema,
      consumer,
      handle: () => Promise.reject(new Error('handleBatch is given, so handle is not used')),
      handleBatch: async (events, client) => {
        const { rows } = await client.query<{ t: string }>(`SELECT current_setting('app.current_tenant_id') AS t`);
        calls.push({ tenant: rows[0]!.t, ids: events.map((event) => event.id) });
      },
    });
    const other = randomUUID();
    const [a1, b1, a2, b2, a3] = [leadOf(tenantId), leadOf(other), leadOf(tenantId), leadOf(other), leadOf(tenantId)];
    await handler(items([a1]));
    await handler(items([a1, b1, a2, b2, a3, a2]));

    const expected = [
      { tenant: tenantId, ids: [a2.id, a3.id] },
      { tenant: other, ids: [b1.id, b2.id] },
    ].sort((x, y) => (x.tenant < y.tenant ? -1 : 1));
    expect(calls).toEqual([{ tenant: tenantId, ids: [a1.id] }, ...expected]);
  });

  it('acrossTenants (worker role): records the whole batch at once and hands every new event to handleBatch together', async () => {
    const consumer = `batch-across-${randomUUID()}`;
    const calls: string[][] = [];
    const handler = createInboxBatchHandler<DomainEvent>({
      pool: store.worker,
      schema: store.schema,
      consumer,
      acrossTenants: true,
      handle: () => Promise.reject(new Error('not used')),
      handleBatch: async (events) => void calls.push(events.map((event) => event.id)),
    });
    const other = randomUUID();
    const [a, b, c] = [leadOf(tenantId), leadOf(other), leadOf(tenantId)];
    await handler(items([a]));
    await handler(items([a, b, c]));

    expect(calls).toEqual([[a.id], [b.id, c.id]]);
    const { rows } = await store.owner.query(
      `SELECT event_id, tenant_id FROM ${store.schema}.inbox WHERE consumer = $1 ORDER BY processed_at, event_id`,
      [consumer],
    );
    expect(new Map(rows.map((row) => [row.event_id, row.tenant_id]))).toEqual(
      new Map([
        [a.id, tenantId],
        [b.id, other],
        [c.id, tenantId],
      ]),
    );
  });

  it('acrossTenants with the app role is refused by RLS: nothing is recorded', async () => {
    const consumer = `batch-across-app-${randomUUID()}`;
    const handler = createInboxBatchHandler<DomainEvent>({
      pool: store.app,
      schema: store.schema,
      consumer,
      acrossTenants: true,
      retry: false,
      handle: async () => {},
    });
    await expect(handler(items([leadOf(tenantId)]))).rejects.toThrow(/row-level security/);
    expect(await inboxCount(store, consumer)).toBe(0);
  });

  it('rolls the whole batch back when one effect fails: no effect and no inbox record survives', async () => {
    const consumer = `batch-fail-${randomUUID()}`;
    const [a, bad, c] = [leadOf(tenantId), leadOf(tenantId), leadOf(tenantId)];
    const handler = createInboxBatchHandler<DomainEvent>({
      pool: store.app,
      schema: store.schema,
      consumer,
      retry: false,
      handle: async (event, client) => {
        await applyEffect(client, store.schema, event, 1);
        if (event.id === bad.id) throw new Error('projection bug');
      },
    });
    await expect(handler(items([a, bad, c]))).rejects.toThrow('projection bug');

    const counts = await effectCounts(store);
    expect([a, bad, c].map((event) => counts.get(event.id))).toEqual([undefined, undefined, undefined]);
    expect(await inboxCount(store, consumer)).toBe(0);
  });

  it('refuses an effect written for another tenant than the event (RLS), failing the batch', async () => {
    const consumer = `batch-rls-${randomUUID()}`;
    const handler = createInboxBatchHandler<DomainEvent>({
      pool: store.app,
      schema: store.schema,
      consumer,
      retry: false,
      handle: (event, client) => applyEffect(client, store.schema, { id: event.id, tenantId: randomUUID() }, 1),
    });
    const error = await handler(items([leadOf(tenantId)])).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(pg.DatabaseError);
    expect((error as pg.DatabaseError).message).toMatch(/row-level security/);
    expect(await inboxCount(store, consumer)).toBe(0);
  });
});
