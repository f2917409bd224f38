import { cachingVerifier, createJwksVerifier } from '@bizosaas/auth';
import { loadConfigOrExit } from '@bizosaas/config';
import { createPgPool } from '@bizosaas/db';
import { createRedis } from '@bizosaas/messaging';
import { startService } from '@bizosaas/service-kit';
import { buildDomainRepositoryApp } from './app.ts';
import { configSchema } from './config.ts';

// The composition root: every connection is opened here, once, and passed down.
const config = loadConfigOrExit(configSchema);
const schema = 'domain_repository';
const pool = createPgPool({ databaseUrl: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX, schema });
const worker = createPgPool({
  databaseUrl: config.WORKER_DATABASE_URL,
  poolMax: config.WORKER_DATABASE_POOL_MAX,
  schema,
});
const redis = createRedis(config.REDIS_URL, { connectionName: 'domain-repository' });
// A caller's token is checked once, not on every request (access tokens are short-lived).
const verifier = cachingVerifier(createJwksVerifier({ jwksUrl: config.JWKS_URL }), { maxEntries: 10_000 });
const app = await buildDomainRepositoryApp(config, { pool, worker, redis, verifier });
await startService(app, {
  port: config.PORT,
  host: config.HOST,
  graceMs: config.SHUTDOWN_GRACE_MS,
  // After the app closed: its relay, projections and workers have stopped using them.
  afterClose: async () => {
    await Promise.allSettled([redis.quit(), pool.end(), worker.end()]);
  },
});
