// Builds the service for integration tests as main.ts does: the migrated test database (app role
// for requests, worker role for claims and the relay), the real Redis, and a verifier trusting one
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
import { buildAgentsApp, type BuildOptions, type Dependencies } from './app.ts';
import { configSchema, type Config } from './config.ts';

export const TEST_MASTER_KEY = Buffer.alloc(32, 'ai-agents-test-master').toString('base64');

export interface TestApp {
  app: ServiceApp;
  config: Config;
  pool: pg.Pool;
  worker: pg.Pool;
  redis: Redis;
  key: TestSigningKey;
  close(): Promise<void>;
}

/** `env` overrides the test defaults. */
export async function startTestApp(
  env: Record<string, string> = {},
  options: BuildOptions & Pick<Dependencies, 'platformTokens'> = {},
): Promise<TestApp> {
  const config = loadConfig(configSchema, {
    LOG_LEVEL: 'silent',
    DATABASE_URL: inject('appDatabaseUrl'),
    WORKER_DATABASE_URL: inject('workerDatabaseUrl'),
    AGENTS_MASTER_KEYS: JSON.stringify({ 'test-1': TEST_MASTER_KEY }),
    // Sites, LLM servers and domain-repository of the tests are local servers on 127.0.0.1, as in development.
    OUTBOUND_ALLOWED_CIDRS: '127.0.0.0/8',
    RUN_POLL_INTERVAL_MS: '50',
    // Test files share the database: each app runs only the analyses it made (a restarted app passes its group on).
    RUN_GROUP: `test-${randomUUID()}`,
    // ... and reads events of its own namespace only (its own events still go to the default one).
    EVENT_STREAM_NAMESPACE: `test:ai-agents:${randomUUID().slice(0, 8)}:events`,
    CONSUMER_NAME: `ai-agents-${randomUUID().slice(0, 8)}`,
    ...env,
  });
  const key = await generateSigningKey();
  const schema = 'ai_agents';
  const pool = createPgPool({ databaseUrl: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX, schema });
  const worker = createPgPool({
    databaseUrl: config.WORKER_DATABASE_URL,
    poolMax: config.WORKER_DATABASE_POOL_MAX,
    schema,
  });
  const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { connectionName: 'ai-agents:test' });
  if (redis.status !== 'ready') await once(redis, 'ready');
  const { platformTokens, ...build } = options;
  const app = await buildAgentsApp(
    config,
    {
      pool,
      worker,
      redis,
      verifier: createJwksVerifier({ jwks: jwksOf(key) }),
      ...(platformTokens && { platformTokens }),
    },
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
