import { cachingVerifier, createJwksVerifier } from '@bizosaas/auth';
import { loadConfigOrExit } from '@bizosaas/config';
import { createPgPool } from '@bizosaas/db';
import { createRedis } from '@bizosaas/messaging';
import { startService } from '@bizosaas/service-kit';
import { buildAnalyticsApp } from './app.ts';
import { configSchema } from './config.ts';
import { SERVICE_SCHEMA } from './schema.ts';

// The composition root: every connection is opened here, once, and passed down.
const config = loadConfigOrExit(configSchema);
const pool = createPgPool({
  databaseUrl: config.DATABASE_URL,
  poolMax: config.DATABASE_POOL_MAX,
  schema: SERVICE_SCHEMA,
});
const worker = createPgPool({
  databaseUrl: config.WORKER_DATABASE_URL,
  poolMax: config.WORKER_DATABASE_POOL_MAX,
  schema: SERVICE_SCHEMA,
});
const redis = createRedis(config.REDIS_URL, { connectionName: 'analytics' });
// A caller's token is checked once, not on every request (access tokens are short-lived).
const verifier = cachingVerifier(createJwksVerifier({ jwksUrl: config.JWKS_URL }), { maxEntries: 10_000 });
const app = await buildAnalyticsApp(config, { pool, worker, redis, verifier });
await startService(app, {
  port: config.PORT,
  host: config.HOST,
  graceMs: config.SHUTDOWN_GRACE_MS,
  // After the app closed: its ingest, projections and relay have stopped using them.
  afterClose: async () => {
    await Promise.allSettled([redis.quit(), pool.end(), worker.end()]);
  },
});
