// Builds the service for integration tests as main.ts does: the migrated test database (app role
// for requests, worker role for the ingest and projections), the real Redis, and a verifier
// trusting one test signing key.
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
import { buildAnalyticsApp, type BuildOptions } from './app.ts';
import { configSchema, type Config } from './config.ts';
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

/**
 * `env` overrides the test defaults. Each app reads events of a namespace of its own through a
 * group of its own created at '$' (test files share the database and Redis).
 */
export async function startTestApp(env: Record<string, string> = {}, options: BuildOptions = {}): Promise<TestApp> {
  const config = loadConfig(configSchema, {
    LOG_LEVEL: 'silent',
    DATABASE_URL: inject('appDatabaseUrl'),
    WORKER_DATABASE_URL: inject('workerDatabaseUrl'),
    EVENT_STREAM_NAMESPACE: `test:analytics:${randomUUID().slice(0, 8)}:events`,
    INGEST_GROUP: `analytics-test-${randomUUID().slice(0, 8)}`,
    CONSUMER_NAME: `analytics-${randomUUID().slice(0, 8)}`,
    INGEST_START_ID: '$',
    PROJECTION_POLL_INTERVAL_MS: '50',
    ...env,
  });
  const key = await generateSigningKey();
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
  const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { connectionName: 'analytics:test' });
  if (redis.status !== 'ready') await once(redis, 'ready');
  const app = await buildAnalyticsApp(
    config,
    { pool, worker, redis, verifier: createJwksVerifier({ jwks: jwksOf(key) }) },
    options,
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
