import { z } from 'zod';
import { authEnv, baseServiceEnv, databaseEnv, port, workerDatabaseEnv } from '@bizosaas/config';

export const configSchema = z.object({
  PORT: port(8011),
  ...baseServiceEnv,
  ...databaseEnv,
  ...authEnv,
  /** Cross-tenant role (bizosaas_worker) of the outbox relay and the projections. */
  ...workerDatabaseEnv,
  // The relay and the projection manager each keep a LISTEN connection and use one per batch.
  WORKER_DATABASE_POOL_MAX: z.coerce.number().int().min(3).default(5),
  /** Projections poll this often when no outbox notification arrives. */
  PROJECTION_POLL_INTERVAL_MS: z.coerce.number().int().positive().default(250),
});

export type Config = z.infer<typeof configSchema>;
