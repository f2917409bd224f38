import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createJwksVerifier } from '@bizosaas/auth';
import { generateSigningKey, jwksOf, signTestToken, testClaims, type TestSigningKey } from '@bizosaas/auth/testing';
import { loadConfig } from '@bizosaas/config';
import { createPgAdapter } from '@bizosaas/db';
import { createRedis } from '@bizosaas/messaging';
import { deleteNamespace, uniqueNamespace } from '@bizosaas/messaging/testing';
import type { ServiceApp } from '@bizosaas/service-kit';
import type { Redis } from 'ioredis';
import { inject } from 'vitest';
import type pg from 'pg';
import { definition } from './app.ts';
import { createEncryption } from './encryption/encryption.ts';

/**
 * Test-only master keys (never used outside tests). Every fixture knows both and seals with
 * `test-1`, so a test that re-wraps the shared test database under `test-2` breaks nobody.
 */
export const TEST_MASTER_KEYS = {
  'test-1': 'zUqu+KRylrD/lCRSwiOUe2EDur/NH1mELaM5lJIrTiw=',
  'test-2': 'rgAUabXIXlYt94d+Q2lFX9oN7i2+ySNi2iAZVXW2LR8=',
};
export const testEncryptionEnv = {
  EVENTBUS_MASTER_KEYS: JSON.stringify(TEST_MASTER_KEYS),
  EVENTBUS_ACTIVE_MASTER_KEY_ID: 'test-1',
};

/** The fixtures' encryption on `pool`, for tests that build parts of the service (e.g. a delivery worker) themselves. */
export const testEncryption = (pool: pg.Pool, env: Record<string, string> = {}) =>
  createEncryption(loadConfig(definition.configSchema, { ...testEncryptionEnv, ...env }), pool);

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
    ...testEncryptionEnv,
    // Receivers listen on 127.0.0.1, as in development (start-dev.sh sets the same).
    OUTBOUND_ALLOWED_CIDRS: '127.0.0.0/8',
    ...env,
  });
  const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
    connectionName: `event-bus-test-${label}`,
  });
  if (redis.status !== 'ready') await once(redis, 'ready');
  const prisma = definition.createPrisma(
    createPgAdapter({ databaseUrl: inject('appDatabaseUrl'), poolMax: 2, schema: definition.schema }),
  );
  const app = await definition.buildApp(config, { prisma, redis, verifier: createJwksVerifier({ jwks: jwksOf(key) }) });
  await app.ready();
  return {
    app,
    redis,
    namespace,
    token: (tenantId, roles = ['admin']) => signTestToken(key, testClaims({ tenant_id: tenantId, roles })),
    async close() {
      await app.close();
      await deleteNamespace(redis, namespace);
      await Promise.allSettled([redis.quit(), prisma.$disconnect()]);
    },
  };
}

/** A real webhook receiver: answers each request with the next status of `plan` (then 200) and keeps the raw requests. */
export async function startReceiver() {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const plan: number[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(plan.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return { url, received, plan, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
