import { once } from 'node:events';
import { createJwksVerifier } from '@bizosaas/auth';
import { generateSigningKey, jwksOf, signTestToken, testClaims, type TestSigningKey } from '@bizosaas/auth/testing';
import { loadConfig } from '@bizosaas/config';
import { createPgAdapter } from '@bizosaas/db';
import { createRedis } from '@bizosaas/messaging';
import { deleteNamespace, uniqueNamespace } from '@bizosaas/messaging/testing';
import type { ServiceApp } from '@bizosaas/service-kit';
import type { Redis } from 'ioredis';
import { inject } from 'vitest';
import { definition } from './app.ts';

/** Helpers for the event-bus integration tests (not part of the service). */
export interface EventBusFixture {
  app: ServiceApp;
  redis: Redis;
  namespace: string;
  /** A bearer token for `tenantId` with `roles` (default admin). */
  token(tenantId: string, roles?: string[]): Promise<string>;
  close(): Promise<void>;
}

/** The service as main.ts builds it, on the test database and Redis, with a stream namespace of its own. */
export async function eventBusFixture(label: string, env: Record<string, string> = {}): Promise<EventBusFixture> {
  const namespace = uniqueNamespace(`event-bus-${label}`);
  const key: TestSigningKey = await generateSigningKey('EdDSA');
  const config = loadConfig(definition.configSchema, {
    LOG_LEVEL: 'silent',
    DATABASE_URL: inject('appDatabaseUrl'),
    WORKER_DATABASE_URL: inject('workerDatabaseUrl'),
    EVENTBUS_STREAM_NAMESPACE: namespace,
    EVENTBUS_CONSUMER_NAME: `test-${label}`,
    ...env,
  });
  const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { connectionName: `event-bus-test-${label}` });
  if (redis.status !== 'ready') await once(redis, 'ready');
  const prisma = definition.createPrisma(createPgAdapter({ databaseUrl: inject('appDatabaseUrl'), poolMax: 2, schema: definition.schema }));
  const app = await definition.buildApp(config, { prisma, redis, verifier: createJwksVerifier({ jwks: jwksOf(key) }) });
  await app.ready();
  return {
    app, redis, namespace,
    token: (tenantId, roles = ['admin']) => signTestToken(key, testClaims({ tenant_id: tenantId, roles })),
    async close() {
      await app.close();
      await deleteNamespace(redis, namespace);
      await Promise.allSettled([redis.quit(), prisma.$disconnect()]);
    },
  };
}
