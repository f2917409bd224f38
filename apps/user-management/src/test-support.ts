// Builds the service for integration tests as runPlatformService would, on the migrated test
// database (app role), the worker role for the relay, and the real Redis.
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createJwksVerifier } from '@bizosaas/auth';
import { loadConfig } from '@bizosaas/config';
import { createPgAdapter } from '@bizosaas/db';
import { createRedis } from '@bizosaas/messaging';
import type { ServiceApp } from '@bizosaas/service-kit';
import { buildIdentityApp, type BuildOptions } from './app.ts';
import { configSchema, type Config } from './config.ts';
import { PrismaClient } from './generated/prisma/client.ts';

/**
 * Every test (and the e2e process) uses this one key-encryption key: the signing keys in the
 * shared test database are encrypted under it.
 */
export const TEST_SIGNING_KEY_ENCRYPTION_KEY = Buffer.alloc(32, 'bizosaas-test-kek').toString('base64');

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig(configSchema, {
    LOG_LEVEL: 'silent',
    SIGNING_KEY_ENCRYPTION_KEY: TEST_SIGNING_KEY_ENCRYPTION_KEY,
    WORKER_DATABASE_URL: inject('workerDatabaseUrl'),
    // Own counters per app: failed logins of one test file never lock out another's.
    LOGIN_LIMIT_KEY_PREFIX: `test:um:${randomUUID().slice(0, 8)}`,
    ...env,
  });
}

export interface TestApp {
  app: ServiceApp;
  prisma: PrismaClient;
  config: Config;
  close(): Promise<void>;
}

export async function startTestApp(env: Record<string, string> = {}, options: BuildOptions = {}): Promise<TestApp> {
  const config = testConfig(env);
  const prisma = new PrismaClient({
    adapter: createPgAdapter({ databaseUrl: inject('appDatabaseUrl'), poolMax: 4, schema: 'user_management' }),
  });
  const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
    connectionName: 'user-management:test',
  });
  if (redis.status !== 'ready') await once(redis, 'ready');
  const app = await buildIdentityApp(
    config,
    { prisma, redis, verifier: createJwksVerifier({ jwks: { keys: [] } }) },
    options,
  );
  await app.ready();
  return {
    app,
    prisma,
    config,
    async close() {
      await app.close();
      await Promise.allSettled([redis.quit(), prisma.$disconnect()]);
    },
  };
}

let counter = 0;
/** A fresh address per call: e-mails are unique per tenant and tests share the database. */
export function uniqueEmail(label = 'user'): string {
  counter += 1;
  return `${label}.${randomUUID().slice(0, 8)}.${counter}@example.test`;
}

export const STRONG_PASSWORD = 'correct horse battery staple';

/** Registers a fresh tenant through the API and answers its body (tenant, user, tokens). */
export async function registerTenant(app: ServiceApp, overrides: Record<string, string> = {}) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: {
      tenantName: `Acme ${randomUUID().slice(0, 6)}`,
      email: uniqueEmail('owner'),
      password: STRONG_PASSWORD,
      ...overrides,
    },
  });
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
  return res.json<{
    tenant: { id: string; slug: string; plan: string };
    user: { id: string; email: string; role: string };
    accessToken: string;
    refreshToken: string;
    expiresIn: number;
  }>();
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
