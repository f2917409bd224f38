// The bus itself (DESIGN.md "Bus"): publish -> consume latency over Redis Streams through
// libs/messaging, at a target event rate.
//   npx tsx tools/bench/bus-latency.ts
// env: REDIS_URL        (default redis://127.0.0.1:6379)
//      BENCH_RATE       target events/s (default 10000)
//      BENCH_SECONDS    seconds of production (default 10; the first second is warm-up, not measured)
//      BENCH_TICK_MS    the producer pipelines each tick's events in one round trip (default 5)
//      BENCH_BATCH      consumer XREADGROUP COUNT (default 200)
//      BENCH_HANDLERS   comma separated consumers, run one after the other (default raw,batch):
//                       raw    bare ioredis XREADGROUP + JSON.parse + one pipelined XACK per read (the baseline)
//                       batch  createConsumer with a batch handler (one XACK per read), as throughput consumers use
//                       each   createConsumer with a handler per event (each acknowledged after its handler)
//
// The producer (this process) publishes lead.created envelopes with Publisher.publishMany, paced
// open-loop: tick k is due at start + k * tick and a late tick is sent at once, not skipped. The
// consumer runs in its own process (this script with `consume` as argument), as a service would:
// createConsumer with the catalogue's parseEvent on every event, acknowledging each read. Latency
// per event = the consumer's handler call - the moment publishMany was called for it. Both
// clocks are performance.timeOrigin + now() on one machine.
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createEvent, eventCatalogue, type EventEnvelope } from '@bizosaas/event-schemas';
import {
  createConsumer,
  createPublisher,
  createRedis,
  ENVELOPE_FIELD,
  eventStreamKey,
  fieldValue,
} from '@bizosaas/messaging';
import type { Redis } from 'ioredis';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const rate = Number(process.env.BENCH_RATE ?? 10_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const tickMs = Number(process.env.BENCH_TICK_MS ?? 5);
const batch = Number(process.env.BENCH_BATCH ?? 200);
const handlers = (process.env.BENCH_HANDLERS ?? 'raw,batch').split(',');
const now = () => performance.timeOrigin + performance.now();

type Received = [eventId: string, at: number];

/** Child mode: consume the namespace's lead stream until told to stop, then report what arrived when. */
async function consume(namespace: string, mode: string): Promise<void> {
  const redis = createRedis(redisUrl, { connectionName: 'bench-bus-consumer' });
  const received: Received[] = [];
  const consumer =
    mode === 'raw'
      ? rawConsumer(redis, eventStreamKey('lead', namespace), received)
      : messagingConsumer(redis, namespace, mode, received);
  await consumer.start();
  process.send!({ ready: true });
  const finish = async () => {
    await consumer.stop();
    process.send!({ received }, () => {
      redis.disconnect();
      process.exit(0);
    });
  };
  process.once('message', () => void finish());
}

function messagingConsumer(redis: Redis, namespace: string, mode: string, received: Received[]) {
  const handler = async (event: EventEnvelope) => void received.push([event.id, now()]);
  // A read of one entry goes to `handler` even when there is a batch handler.
  const batchHandler = async (items: readonly { event: EventEnvelope }[]) =>
    void items.forEach(({ event }) => received.push([event.id, now()]));
  return createConsumer<EventEnvelope>({
    redis,
    streams: [eventStreamKey('lead', namespace)],
    group: 'bench',
    consumer: 'c1',
    batchSize: batch,
    blockMs: 1_000,
    handler,
    ...(mode === 'batch' && { batchHandler }),
  });
}

/** What ioredis alone does: the floor under libs/messaging (no zod, no reclaiming, no dead letters). */
function rawConsumer(redis: Redis, stream: string, received: Received[]) {
  const blocking = redis.duplicate();
  let stopped = false;
  let loop: Promise<void> | undefined;
  return {
    async start() {
      await redis.xgroup('CREATE', stream, 'raw', '0', 'MKSTREAM');
      loop = (async () => {
        while (!stopped) {
          const reply = (await blocking.xreadgroup(
            'GROUP',
            'raw',
            'c1',
            'COUNT',
            batch,
            'BLOCK',
            200,
            'STREAMS',
            stream,
            '>',
          )) as [string, [string, string[]][]][] | null;
          const entries = reply?.[0]?.[1] ?? [];
          if (entries.length === 0) continue;
          for (const [, fields] of entries)
            received.push([(JSON.parse(fieldValue(fields, ENVELOPE_FIELD)!) as EventEnvelope).id, now()]);
          await redis.xack(stream, 'raw', ...entries.map(([id]) => id));
        }
      })();
    },
    async stop() {
      stopped = true;
      await loop;
      blocking.disconnect();
    },
  };
}

const percentile = (sorted: readonly number[], share: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? 0;

async function produce(mode: string): Promise<void> {
  const namespace = `bench:${randomUUID().slice(0, 8)}:events`;
  const redis = createRedis(redisUrl, { connectionName: 'bench-bus-producer' });
  const publisher = createPublisher({ redis, namespace });
  const child = fork(fileURLToPath(import.meta.url), ['consume', namespace, mode], { execArgv: ['--import', 'tsx'] });
  const message = <T>() => new Promise<T>((resolve) => child.once('message', (value) => resolve(value as T)));
  await message<{ ready: true }>();

  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const ticks = Math.round((seconds * 1000) / tickMs);
  // Built before the clock starts: the producer's cost is the publish, not zod building envelopes.
  const tenantId = randomUUID();
  const events = Array.from({ length: ticks * perTick }, () =>
    createEvent({
      type: 'lead.created',
      tenantId,
      actor: { type: 'service', id: 'bench' },
      data: eventCatalogue['lead.created'].example,
    }),
  );
  const sentAt = new Map<string, number>();
  const pending: Promise<unknown>[] = [];
  const start = now();
  for (let k = 0; k < ticks; k += 1) {
    const wait = start + k * tickMs - now();
    if (wait >= 1) await sleep(wait);
    const slice = events.slice(k * perTick, (k + 1) * perTick);
    const at = now();
    for (const event of slice) sentAt.set(event.id, at);
    pending.push(publisher.publishMany(slice));
  }
  await Promise.all(pending);
  const produced = (now() - start) / 1000;
  // Let the consumer drain (bounded), then collect.
  await sleep(2_000);
  child.send({ stop: true });
  const { received } = await message<{ received: Received[] }>();

  const warmUp = start + 1_000;
  const latencies = received
    .filter(([id]) => (sentAt.get(id) ?? 0) >= warmUp)
    .map(([id, at]) => at - sentAt.get(id)!)
    .sort((a, b) => a - b);
  const missing = events.length - new Set(received.map(([id]) => id)).size;
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  console.log(
    `${mode.padEnd(5)} produced ${events.length} at ${(events.length / produced).toFixed(0)} events/s, consumed ${received.length}, missing ${missing} | ` +
      `publish -> consume p50 ${ms(percentile(latencies, 0.5))}, p95 ${ms(percentile(latencies, 0.95))}, p99 ${ms(percentile(latencies, 0.99))}, max ${ms(latencies.at(-1) ?? 0)}`,
  );
  await redis.del(eventStreamKey('lead', namespace));
  redis.disconnect();
}

if (process.argv[2] === 'consume') {
  await consume(process.argv[3]!, process.argv[4]!);
} else {
  console.log(
    `bus latency bench: ${rate} events/s for ${seconds} s (first second not measured), pipelines of ${Math.round((rate * tickMs) / 1000)} every ${tickMs} ms, consumer COUNT ${batch}`,
  );
  for (const mode of handlers) await produce(mode);
}
