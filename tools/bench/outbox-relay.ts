// Outbox relay latency: commit -> Redis stream, at a target event rate.
//   npx tsx tools/bench/outbox-relay.ts
// env: BENCH_DATABASE_URL  owner URL (default postgresql://postgres@127.0.0.1:5432/bizosaas_bench)
//      REDIS_URL           (default redis://127.0.0.1:6379)
//      BENCH_RATE          target events/s (default 5000)
//      BENCH_SECONDS       seconds of production (default 10)
//      BENCH_TX_EVENTS     events per append transaction, all of one aggregate (default 10)
//      BENCH_PRODUCERS     concurrent producer connections (default 4)
//      BENCH_BATCH_SIZE    relay rows per batch (default 500)
//
// Producers append through the event store (events + outbox rows, one transaction per append,
// synchronous_commit on), paced open-loop: each append has a due time and a late producer
// catches up instead of lowering the rate. The relay runs in its own process (this script with
// `relay` as argument), as in production. A reader in this process XREADs the stream.
// Latency per event = time its first copy is read from the stream - time the producer's COMMIT
// returned (the append call resolved); both clocks are this process's, so no clock skew. It
// includes NOTIFY delivery, the relay's claim + XADD + delete + COMMIT and the reader's wake-up.
import { randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  APP_ROLE,
  DEV_APP_PASSWORD,
  DEV_WORKER_PASSWORD,
  WORKER_ROLE,
  ensureAppRole,
  ensureDatabase,
} from '@bizosaas/db/migrations';
import { createEvent, type EventEnvelope } from '@bizosaas/event-schemas';
import { createRedis, ENVELOPE_FIELD, eventStreamKey, fieldValue } from '@bizosaas/messaging';
import pg from 'pg';
import {
  createEventStore,
  createOutboxNotifier,
  createOutboxRelay,
  eventStoreDdl,
  outboxBacklog,
  type OutboxBacklog,
} from '@bizosaas/event-store';

const ownerUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/bizosaas_bench';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const rate = Number(process.env.BENCH_RATE ?? 5000);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const txEvents = Number(process.env.BENCH_TX_EVENTS ?? 10);
const producers = Number(process.env.BENCH_PRODUCERS ?? 4);
const batchSize = Number(process.env.BENCH_BATCH_SIZE ?? 500);
const now = () => performance.timeOrigin + performance.now();

function roleUrl(role: string, password: string): string {
  const url = new URL(ownerUrl);
  url.username = role;
  url.password = password;
  return url.toString();
}

/** Child mode: only the relay, until SIGTERM. */
async function runRelay(schema: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: roleUrl(WORKER_ROLE, DEV_WORKER_PASSWORD), max: 3 });
  const redis = createRedis(redisUrl, { connectionName: 'bench-relay' });
  const onError = (error: unknown) => console.error('relay:', (error as Error).message);
  const relay = createOutboxRelay({ pool, schema, redis, batchSize, onError });
  await relay.start();
  console.log('ready');
  const shutdown = async () => {
    await relay.stop();
    await pool.end();
    redis.disconnect();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
}

/** Appends of `txEvents` consecutive versions of one aggregate each, prepared before timing. */
interface PreparedAppend {
  aggregateId: string;
  expectedVersion: number;
  events: EventEnvelope[];
}

function prepare(tenantId: string, appends: number): PreparedAppend[] {
  const versions = new Map<string, number>();
  const aggregates = Array.from({ length: producers * 20 }, () => randomUUID());
  return Array.from({ length: appends }, (_, i) => {
    const aggregateId = aggregates[i % aggregates.length]!;
    const expectedVersion = versions.get(aggregateId) ?? 0;
    versions.set(aggregateId, expectedVersion + txEvents);
    const events = Array.from({ length: txEvents }, (_, k) =>
      createEvent({
        type: 'lead.qualified',
        tenantId,
        aggregateId,
        aggregateVersion: expectedVersion + k + 1,
        actor: { type: 'service', id: 'bench' },
        data: {
          score: { totalScore: 80, behavioralScore: null, demographicScore: null, firmographicScore: null },
          method: 'ai',
          analysisId: null,
          notes: null,
        },
      }),
    );
    return { aggregateId, expectedVersion, events };
  });
}

/** Reads the stream until stopped; first arrival time per event id. */
function startReader(stream: string) {
  const redis = createRedis(redisUrl, { connectionName: 'bench-reader' });
  const arrivals = new Map<string, number>();
  let stopped = false;
  const done = (async () => {
    let last = '0-0';
    while (!stopped) {
      const reply = await redis.xread('COUNT', 2000, 'BLOCK', 200, 'STREAMS', stream, last);
      const at = now();
      for (const [id, fields] of reply?.[0]?.[1] ?? []) {
        last = id;
        const eventId =
          fieldValue(fields, 'id') ?? (JSON.parse(fieldValue(fields, ENVELOPE_FIELD)!) as { id: string }).id;
        if (!arrivals.has(eventId)) arrivals.set(eventId, at);
      }
    }
    redis.disconnect();
  })();
  return { arrivals, stop: () => ((stopped = true), done) };
}

async function produce(app: pg.Pool, schema: string, namespace: string, tenantId: string) {
  // Writers wake the relay after each commit, as services do (coalesced NOTIFY).
  const store = createEventStore({ schema, namespace, notifier: createOutboxNotifier({ pool: app, schema }) });
  const appends = prepare(tenantId, Math.round((rate * seconds) / txEvents));
  const committed = new Map<string, number>();
  const interval = 1000 / (rate / txEvents); // ms between appends, over all producers
  const start = now();
  let next = 0;
  await Promise.all(
    Array.from({ length: producers }, async () => {
      for (let i = next++; i < appends.length; i = next++) {
        const wait = start + i * interval - now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const { aggregateId, expectedVersion, events } = appends[i]!;
        await store.appendInOwnTransaction(app, {
          tenantId,
          aggregateType: 'lead',
          aggregateId,
          expectedVersion,
          events,
        });
        const at = now(); // COMMIT returned
        for (const event of events) committed.set(event.id, at);
      }
    }),
  );
  return { committed, elapsedMs: now() - start };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Starts this script in relay mode and resolves once it listens. */
async function startRelayProcess(schema: string): Promise<ChildProcess> {
  const script = new URL(import.meta.url).pathname;
  const relay = spawn(process.execPath, ['--import', 'tsx', script, 'relay', schema], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    relay.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    relay.once('exit', (code) => reject(new Error(`relay exited ${code}`)));
  });
  return relay;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

interface Figures {
  committed: Map<string, number>;
  arrivals: Map<string, number>;
  elapsedMs: number;
  backlogAtEnd: OutboxBacklog;
  backlogAfterDrain: OutboxBacklog;
  synchronousCommit: string;
}

function report({ committed, arrivals, elapsedMs, backlogAtEnd, backlogAfterDrain, synchronousCommit }: Figures): void {
  const latencies = [...committed].flatMap(([id, at]) => (arrivals.has(id) ? [arrivals.get(id)! - at] : []));
  latencies.sort((a, b) => a - b);
  const ms = (p: number) => `${percentile(latencies, p).toFixed(1)} ms`;
  console.log(
    `outbox relay bench: target ${rate} ev/s for ${seconds} s, ${txEvents} events/append, ${producers} producers, ` +
      `relay batch ${batchSize}, synchronous_commit=${synchronousCommit}`,
  );
  const achieved = Math.round(committed.size / (elapsedMs / 1000));
  console.log(`  produced   ${committed.size} events in ${(elapsedMs / 1000).toFixed(2)} s = ${achieved} ev/s`);
  console.log(`  on stream  ${latencies.length} of ${committed.size}`);
  console.log(`  commit -> stream  p50 ${ms(50)}  p95 ${ms(95)}  p99 ${ms(99)}  max ${ms(100)}`);
  console.log(
    `  backlog when production ended: ${backlogAtEnd.rows} rows, oldest ${backlogAtEnd.oldestAgeSeconds.toFixed(3)} s; ` +
      `after drain: ${backlogAfterDrain.rows} rows`,
  );
}

async function main(): Promise<void> {
  await ensureDatabase(ownerUrl);
  await ensureAppRole(ownerUrl);
  const schema = `bench_outbox_${randomUUID().slice(0, 8)}`;
  const namespace = `bench:outbox:${randomUUID().slice(0, 8)}:events`;
  const stream = eventStreamKey('lead', namespace);
  const owner = new pg.Pool({ connectionString: ownerUrl, max: 2 });
  const app = new pg.Pool({ connectionString: roleUrl(APP_ROLE, DEV_APP_PASSWORD), max: producers });
  const worker = new pg.Pool({ connectionString: roleUrl(WORKER_ROLE, DEV_WORKER_PASSWORD), max: 1 });
  const cleanupRedis = createRedis(redisUrl, { connectionName: 'bench-cleanup' });
  await owner.query(eventStoreDdl(schema));
  const { rows } = await owner.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
  let relay: ChildProcess | undefined;
  try {
    relay = await startRelayProcess(schema);
    const reader = startReader(stream);
    const { committed, elapsedMs } = await produce(app, schema, namespace, randomUUID());
    const backlogAtEnd = await outboxBacklog(worker, schema);
    const deadline = now() + 30_000;
    while (reader.arrivals.size < committed.size && now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await reader.stop();
    const backlogAfterDrain = await outboxBacklog(worker, schema);
    const synchronousCommit = rows[0]!.synchronous_commit;
    report({ committed, arrivals: reader.arrivals, elapsedMs, backlogAtEnd, backlogAfterDrain, synchronousCommit });
  } finally {
    if (relay) await stopProcess(relay);
    await Promise.all([app.end(), worker.end()]);
    await owner.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await owner.end();
    await cleanupRedis.unlink(stream);
    cleanupRedis.disconnect();
  }
}

if (process.argv[2] === 'relay') await runRelay(process.argv[3]!);
else await main();
