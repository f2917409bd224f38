import { createJwksVerifier } from '@bizosaas/auth';
import { loadConfigOrExit } from '@bizosaas/config';
import { createRedis } from '@bizosaas/messaging';
import { startService } from '@bizosaas/service-kit';
import { configSchema } from './config.ts';
import { buildApp } from './app.ts';

const config = loadConfigOrExit(configSchema);
// The limiter's client fails fast instead of queueing while Redis is away (no offline queue,
// a command timeout), so a Redis outage costs each request at most the timeout: fail open.
const redis = createRedis(config.REDIS_URL, {
  connectionName: 'api-gateway:ratelimit',
  onError: () => {},
  redisOptions: {
    enableOfflineQueue: false,
    commandTimeout: config.RATE_LIMIT_REDIS_TIMEOUT_MS,
    enableAutoPipelining: true,
  },
});
const verifier = createJwksVerifier({ jwksUrl: config.JWKS_URL });
const app = await buildApp({ config, verifier, redis });
// After close: the limiters' onClose hooks still send their unsent counts.
await startService(app, {
  port: config.PORT,
  host: config.HOST,
  graceMs: config.SHUTDOWN_GRACE_MS,
  afterClose: async () => redis.disconnect(),
});
