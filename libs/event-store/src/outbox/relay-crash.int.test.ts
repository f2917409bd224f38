import { randomUUID } from 'node:crypto';
import { ENVELOPE_FIELD, eventStreamKey, fieldValue } from '@bizosaas/messaging';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createOutboxRelay } from './outbox-relay.ts';
import type { BatchOutcome as OutboxBatchOutcome } from './relay-batch.ts';
import { startProcess, type TestProcess } from './test-process.ts';
import {
  commitEvents,
  deleteNamespace,
  leadEvent,
  outboxCount,
  redisUrl,
  scratchStore,
  streamEventIds,
  testRedis,
  uniqueNamespace,
  waitFor,
  type ScratchStore,
} from './test-support.ts';

const urls = {
  ownerUrl: inject('ownerDatabaseUrl'),
  appUrl: inject('appDatabaseUrl'),
  workerUrl: inject('workerDatabaseUrl'),
};
const fixture = 'libs/event-store/src/outbox/fixtures/relay-process.ts';
const redis = testRedis('relay-crash');
const namespace = uniqueNamespace('relay-crash');
const stream = eventStreamKey('lead', namespace);
let store: ScratchStore;
const processes: TestProcess[] = [];

beforeAll(async () => {
  store = await scratchStore('relay_crash', urls);
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill('SIGKILL')));
  await store.drop();
  await deleteNamespace(redis, namespace);
  redis.disconnect();
});

function relayProcess(env: Record<string, string> = {}): TestProcess {
  const relay = startProcess(fixture, {
    WORKER_DATABASE_URL: urls.workerUrl,
    SCHEMA: store.schema,
    REDIS_URL: redisUrl,
    ...env,
  });
  processes.push(relay);
  return relay;
}

/** Commits `versions` events for each of `aggregates` new leads, one version of every lead per transaction. */
async function produce(aggregates: number, versions: number): Promise<string[]> {
  const leads = Array.from({ length: aggregates }, () => randomUUID());
  const ids: string[] = [];
  for (let version = 1; version <= versions; version++) {
    const events = leads.map((lead) => leadEvent(lead, version));
    await commitEvents(store.app, store.schema, namespace, events);
    ids.push(...events.map((event) => event.id));
  }
  return ids;
}

async function drainWithFreshRelay(): Promise<void> {
  const relay = relayProcess();
  await waitFor(
    async () => (await outboxCount(store.owner, store.schema)) === 0,
    'restarted relay to empty the outbox',
  );
  await relay.kill('SIGTERM');
}

/** Every aggregate's versions, in the order of their first appearance on the stream, are 1..n. */
async function expectFirstSeenInVersionOrder(): Promise<void> {
  const seen = new Set<string>();
  const last = new Map<string, number>();
  for (const [, fields] of (await redis.xrange(stream, '-', '+')) as [string, string[]][]) {
    const event = JSON.parse(fieldValue(fields, ENVELOPE_FIELD)!) as {
      id: string;
      aggregateId: string;
      aggregateVersion: number;
    };
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    expect(event.aggregateVersion).toBe((last.get(event.aggregateId) ?? 0) + 1);
    last.set(event.aggregateId, event.aggregateVersion);
  }
}

describe('outbox relay killed with SIGKILL', () => {
  it('between XADD and COMMIT: the restarted relay republishes the batch, nothing is lost', async () => {
    const ids = await produce(10, 12);
    const first = relayProcess({ BATCH_SIZE: '40', PAUSE_BEFORE_COMMIT_MS: '600000' });
    await first.waitForLine((line) => line.startsWith('published'), 'first batch on the stream');
    expect(await streamEventIds(redis, stream)).toEqual(ids.slice(0, 40));
    await first.kill('SIGKILL');
    expect(await outboxCount(store.owner, store.schema)).toBe(120); // its DELETE never committed

    await drainWithFreshRelay();

    const published = await streamEventIds(redis, stream);
    expect(published).toEqual([...ids.slice(0, 40), ...ids]); // the killed batch twice, then in order
    await expectFirstSeenInVersionOrder();
  });

  it('a standby relay waits while the active one holds a batch, and takes over when it is killed', async () => {
    const before = await streamEventIds(redis, stream);
    const ids = await produce(6, 5);
    const active = relayProcess({ BATCH_SIZE: '10', PAUSE_BEFORE_COMMIT_MS: '600000' });
    await active.waitForLine((line) => line.startsWith('published'), 'active relay mid-batch');
    const outcomes: OutboxBatchOutcome[] = [];
    const standby = createOutboxRelay({
      pool: store.worker,
      schema: store.schema,
      redis,
      pollIntervalMs: 50,
      onBatch: (outcome) => outcomes.push(outcome),
    });
    await standby.start();
    try {
      await waitFor(
        () => outcomes.filter((o) => o.kind === 'busy').length >= 3,
        'standby to find the relay lock taken',
      );
      expect(outcomes.every((o) => o.kind === 'busy')).toBe(true);
      expect((await streamEventIds(redis, stream)).slice(before.length)).toEqual(ids.slice(0, 10));

      await active.kill('SIGKILL');
      await waitFor(async () => (await outboxCount(store.owner, store.schema)) === 0, 'standby to take over');
    } finally {
      await standby.stop();
    }
    expect((await streamEventIds(redis, stream)).slice(before.length)).toEqual([...ids.slice(0, 10), ...ids]);
  });

  it('at random points while producers commit: every event is on the stream at least once', async () => {
    const before = new Set(await streamEventIds(redis, stream));
    const produced: Promise<string[]>[] = [];
    for (let round = 0; round < 4; round++) {
      produced.push(produce(5, 6));
      const relay = relayProcess({ BATCH_SIZE: '7', PAUSE_BEFORE_COMMIT_MS: '15' });
      await relay.waitForLine((line) => line === 'ready', 'relay started');
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 300));
      await relay.kill('SIGKILL');
    }
    const ids = (await Promise.all(produced)).flat();
    await drainWithFreshRelay();

    const published = new Set(await streamEventIds(redis, stream));
    const missing = ids.filter((id) => !published.has(id));
    expect(missing).toEqual([]);
    expect(published.size).toBe(before.size + ids.length);
    await expectFirstSeenInVersionOrder();
  });
});
