import type { Notification } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxChannel } from '../schema/event-store-ddl.ts';
import { createEventStore } from '../store/create-event-store.ts';
import { leadEvents, newAggregateId, newTenant, scratchSchema, type Scratch } from '../store/test-support.ts';
import { waitFor } from '@bizosaas/messaging/testing';
import { createOutboxNotifier, type OutboxNotifier } from './outbox-notifier.ts';
import { withTransaction } from '@bizosaas/db';

let scratch: Scratch;
let notifier: OutboxNotifier;
let received: Notification[];
let stopListening: () => Promise<void>;

beforeAll(async () => {
  scratch = await scratchSchema('notifier');
  notifier = createOutboxNotifier({ pool: scratch.app, schema: scratch.schema });
  const listener = await scratch.worker.connect();
  received = [];
  listener.on('notification', (message) => received.push(message));
  await listener.query(`LISTEN "${outboxChannel(scratch.schema)}"`);
  stopListening = async () => listener.release(true);
});

afterAll(async () => {
  await stopListening();
  await scratch.drop();
});

/** Lets the in-flight NOTIFY finish and its delivery reach the listener. */
async function settle(): Promise<void> {
  await notifier.idle();
  await scratch.worker.query('SELECT 1');
  await new Promise((resolve) => setTimeout(resolve, 50));
}

const input = (tenantId: string, outbox = true) => {
  const aggregateId = newAggregateId();
  return {
    tenantId,
    aggregateType: 'lead',
    aggregateId,
    expectedVersion: 0,
    events: leadEvents(tenantId, aggregateId, 0, 2),
    outbox,
  };
};

describe('outbox notifications come from the writer, after the commit', () => {
  it('notifies after store.transaction commits outbox rows, and not for a rollback or an append without outbox', async () => {
    const store = createEventStore({ schema: scratch.schema, notifier });
    const tenant = newTenant();
    received.length = 0;

    await store.transaction(scratch.app, tenant, (client) => store.append(client, input(tenant, false)));
    await expect(
      store.transaction(scratch.app, tenant, async (client) => {
        await store.append(client, input(tenant));
        throw new Error('the command failed after appending');
      }),
    ).rejects.toThrow('the command failed');
    await settle();
    expect(received).toHaveLength(0);

    await store.transaction(scratch.app, tenant, (client) => store.append(client, input(tenant)));
    await settle();
    expect(received.map((m) => m.channel)).toEqual([outboxChannel(scratch.schema)]);
  });

  it('notifies after appendInOwnTransaction, and after committed(client) for a bare transaction', async () => {
    const store = createEventStore({ schema: scratch.schema, notifier });
    const tenant = newTenant();
    received.length = 0;

    await store.appendInOwnTransaction(scratch.app, input(tenant));
    await settle();
    expect(received).toHaveLength(1);

    let used: object | undefined;
    await withTransaction(
      scratch.app,
      async (client) => {
        used = client;
        await store.append(client, input(tenant));
      },
      { tenantId: tenant },
    );
    await settle();
    expect(received).toHaveLength(1); // nobody said it committed
    store.committed(used as never);
    await settle();
    expect(received).toHaveLength(2);
  });

  it('folds a burst of wake-ups into at most two notifications', async () => {
    received.length = 0;
    for (let i = 0; i < 50; i += 1) notifier.notify();
    await settle();
    expect(received.length).toBeGreaterThanOrEqual(1);
    expect(received.length).toBeLessThanOrEqual(2);
  });

  it('wakes in-process subscribers at once, before any NOTIFY, until they unsubscribe', async () => {
    const local = createOutboxNotifier({ pool: scratch.app, schema: scratch.schema });
    let wakes = 0;
    const unsubscribe = local.subscribe(() => (wakes += 1));
    local.notify();
    local.notify();
    expect(wakes).toBe(2);
    unsubscribe();
    local.notify();
    expect(wakes).toBe(2);
    await local.idle();
    await settle(); // its NOTIFYs reach the listener before the next test counts
  });

  it('holds a NOTIFY back until minIntervalMs after the previous one, folding the wake-ups meanwhile into it', async () => {
    const rationed = createOutboxNotifier({ pool: scratch.app, schema: scratch.schema, minIntervalMs: 1_000 });
    await settle();
    received.length = 0;
    rationed.notify();
    await rationed.idle();
    await waitFor(() => received.length === 1, 'the first NOTIFY');
    const started = performance.now();
    for (let i = 0; i < 3; i += 1) rationed.notify();
    await rationed.idle();
    const heldBack = performance.now() - started;
    await waitFor(() => received.length === 2, 'the second NOTIFY');
    await settle();
    expect(received).toHaveLength(2);
    // Unrationed, it would have gone out at once (a round trip); the interval is counted from the first.
    expect(heldBack).toBeGreaterThan(500);
  });
});
