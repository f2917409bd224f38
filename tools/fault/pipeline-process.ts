// One stage of the fault run's pipeline as its own process, as a service runs it:
//   ROLE=relay     the outbox relay (worker role) moving committed events to the Redis stream
//   ROLE=consumer  a consumer group member applying each event's effect through the inbox
// Env: ROLE, WORKER_DATABASE_URL, REDIS_URL, SCHEMA, STREAM, CONSUMER (consumer name),
//      MAX_DELIVERIES (consumer; default 10).
// Prints `ready` once started; meant to be killed (SIGKILL) or stopped (SIGTERM).
import { createConsumer, createRedis } from '@bizosaas/messaging';
import { createInboxBatchHandler, createInboxHandler, createOutboxRelay } from '@bizosaas/event-store';
import type { DomainEvent } from '@bizosaas/event-schemas';
import pg from 'pg';

const env = (name: string) => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};
const schema = env('SCHEMA');
const quiet = () => {};
const pool = new pg.Pool({ connectionString: env('WORKER_DATABASE_URL'), max: 4, connectionTimeoutMillis: 2_000 });
pool.on('error', quiet); // idle connections die with a killed PostgreSQL; the next checkout reconnects
const redis = createRedis(env('REDIS_URL'), { connectionName: `fault-${env('ROLE')}`, onError: quiet });

async function relay() {
  const relay = createOutboxRelay({ pool, redis, schema, batchSize: 200, pollIntervalMs: 100, onError: quiet });
  await relay.start();
  return () => relay.stop();
}

async function consumer() {
  const effects = `${pg.escapeIdentifier(schema)}.effects`;
  // The effect: one row per application, no unique key, so applying an event twice shows.
  const apply = async (events: DomainEvent[], client: pg.PoolClient) => {
    await client.query(`INSERT INTO ${effects} (event_id, tenant_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])`, [
      events.map((event) => event.id),
      events.map((event) => event.tenantId),
    ]);
  };
  // No in-process retries: every failed attempt is a delivery the consumer decides about.
  const inbox = {
    pool,
    schema,
    consumer: 'fault-effects',
    acrossTenants: true,
    retry: false as const,
    handle: (event: DomainEvent, client: pg.PoolClient) => apply([event], client),
    handleBatch: apply,
  };
  const group = createConsumer<DomainEvent>({
    redis,
    streams: [env('STREAM')],
    group: 'fault-effects',
    consumer: env('CONSUMER'),
    handler: createInboxHandler(inbox),
    batchHandler: createInboxBatchHandler(inbox),
    batchSize: 100,
    // Entries of a killed consumer come back after 1 s (production: 30 s). An error while
    // PostgreSQL is down pauses the consumer (the probe fails) and spends no delivery, so
    // maxDeliveries x claimIdleMs need not outlast any outage.
    claimIdleMs: 1_000,
    claimIntervalMs: 500,
    maxDeliveries: Number(process.env.MAX_DELIVERIES ?? 10),
    healthCheck: () => pool.query('SELECT 1'),
    pauseBackoff: { initialMs: 250, maxMs: 2_000 },
  });
  await group.start();
  return () => group.stop();
}

const stop = await (env('ROLE') === 'relay' ? relay() : consumer());
console.log('ready');
const shutdown = async () => {
  await stop();
  await pool.end();
  redis.disconnect();
  process.exit(0);
};
process.once('SIGTERM', () => void shutdown());
