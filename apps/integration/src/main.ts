import { cachingVerifier, createJwksVerifier, createServiceTokenSource, type Permission } from '@bizosaas/auth';
import { loadConfigOrExit } from '@bizosaas/config';
import { createPgPool } from '@bizosaas/db';
import { createRedis } from '@bizosaas/messaging';
import { startService } from '@bizosaas/service-kit';
import { buildIntegrationApp } from './app.ts';
import { configSchema } from './config.ts';

// The composition root: every connection is opened here, once, and passed down.
const config = loadConfigOrExit(configSchema);
const schema = 'integration';
const pool = createPgPool({ databaseUrl: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX, schema });
const worker = createPgPool({
  databaseUrl: config.WORKER_DATABASE_URL,
  poolMax: config.WORKER_DATABASE_POOL_MAX,
  schema,
});
const redis = createRedis(config.REDIS_URL, { connectionName: 'integration' });
// A caller's token is checked once, not on every request (access tokens are short-lived).
const verifier = cachingVerifier(createJwksVerifier({ jwksUrl: config.JWKS_URL }), { maxEntries: 10_000 });
// Tenant tokens, each with the one permission its use needs (least privilege): CRM records are
// forwarded with integrations:manage, a replay reads the event-bus history with events:subscribe.
const tokensWith = (permission: Permission) =>
  config.SERVICE_CLIENT_ID && config.SERVICE_CLIENT_SECRET
    ? createServiceTokenSource({
        url: config.USER_MANAGEMENT_URL,
        clientId: config.SERVICE_CLIENT_ID,
        clientSecret: config.SERVICE_CLIENT_SECRET,
        permissions: [permission],
      })
    : undefined;
const crmTokens = tokensWith('integrations:manage');
const archiveTokens = tokensWith('events:subscribe');
const app = await buildIntegrationApp(config, {
  pool,
  worker,
  redis,
  verifier,
  ...(crmTokens && { crmTokens }),
  ...(archiveTokens && { archiveTokens }),
});
if (!crmTokens) {
  app.log.warn(
    'SERVICE_CLIENT_ID and SERVICE_CLIENT_SECRET are unset: contacts syncs cannot forward CRM records to domain-repository and fail',
  );
}
await startService(app, {
  port: config.PORT,
  host: config.HOST,
  graceMs: config.SHUTDOWN_GRACE_MS,
  // After the app closed: its relay, refresher, scheduler and consumers have stopped using them.
  afterClose: async () => {
    await Promise.allSettled([redis.quit(), pool.end(), worker.end(), crmTokens?.close(), archiveTokens?.close()]);
  },
});
