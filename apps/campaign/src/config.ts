import { z } from 'zod';
import { authEnv, baseServiceEnv, databaseEnv, port, url, workerDatabaseEnv } from '@bizosaas/config';

export const configSchema = z
  .object({
    PORT: port(8002),
    ...baseServiceEnv,
    ...databaseEnv,
    ...authEnv,
    /** Cross-tenant role (bizosaas_worker): consumers of platform events, due timers, the outbox relay. */
    ...workerDatabaseEnv,
    WORKER_DATABASE_POOL_MAX: z.coerce.number().int().min(3).default(6),
    /** This replica's name in consumer groups (the pod name in k8s). */
    CONSUMER_NAME: z
      .string()
      .regex(/^[\w.:-]{1,100}$/)
      .default('campaign-1'),
    /** Prefix of this deployment's consumer groups (replicas of one deployment share them; tests use their own). */
    CONSUMER_GROUP_PREFIX: z
      .string()
      .regex(/^[\w.:-]{1,80}$/)
      .default('campaign'),
    /**
     * Where the consumer groups start when first created: '0' (every event still on the streams)
     * or '$' (only events published from then on: a throwaway deployment of a test).
     */
    CONSUMER_START_ID: z.enum(['0', '$']).default('0'),
    /** Key namespace of the platform's event streams (tests use their own). */
    EVENT_STREAM_NAMESPACE: z.string().min(1).default('bizosaas:events'),
    /** Where campaigns are paused and completed (pacing) and optimised. */
    DOMAIN_REPOSITORY_URL: url(['http', 'https']).default('http://127.0.0.1:8011'),
    /** Where sends go (its batch trigger). */
    NOTIFICATION_URL: url(['http', 'https']).default('http://127.0.0.1:8005'),
    /** user-management, where the service's tenant tokens come from (POST /api/v1/auth/service-tokens). */
    USER_MANAGEMENT_URL: url(['http', 'https']).default('http://127.0.0.1:8001'),
    /**
     * This service's client in user-management's SERVICE_CLIENTS (allowed notifications:send,
     * campaigns:read, campaigns:write, campaigns:launch). Both or neither; without them
     * executions enrol but nothing is sent, and pacing pauses and completes no campaign (a
     * warning at start says so).
     */
    CAMPAIGN_SERVICE_CLIENT_ID: z.string().min(1).optional(),
    CAMPAIGN_SERVICE_CLIENT_SECRET: z.string().min(1).optional(),
    /** Recipients sent to notification per batch trigger (its limit is 1,000). */
    DISPATCH_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(500),
    /** Batches in flight at once per replica. */
    DISPATCH_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
    /** The dispatcher looks for due work this often when nothing wakes it. */
    DISPATCH_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(1000),
    /** A claimed batch not finished within this is claimed again (its sends are idempotent). */
    DISPATCH_LEASE_MS: z.coerce.number().int().min(1000).default(60_000),
    PROJECTION_POLL_INTERVAL_MS: z.coerce.number().int().positive().default(250),
    IDEMPOTENCY_RETENTION_MS: z.coerce.number().int().min(60_000).default(86_400_000),
    PRUNE_INTERVAL_MS: z.coerce.number().int().min(100).default(3_600_000),
  })
  .superRefine((config, context) => {
    if (Boolean(config.CAMPAIGN_SERVICE_CLIENT_ID) !== Boolean(config.CAMPAIGN_SERVICE_CLIENT_SECRET))
      context.addIssue({
        code: 'custom',
        path: ['CAMPAIGN_SERVICE_CLIENT_SECRET'],
        message: 'CAMPAIGN_SERVICE_CLIENT_ID and CAMPAIGN_SERVICE_CLIENT_SECRET go together',
      });
  });

export type Config = z.infer<typeof configSchema>;
