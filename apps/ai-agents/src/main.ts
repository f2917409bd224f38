import { cachingVerifier, createJwksVerifier, createServiceTokenSource, type Permission } from '@bizosaas/auth';
import { loadConfigOrExit } from '@bizosaas/config';
import { createPgPool } from '@bizosaas/db';
import { createRedis } from '@bizosaas/messaging';
import { startService } from '@bizosaas/service-kit';
import { buildAgentsApp } from './app.ts';
import { configSchema } from './config.ts';

// The composition root: every connection is opened here, once, and passed down.
const config = loadConfigOrExit(configSchema);
const schema = 'ai_agents';
const pool = createPgPool({ databaseUrl: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX, schema });
const worker = createPgPool({
  databaseUrl: config.WORKER_DATABASE_URL,
  poolMax: config.WORKER_DATABASE_POOL_MAX,
  schema,
});
const redis = createRedis(config.REDIS_URL, { connectionName: 'ai-agents' });
// A caller's token is checked once, not on every request (access tokens are short-lived).
const verifier = cachingVerifier(createJwksVerifier({ jwksUrl: config.JWKS_URL }), { maxEntries: 10_000 });
// Tenant tokens with just the permissions each use needs (least privilege).
const tokensWith = (permissions: Permission[]) =>
  config.AGENTS_SERVICE_CLIENT_ID && config.AGENTS_SERVICE_CLIENT_SECRET
    ? createServiceTokenSource({
        url: config.USER_MANAGEMENT_URL,
        clientId: config.AGENTS_SERVICE_CLIENT_ID,
        clientSecret: config.AGENTS_SERVICE_CLIENT_SECRET,
        permissions,
      })
    : undefined;
const leads = tokensWith(['leads:read', 'leads:write']);
const campaigns = tokensWith(['campaigns:read', 'campaigns:write']);
const platformTokens = leads && campaigns ? { leads, campaigns } : undefined;
const app = await buildAgentsApp(config, { pool, worker, redis, verifier, ...(platformTokens && { platformTokens }) });
if (!platformTokens)
  app.log.warn(
    'AGENTS_SERVICE_CLIENT_ID and AGENTS_SERVICE_CLIENT_SECRET are unset: lead_scoring and campaign_optimization are unavailable (422 ANALYSIS_TYPE_UNAVAILABLE)',
  );
await startService(app, {
  port: config.PORT,
  host: config.HOST,
  graceMs: config.SHUTDOWN_GRACE_MS,
  // After the app closed: its runner, relay and consumers have stopped using them.
  afterClose: async () => {
    await Promise.allSettled([redis.quit(), pool.end(), worker.end(), leads?.close(), campaigns?.close()]);
  },
});
