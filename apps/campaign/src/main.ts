import { cachingVerifier, createJwksVerifier, createServiceTokenSource } from '@bizosaas/auth';
import { loadConfigOrExit } from '@bizosaas/config';
import { createPgPool } from '@bizosaas/db';
import { createRedis } from '@bizosaas/messaging';
import { createPlatformClient } from '@bizosaas/platform-client';
import { startService } from '@bizosaas/service-kit';
import { buildCampaignApp } from './app.ts';
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
const redis = createRedis(config.REDIS_URL, { connectionName: 'campaign' });
// A caller's token is checked once, not on every request (access tokens are short-lived).
const verifier = cachingVerifier(createJwksVerifier({ jwksUrl: config.JWKS_URL }), { maxEntries: 10_000 });
// Tenant token sources with the permissions the service's calls need: sends and reads in one;
// domain-repository's pause, resume and complete (campaigns:launch) in another, so a client not
// yet allowed campaigns:launch only stops pacing's commands (retried), never the sends.
const serviceClient =
  config.CAMPAIGN_SERVICE_CLIENT_ID && config.CAMPAIGN_SERVICE_CLIENT_SECRET
    ? {
        url: config.USER_MANAGEMENT_URL,
        clientId: config.CAMPAIGN_SERVICE_CLIENT_ID,
        clientSecret: config.CAMPAIGN_SERVICE_CLIENT_SECRET,
      }
    : undefined;
const tokens =
  serviceClient &&
  createServiceTokenSource({
    ...serviceClient,
    permissions: ['notifications:send', 'campaigns:read', 'campaigns:write'],
  });
const commandTokens =
  serviceClient &&
  createServiceTokenSource({
    ...serviceClient,
    permissions: ['campaigns:read', 'campaigns:write', 'campaigns:launch'],
  });
const platform = tokens &&
  commandTokens && {
    notification: createPlatformClient({ baseUrl: config.NOTIFICATION_URL, name: 'notification', token: tokens }),
    domainRepository: createPlatformClient({
      baseUrl: config.DOMAIN_REPOSITORY_URL,
      name: 'domain-repository',
      token: commandTokens,
    }),
  };
const app = await buildCampaignApp(config, { pool, worker, redis, verifier, ...(platform && { platform }) });
if (!platform)
  app.log.warn(
    'CAMPAIGN_SERVICE_CLIENT_ID and CAMPAIGN_SERVICE_CLIENT_SECRET are unset: executions enrol but send nothing, and pacing cannot pause or complete campaigns',
  );
await startService(app, {
  port: config.PORT,
  host: config.HOST,
  graceMs: config.SHUTDOWN_GRACE_MS,
  // After the app closed: its consumers, dispatcher and relay have stopped using them.
  afterClose: async () => {
    await Promise.allSettled([
      redis.quit(),
      pool.end(),
      worker.end(),
      tokens?.close(),
      commandTokens?.close(),
      platform?.notification.close(),
      platform?.domainRepository.close(),
    ]);
  },
});
