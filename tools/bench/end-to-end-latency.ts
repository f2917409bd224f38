// Latency from a command's append to the projection row it causes, at a target rate.
//   npx tsx tools/bench/end-to-end-latency.ts
// env: BENCH_DATABASE_URL  owner URL (default postgresql://postgres@127.0.0.1:5432/bizosaas_bench)
//      REDIS_URL           (default redis://127.0.0.1:6379)
//      BENCH_RATE          commands per second (default 1000); each appends one lead.created with its outbox row
//      BENCH_SECONDS       measured seconds of load per path (default 10), after BENCH_WARMUP_SECONDS (default 3)
//                          at the same rate: the backlog built while connections open and code compiles
//                          took over a second to drain, so a 1 s warm-up measured start-up, not steady state
//      BENCH_APPEND        own (default): appendInOwnTransaction, one round trip, as domain-repository's
//                          create commands append (createsAggregate); tx: store.transaction + append, three
//                          round trips, as its commands on existing aggregates (which also read the stream)
//      BENCH_PATHS         comma separated, default "stream,store":
//        stream  append (+ outbox) -> outbox relay (woken in-process by the writer's notifier) -> Redis
//                stream -> consumer group (BENCH_CONSUMERS, default 1, up to 100 entries per read) -> inbox
//                batch handler applying the lead-list projection to each read's events in one transaction.
//                One consumer: concurrent batches wait on each other's row locks of the projection's
//                per-tenant counters (4 consumers measured p99 3-10x worse at 1,000/s)
//        store   append (+ outbox, whose notifier wakes the manager) -> projection manager reading the
//                store's global log -> lead-list projection batch committed with its checkpoint
// Per event: from just before the append's transaction starts to just after the projection's
// transaction commits; the stream path also prints its stages (append commit, XADD time taken
// from the entry id, projection commit). The stream path's consumers run in their own process
// (this script with `consume` as argument), as another service's would; the writer and its relay
// run here. Times are performance.timeOrigin + now() on one machine. Each path runs in a scratch
// schema of its own, after a CHECKPOINT (superuser or pg_checkpoint; without it the run says so and goes on).
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  ensureAppRole,
  ensureDatabase,
  APP_ROLE,
  DEV_APP_PASSWORD,
  WORKER_ROLE,
  DEV_WORKER_PASSWORD,
} from '@bizosaas/db/migrations';
import { createEvent, uuidv7, type DomainEvent } from '@bizosaas/event-schemas';
import { createConsumer, createRedis, eventStreamKey } from '@bizosaas/messaging';
import pg from 'pg';
import {
  createEventStore,
  createInboxBatchHandler,
  createInboxHandler,
  createOutboxRelay,
  createProjectionManager,
  eventStoreDdl,
  generationTables,
  createOutboxNotifier,
  installProjection,
  outboxChannel,
  type OutboxNotifier,
} from '@bizosaas/event-store';
import { leadListProjection } from '@bizosaas/event-store/testing';

const ownerUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/bizosaas_bench';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const rate = Number(process.env.BENCH_RATE ?? 1000);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const warmup = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const ownTransaction = (process.env.BENCH_APPEND ?? 'own') === 'own';
const consumers = Number(process.env.BENCH_CONSUMERS ?? 1);
const paths = (process.env.BENCH_PATHS ?? 'stream,store').split(',');
const tenants = Array.from({ length: 50 }, () => randomUUID());
const actor = { type: 'system', id: 'bench' } as const;

const now = () => performance.timeOrigin + performance.now();
const roleUrl = (role: string, password: string) =>
  Object.assign(new URL(ownerUrl), { username: role, password }).toString();

interface Run {
  schema: string;
  owner: pg.Pool;
  app: pg.Pool;
  worker: pg.Pool;
  /** The writer's: wakes the relay or projection manager in-process, NOTIFYs (rationed) for anyone else. */
  notifier: OutboxNotifier;
  /** Before-append times by event id, and measured latencies (ms). */
  started: Map<string, number>;
  latencies: number[];
  measureFrom: number;
  /** Stream path: append-commit times by event id, and per-stage samples (ms) of measured events. */
  appended: Map<string, number>;
  stages: { append: number[]; relay: number[]; consume: number[] };
}

/** The projection of `event` committed at `at`: one latency sample (warm-up events are not kept). */
function committed(run: Run, event: { id: string }, at = now(), xaddAt?: number): void {
  const t0 = run.started.get(event.id);
  if (t0 === undefined) return;
  run.started.delete(event.id);
  const appendedAt = run.appended.get(event.id);
  run.appended.delete(event.id);
  if (t0 < run.measureFrom) return;
  run.latencies.push(at - t0);
  if (appendedAt === undefined || xaddAt === undefined) return;
  // The entry id's milliseconds are Redis's clock at XADD (same machine): 1 ms resolution.
  run.stages.append.push(appendedAt - t0);
  run.stages.relay.push(xaddAt - appendedAt);
  run.stages.consume.push(at - xaddAt);
}

/** Issues `rate` single-event appends per second for `warmup + seconds`, each as its own command. */
async function load(run: Run): Promise<number> {
  const store = createEventStore({ schema: run.schema, namespace: run.schema, notifier: run.notifier });
  const begin = now();
  run.measureFrom = begin + warmup * 1000;
  const inFlight = new Set<Promise<void>>();
  let issued = 0;
  while (now() - begin < (warmup + seconds) * 1000) {
    const due = Math.floor(((now() - begin) / 1000) * rate);
    for (; issued < due; issued += 1) {
      const tenantId = tenants[issued % tenants.length] ?? '';
      const event = newLead(tenantId);
      run.started.set(event.id, now());
      const input = {
        tenantId,
        aggregateType: 'lead',
        aggregateId: event.aggregateId,
        expectedVersion: 0,
        events: [event],
      };
      const append = (
        ownTransaction
          ? store.appendInOwnTransaction(run.app, input)
          : store.transaction(run.app, tenantId, (client) => store.append(client, input))
      ).then(() => void run.appended.set(event.id, now()));
      inFlight.add(append);
      void append.finally(() => inFlight.delete(append));
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await Promise.all(inFlight);
  return issued;
}

const newLead = (tenantId: string): DomainEvent =>
  createEvent({
    type: 'lead.created',
    tenantId,
    aggregateId: uuidv7(),
    aggregateVersion: 1,
    actor,
    data: {
      contact: {
        email: 'lead@example.com',
        firstName: 'Jane',
        lastName: null,
        phone: null,
        company: null,
        jobTitle: null,
      },
      source: 'api',
      utmParameters: {},
      campaignId: null,
    },
  });

/** Event id, projection commit time, XADD time (from the stream entry id). */
type Committed = [eventId: string, at: number, xaddAt: number];

const xaddTime = (entryId: string) => Number(entryId.split('-')[0]);

/** stream path: the relay here, the consumer group (inbox handler applying the projection) in a child process. */
async function streamPath(run: Run): Promise<() => Promise<void>> {
  const redis = createRedis(redisUrl, { connectionName: 'bench-e2e' });
  const { generation } = await installProjection(run.worker, run.schema, leadListProjection);
  const relay = createOutboxRelay({ pool: run.worker, schema: run.schema, redis, pollIntervalMs: 250 });
  const child = fork(fileURLToPath(import.meta.url), ['consume', run.schema, String(generation)], {
    execArgv: ['--import', 'tsx'],
  });
  child.on('message', (message: { ready?: true; committed?: Committed[] }) => {
    for (const [id, at, xaddAt] of message.committed ?? []) committed(run, { id }, at, xaddAt);
  });
  await new Promise((resolve) => child.once('message', resolve));
  run.notifier.subscribe(relay.wake);
  await relay.start();
  return async () => {
    await relay.stop();
    child.send('stop');
    await new Promise((resolve) => child.once('exit', resolve));
    await redis.del(eventStreamKey('lead', run.schema));
    redis.disconnect();
  };
}

/** Child mode: the consumers, reporting each read's commit times every 50 ms, until told to stop. */
async function consume(schema: string, generation: number): Promise<void> {
  const redis = createRedis(redisUrl, { connectionName: 'bench-e2e-consumers' });
  const worker = new pg.Pool({ connectionString: roleUrl(WORKER_ROLE, DEV_WORKER_PASSWORD), max: consumers + 2 });
  const tables = generationTables(schema, leadListProjection, generation);
  const applyLeadList = async (events: DomainEvent[], client: pg.PoolClient) => {
    const leadEvents = events.filter((event) => event.type === 'lead.created');
    if (leadEvents.length > 0) await leadListProjection.applyBatch?.(client, leadEvents, tables);
  };
  const inboxOptions = {
    pool: worker,
    schema,
    consumer: 'lead-list',
    acrossTenants: true,
    handle: (event: DomainEvent, client: pg.PoolClient) => applyLeadList([event], client),
    handleBatch: (events: DomainEvent[], client: pg.PoolClient) => applyLeadList(events, client),
  };
  const inbox = createInboxHandler<DomainEvent>(inboxOptions);
  const inboxBatch = createInboxBatchHandler<DomainEvent>(inboxOptions);
  let pending: Committed[] = [];
  const group = Array.from({ length: consumers }, (_, n) =>
    createConsumer<DomainEvent>({
      redis,
      streams: [eventStreamKey('lead', schema)],
      group: 'lead-list',
      consumer: `bench-${n}`,
      blockMs: 1000,
      batchSize: 100,
      batchHandler: async (batch) => {
        await inboxBatch(batch);
        const at = now();
        for (const { event, delivery } of batch) pending.push([event.id, at, xaddTime(delivery.entryId)]);
      },
      handler: async (event, delivery) => {
        await inbox(event, delivery);
        pending.push([event.id, now(), xaddTime(delivery.entryId)]);
      },
    }),
  );
  await Promise.all(group.map((consumer) => consumer.start()));
  const flush = () => {
    if (pending.length > 0) process.send!({ committed: pending });
    pending = [];
  };
  const reporting = setInterval(flush, 50);
  process.send!({ ready: true });
  const finish = async () => {
    await Promise.all(group.map((consumer) => consumer.stop()));
    clearInterval(reporting);
    flush();
    await worker.end();
    redis.disconnect();
    process.disconnect();
  };
  process.once('message', () => void finish());
}

/** store path: the projection manager, woken by the outbox notification. */
async function storePath(run: Run): Promise<() => Promise<void>> {
  const manager = createProjectionManager({
    pool: run.worker,
    schema: run.schema,
    projections: [leadListProjection],
    listenChannel: outboxChannel(run.schema),
    pollIntervalMs: 250,
    onApplied: (_, events) => events.forEach((event) => committed(run, event as DomainEvent)),
  });
  run.notifier.subscribe(manager.wake);
  await manager.start();
  return () => manager.stop();
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function measure(path: string): Promise<void> {
  const schema = `bench_e2e_${path}_${randomUUID().slice(0, 8)}`;
  const owner = new pg.Pool({ connectionString: ownerUrl, max: 1 });
  const app = new pg.Pool({ connectionString: roleUrl(APP_ROLE, DEV_APP_PASSWORD), max: 16 });
  const worker = new pg.Pool({ connectionString: roleUrl(WORKER_ROLE, DEV_WORKER_PASSWORD), max: consumers + 6 });
  const run: Run = {
    schema,
    owner,
    app,
    worker,
    notifier: createOutboxNotifier({ pool: worker, schema }),
    started: new Map(),
    latencies: [],
    measureFrom: Infinity,
    appended: new Map(),
    stages: { append: [], relay: [], consume: [] },
  };
  try {
    await owner.query(eventStoreDdl(schema));
    // Start from a finished checkpoint: one the previous benchmark's WAL triggered (the append
    // benchmark writes about a gigabyte) spreads its writes over minutes, and commits made during
    // it write whole pages to the WAL; a run inside one measured p99 600 ms instead of 40.
    await owner
      .query('CHECKPOINT')
      .catch((error: Error) => console.warn(`no CHECKPOINT before the run: ${error.message}`));
    const stop = await (path === 'stream' ? streamPath(run) : storePath(run));
    const began = now();
    const issued = await load(run);
    const elapsed = (now() - began) / 1000;
    const deadline = now() + 15_000;
    while (run.started.size > 0 && now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await stop();
    const sorted = [...run.latencies].sort((a, b) => a - b);
    const f = (ms: number) => `${ms.toFixed(1)} ms`;
    console.log(
      `${path.padEnd(6)} ${ownTransaction ? 'one-statement' : 'BEGIN/append/COMMIT'} appends, ${issued} commands at ${Math.round(issued / elapsed)}/s (target ${rate}/s); ` +
        `measured ${sorted.length}, missing ${run.started.size}: p50 ${f(percentile(sorted, 50))}, ` +
        `p95 ${f(percentile(sorted, 95))}, p99 ${f(percentile(sorted, 99))}, max ${f(sorted.at(-1) ?? NaN)}`,
    );
    for (const [stage, samples] of Object.entries(run.stages)) {
      if (samples.length === 0) continue;
      const byTime = [...samples].sort((a, b) => a - b);
      console.log(`       ${stage.padEnd(8)} p50 ${f(percentile(byTime, 50))}, p99 ${f(percentile(byTime, 99))}`);
    }
  } finally {
    await Promise.all([app.end(), worker.end()]);
    await owner.query(`DROP SCHEMA "${schema}" CASCADE`).catch(() => undefined);
    await owner.end();
  }
}

if (process.argv[2] === 'consume') {
  await consume(process.argv[3]!, Number(process.argv[4]));
} else {
  await ensureDatabase(ownerUrl);
  await ensureAppRole(ownerUrl);
  for (const path of paths) await measure(path);
}
