import { randomUUID } from 'node:crypto';
import { createConsumer, createPublisher, eventStreamKey } from '@bizosaas/messaging';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startProcess, type TestProcess } from '../outbox/test-process.ts';
import {
  deleteNamespace,
  leadEvent,
  redisUrl,
  scratchStore,
  testRedis,
  uniqueNamespace,
  waitFor,
  type ScratchStore,
} from '../outbox/test-support.ts';
import { createInboxHandler } from './inbox-handler.ts';
import { applyEffect, createEffectTables, effectCounts } from './inbox-test-support.ts';

const urls = {
  ownerUrl: inject('ownerDatabaseUrl'),
  appUrl: inject('appDatabaseUrl'),
  workerUrl: inject('workerDatabaseUrl'),
};
const fixture = 'libs/event-store/src/inbox/fixtures/consumer-process.ts';
const redis = testRedis('consumer-crash');
const namespace = uniqueNamespace('consumer-crash');
let store: ScratchStore;
const processes: TestProcess[] = [];

beforeAll(async () => {
  store = await scratchStore('consumer_crash', urls);
  await createEffectTables(store);
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill('SIGKILL')));
  await store.drop();
  await deleteNamespace(redis, namespace);
  redis.disconnect();
});

/** Publishes five events to a fresh stream and starts the fixture, which hangs in the third one's effect. */
async function hungConsumer(label: string, env: Record<string, string> = {}) {
  const ns = `${namespace}:${label}`;
  const stream = eventStreamKey('lead', ns);
  const group = `projector-${label}`;
  const events = Array.from({ length: 5 }, () => leadEvent(randomUUID(), 1));
  await createPublisher({ redis, namespace: ns }).publishMany(events);
  const hung = events[2]!;
  const child = startProcess(fixture, {
    APP_DATABASE_URL: urls.appUrl,
    SCHEMA: store.schema,
    REDIS_URL: redisUrl,
    STREAM: stream,
    GROUP: group,
    CONSUMER: 'doomed',
    HANG_EVENT_ID: hung.id,
    ...env,
  });
  processes.push(child);
  await child.waitForLine((line) => line === `effect-started ${hung.id}`, 'the hung effect to start');
  return { child, stream, group, events, hung };
}

/** A second consumer of the group that reclaims what the first left pending, until nothing is. */
async function rescue(stream: string, group: string) {
  const handler = createInboxHandler({
    pool: store.app,
    schema: store.schema,
    consumer: group,
    handle: (event, client, delivery) => applyEffect(client, store.schema, event, delivery.deliveryCount),
  });
  const consumer = createConsumer({
    redis,
    streams: [stream],
    group,
    consumer: 'rescuer',
    handler,
    blockMs: 50,
    claimIdleMs: 300,
    claimIntervalMs: 100,
  });
  await consumer.start();
  try {
    await waitFor(async () => (await redis.xpending(stream, group))[0] === 0, 'every entry acknowledged');
  } finally {
    await consumer.stop();
  }
}

async function effectsOf(events: { id: string }[]) {
  const counts = await effectCounts(store);
  return events.map((event) => counts.get(event.id) ?? 0);
}

describe('consumer dying or hanging mid-handling', () => {
  it('killed (SIGKILL) after its effect started: another consumer reclaims the entry and applies it once', async () => {
    const { child, stream, group, events, hung } = await hungConsumer('killed');
    expect(await effectsOf(events)).toEqual([1, 1, 0, 0, 0]); // the hung effect is not committed
    await child.kill('SIGKILL');

    await rescue(stream, group);

    expect(await effectsOf(events)).toEqual([1, 1, 1, 1, 1]);
    const { rows } = await store.owner.query(`SELECT delivery FROM ${store.schema}.effects WHERE event_id = $1`, [
      hung.id,
    ]);
    expect(rows).toEqual([{ delivery: 2 }]); // applied by the reclaiming delivery
  });

  it('hung but alive: PostgreSQL ends its idle transaction, another consumer reclaims and applies once', async () => {
    const { child, stream, group, events } = await hungConsumer('hung', { TRANSACTION_IDLE_TIMEOUT_MS: '500' });

    await rescue(stream, group);

    expect(await effectsOf(events)).toEqual([1, 1, 1, 1, 1]);
    expect(child.child.exitCode).toBeNull(); // its dead session did not crash it
    await child.kill('SIGKILL');
  });
});
