import { z } from 'zod';
import { authEnv, baseServiceEnv, databaseEnv, port, workerDatabaseEnv } from '@bizosaas/config';

export const configSchema = z.object({
  PORT: port(8003),
  ...baseServiceEnv,
  ...databaseEnv,
  ...authEnv,
  /** Cross-tenant role (bizosaas_worker): the ingest of every tenant's events, the projections, the outbox relay. */
  ...workerDatabaseEnv,
  WORKER_DATABASE_POOL_MAX: z.coerce.number().int().min(4).default(6),
  /** This replica's name in the ingest consumer group (the pod name in k8s). */
  CONSUMER_NAME: z
    .string()
    .regex(/^[\w.:-]{1,100}$/)
    .default('analytics-1'),
  /** The consumer group reading every event stream (replicas of one deployment share it). */
  INGEST_GROUP: z
    .string()
    .regex(/^[\w.:-]{1,100}$/)
    .default('analytics'),
  /**
   * Where the ingest group starts when it is first created: '0' (every event still on the
   * streams) or '$' (only events published from then on: a throwaway deployment of a test).
   */
  INGEST_START_ID: z.enum(['0', '$']).default('0'),
  /** Key namespace of the platform's event streams (tests use their own). */
  EVENT_STREAM_NAMESPACE: z.string().min(1).default('bizosaas:events'),
  /** Stream entries read and recorded per statement by the ingest. */
  INGEST_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(200),
  PROJECTION_POLL_INTERVAL_MS: z.coerce.number().int().positive().default(250),
  IDEMPOTENCY_RETENTION_MS: z.coerce.number().int().min(60_000).default(86_400_000),
  PRUNE_INTERVAL_MS: z.coerce.number().int().min(100).default(3_600_000),
});

export type Config = z.infer<typeof configSchema>;
