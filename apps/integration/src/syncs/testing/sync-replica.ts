// A replica of the integration service as main.ts starts it, with the syncs feature only: the
// process a test SIGKILLs mid-run. Its token for domain-repository comes from the environment
// (SYNC_REPLICA_CRM_TOKEN, one tenant's), its lease length from SYNC_REPLICA_LEASE_MS; with
// SYNC_REPLICA_TICK_MS it also takes over runs whose lease expired, looking that often (the
// replica restarted after a kill resumes the run itself).
//   node --import tsx apps/integration/src/syncs/testing/sync-replica.ts
import { z } from 'zod';
import { createJwksVerifier } from '@bizosaas/auth';
import { loadConfigOrExit } from '@bizosaas/config';
import { createPgPool } from '@bizosaas/db';
import { createRedis } from '@bizosaas/messaging';
import { startService } from '@bizosaas/service-kit';
import { buildIntegrationApp } from '../../app.ts';
import { configSchema } from '../../config.ts';
import { syncsFeature } from '../syncs-feature.ts';

const replica = loadConfigOrExit(
  z.object({
    SYNC_REPLICA_CRM_TOKEN: z.string().min(1),
    SYNC_REPLICA_LEASE_MS: z.coerce.number().int().positive(),
    SYNC_REPLICA_TICK_MS: z.coerce.number().int().positive().optional(),
  }),
);
const config = loadConfigOrExit(configSchema);
const pool = createPgPool({
  databaseUrl: config.DATABASE_URL,
  poolMax: config.DATABASE_POOL_MAX,
  schema: 'integration',
});
const worker = createPgPool({
  databaseUrl: config.WORKER_DATABASE_URL,
  poolMax: config.WORKER_DATABASE_POOL_MAX,
  schema: 'integration',
});
const redis = createRedis(config.REDIS_URL, { connectionName: 'integration:sync-replica' });
const app = await buildIntegrationApp(
  config,
  { pool, worker, redis, verifier: createJwksVerifier({ jwksUrl: config.JWKS_URL }) },
  {
    features: [
      syncsFeature({
        crmTokens: async () => replica.SYNC_REPLICA_CRM_TOKEN,
        leaseMs: replica.SYNC_REPLICA_LEASE_MS,
        // Without a tick it runs what it is asked to; the test's own replica resumes what it leaves.
        scheduler: replica.SYNC_REPLICA_TICK_MS !== undefined,
        ...(replica.SYNC_REPLICA_TICK_MS !== undefined && { tickIntervalMs: replica.SYNC_REPLICA_TICK_MS }),
      }),
    ],
  },
);
await startService(app, {
  port: config.PORT,
  host: config.HOST,
  graceMs: config.SHUTDOWN_GRACE_MS,
  afterClose: async () => {
    await Promise.allSettled([redis.quit(), pool.end(), worker.end()]);
  },
});
