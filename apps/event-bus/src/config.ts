import { z } from 'zod';
import { authEnv, baseServiceEnv, databaseEnv, port, workerDatabaseEnv } from '@bizosaas/config';
import { outboundAllowedCidrs } from '@bizosaas/outbound-http';
import { checkActiveMasterKey, masterKeyEnv } from './encryption/master-keys.ts';

export const configSchema = z
  .object({
    PORT: port(8009),
    ...baseServiceEnv,
    ...databaseEnv,
    ...workerDatabaseEnv,
    ...authEnv,
    /** Archived events older than this are deleted (seed 002's EVENTBUS_EVENT_TTL_DAYS). */
    EVENTBUS_EVENT_TTL_DAYS: z.coerce.number().int().positive().default(90),
    /** How often the retention job runs. */
    EVENTBUS_RETENTION_INTERVAL_MS: z.coerce.number().int().positive().default(3_600_000),
    /** How often the catalogue streams are trimmed of what every consumer group has acknowledged. */
    EVENTBUS_STREAM_TRIM_INTERVAL_MS: z.coerce.number().int().positive().default(60_000),
    /** Entries younger than this stay in the streams after a trim, for inspection (default 10 minutes). */
    EVENTBUS_STREAM_KEEP_MS: z.coerce.number().int().nonnegative().default(600_000),
    /** Consumer name of this replica in the archive group (unique per pod; the pod name in k8s). */
    EVENTBUS_CONSUMER_NAME: z.string().min(1).default('event-bus-1'),
    /** Per-tenant publish budget: a token bucket of this many events, refilled at this rate per second. */
    EVENTBUS_PUBLISH_BURST: z.coerce.number().int().positive().default(200),
    EVENTBUS_PUBLISH_RATE_PER_SECOND: z.coerce.number().positive().default(100),
    /** Per-tenant overrides, JSON: {"<tenant uuid>": {"burst": 1000, "ratePerSecond": 500}}. */
    EVENTBUS_TENANT_LIMITS: z
      .string()
      .default('{}')
      .transform((text, context) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          context.addIssue({ code: 'custom', message: 'must be JSON' });
          return z.NEVER;
        }
      })
      .pipe(z.record(z.uuid(), z.object({ burst: z.int().positive(), ratePerSecond: z.number().positive() }))),
    /** Per-attempt HTTP timeout of a webhook delivery. */
    EVENTBUS_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    /** Non-public CIDRs webhooks may reach (development: 127.0.0.0/8); link-local and metadata never. */
    OUTBOUND_ALLOWED_CIDRS: outboundAllowedCidrs,
    /** A subscription whose deliveries fail without a success for this long is disabled (default 5 days). */
    EVENTBUS_DISABLE_AFTER_MS: z.coerce.number().int().positive().default(432_000_000),
    /** How often the delivery worker looks for due retries (new events wake it at once). */
    EVENTBUS_DELIVERY_POLL_MS: z.coerce.number().int().positive().default(1_000),
    /** /ready reports the delivery worker down after this long without a pass (default 2 x webhook timeout + 3 x poll + 10 s). */
    EVENTBUS_WORKER_STALL_MS: z.coerce.number().int().positive().optional(),
    /** Redis stream namespace of the platform's events (see libs/messaging eventStreamKey). */
    EVENTBUS_STREAM_NAMESPACE: z.string().min(1).default('bizosaas:events'),
    /** Envelope encryption of sensitive fields: EVENTBUS_MASTER_KEYS (required) and EVENTBUS_ACTIVE_MASTER_KEY_ID. */
    ...masterKeyEnv,
    /** Unwrapped data keys kept in memory (least recently used dropped first). */
    EVENTBUS_DATA_KEY_CACHE_SIZE: z.coerce.number().int().positive().default(10_000),
    /** How long a replica keeps sealing with a tenant's data key version before checking for a newer one. */
    EVENTBUS_DATA_KEY_REFRESH_MS: z.coerce.number().int().positive().default(60_000),
  })
  .superRefine(checkActiveMasterKey);

export type Config = z.infer<typeof configSchema>;
