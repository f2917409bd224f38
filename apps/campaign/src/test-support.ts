// Builds the service for integration tests as main.ts does: the migrated test database (app role
// for requests, worker role for consumers and timers), the real Redis, and a verifier trusting one
// test signing key.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { expect, inject } from 'vitest';
import { createJwksVerifier } from '@bizosaas/auth';
import { generateSigningKey, jwksOf, signTestToken, testClaims, type TestSigningKey } from '@bizosaas/auth/testing';
import { loadConfig } from '@bizosaas/config';
import { createPgPool } from '@bizosaas/db';
import { createRedis } from '@bizosaas/messaging';
import type { ServiceApp } from '@bizosaas/service-kit';
import type pg from 'pg';
import type { Redis } from 'ioredis';
import { buildCampaignApp, type BuildOptions } from './app.ts';
import { configSchema, type Config } from './config.ts';
import type { PlatformClients } from './context.ts';
import { SERVICE_SCHEMA } from './schema.ts';

export interface TestApp {
  app: ServiceApp;
  config: Config;
  pool: pg.Pool;
  worker: pg.Pool;
  redis: Redis;
  key: TestSigningKey;
  close(): Promise<void>;
}

export interface TestAppOptions extends BuildOptions {
  /** Clients of the real services a test runs (none: nothing is sent or commanded). */
  platform?: PlatformClients;
  /** A signing key shared with the other services of the test (default: a new one). */
  key?: TestSigningKey;
}

/**
 * `env` overrides the test defaults. Each app reads events of a namespace of its own through
 * groups of its own created at '$' (test files share the database and Redis).
 */
export async function startTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const suffix = randomUUID().slice(0, 8);
  const config = loadConfig(configSchema, {
    LOG_LEVEL: 'silent',
    DATABASE_URL: inject('appDatabaseUrl'),
    WORKER_DATABASE_URL: inject('workerDatabaseUrl'),
    EVENT_STREAM_NAMESPACE: `test:campaign:${suffix}:events`,
    CONSUMER_GROUP_PREFIX: `campaign-test-${suffix}`,
    CONSUMER_NAME: `campaign-${suffix}`,
    CONSUMER_START_ID: '$',
    DISPATCH_POLL_INTERVAL_MS: '50',
    PROJECTION_POLL_INTERVAL_MS: '50',
    ...env,
  });
  const key = options.key ?? (await generateSigningKey());
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
  const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { connectionName: 'campaign:test' });
  if (redis.status !== 'ready') await once(redis, 'ready');
  const { platform, key: _key, ...build } = options;
  const app = await buildCampaignApp(
    config,
    { pool, worker, redis, verifier: createJwksVerifier({ jwks: jwksOf(key) }), ...(platform && { platform }) },
    build,
  );
  await app.ready();
  return {
    app,
    config,
    pool,
    worker,
    redis,
    key,
    async close() {
      await app.close();
      await Promise.allSettled([redis.quit(), pool.end(), worker.end()]);
    },
  };
}

/** A caller of a fresh tenant (`tenantId` reuses one), with the given roles (default admin). */
export async function tenantCaller(key: TestSigningKey, roles: string[] = ['admin'], tenantId?: string) {
  const claims = testClaims({ roles, ...(tenantId && { tenant_id: tenantId }) });
  const token = await signTestToken(key, claims);
  return { tenantId: claims.tenant_id, userId: claims.sub, headers: { authorization: `Bearer ${token}` } };
}

export { eventually } from '@bizosaas/service-kit/testing';

export { expect };
