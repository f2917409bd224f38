// Builds the service for integration tests as main.ts does: the migrated test
// database (app role for requests, worker role for relay and projections), the real Redis, and
// a verifier trusting one test signing key.
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { expect, inject } from 'vitest';
import { createJwksVerifier } from '@bizosaas/auth';
import { generateSigningKey, jwksOf, signTestToken, testClaims, type TestSigningKey } from '@bizosaas/auth/testing';
import { loadConfig } from '@bizosaas/config';
import { createPgPool } from '@bizosaas/db';
import { createRedis, eventStreamKey } from '@bizosaas/messaging';
import type { ServiceApp } from '@bizosaas/service-kit';
import type { Redis } from 'ioredis';
import { buildDomainRepositoryApp, type BuildOptions } from './app.ts';
import { configSchema, type Config } from './config.ts';

export interface TestApp {
  app: ServiceApp;
  config: Config;
  redis: Redis;
  key: TestSigningKey;
  close(): Promise<void>;
}

/** `env` overrides the test defaults (each app gets its own CRM work stream and event stream namespace). */
export async function startTestApp(env: Record<string, string> = {}, options: BuildOptions = {}): Promise<TestApp> {
  const config = loadConfig(configSchema, {
    LOG_LEVEL: 'silent',
    DATABASE_URL: inject('appDatabaseUrl'),
    WORKER_DATABASE_URL: inject('workerDatabaseUrl'),
    PROJECTION_POLL_INTERVAL_MS: '100',
    CRM_WORK_STREAM: `test:crm-work:{${randomUUID()}}`,
    // The lead-scoring consumer's group reads this namespace's ai_analysis stream.
    EVENT_STREAM_NAMESPACE: `test:events:${randomUUID()}`,
    // The CRM APIs of the tests are local servers on 127.0.0.1, as in development.
    OUTBOUND_ALLOWED_CIDRS: '127.0.0.0/8',
    ...env,
  });
  const key = await generateSigningKey();
  const pool = createPgPool({
    databaseUrl: config.DATABASE_URL,
    poolMax: config.DATABASE_POOL_MAX,
    schema: 'domain_repository',
  });
  const worker = createPgPool({
    databaseUrl: config.WORKER_DATABASE_URL,
    poolMax: config.WORKER_DATABASE_POOL_MAX,
    schema: 'domain_repository',
  });
  const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
    connectionName: 'domain-repository:test',
  });
  if (redis.status !== 'ready') await once(redis, 'ready');
  const app = await buildDomainRepositoryApp(
    config,
    { pool, worker, redis, verifier: createJwksVerifier({ jwks: jwksOf(key) }) },
    options,
  );
  await app.ready();
  return {
    app,
    config,
    redis,
    key,
    async close() {
      await app.close();
      const aiStream = eventStreamKey('ai_analysis', config.EVENT_STREAM_NAMESPACE);
      await redis
        .del(config.CRM_WORK_STREAM, `${config.CRM_WORK_STREAM}:dlq`, aiStream, `${aiStream}:dlq`)
        .catch(() => {});
      await Promise.allSettled([redis.quit(), pool.end(), worker.end()]);
    },
  };
}

/** A caller of a fresh tenant (manager: leads and customers read/write). */
export async function tenantCaller(key: TestSigningKey, roles: string[] = ['manager']) {
  const claims = testClaims({ roles });
  const token = await signTestToken(key, claims);
  return { tenantId: claims.tenant_id, userId: claims.sub, headers: { authorization: `Bearer ${token}` } };
}

export { eventually } from '@bizosaas/service-kit/testing';

export const newLeadBody = (label = randomUUID().slice(0, 8)) => ({
  contact: { email: `prospect.${label}@example.com`, firstName: 'John', lastName: 'Doe', company: 'Example Corp' },
  source: 'website_form',
  utmParameters: { utmCampaign: 'spring_promotion' },
});

export const score = { totalScore: 85, behavioralScore: 90, demographicScore: 70, firmographicScore: 60 };

export { expect };
