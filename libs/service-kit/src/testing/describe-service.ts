import { once } from 'node:events';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import type { PrismaPg } from '@prisma/adapter-pg';
import type { z } from 'zod';
import { createJwksVerifier } from '@bizosaas/auth';
import { loadConfig } from '@bizosaas/config';
import { createPgAdapter } from '@bizosaas/db';
import { createRedis } from '@bizosaas/messaging';
import type { ServiceApp } from '../create-service.ts';
import type { PlatformDependencies } from '../platform-dependencies.ts';
import { itServesTheOpsContract } from './ops-contract.ts';

interface PrismaLike {
  $queryRaw<T = unknown>(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<T>;
  $disconnect(): Promise<void>;
}

export interface ServiceUnderTest<C, P extends PrismaLike> {
  service: string;
  schema: string;
  configSchema: z.ZodType<C>;
  createPrisma: (adapter: PrismaPg) => P;
  buildApp: (config: C, deps: PlatformDependencies<P>) => Promise<ServiceApp>;
}

/**
 * Builds a database-backed service the way main.ts does, but on the test database (migrated by
 * the global setup, connected as the app role) and the test Redis, then runs the ops contract.
 * `more` adds the service's own tests with access to the built app.
 */
export function describeService<C, P extends PrismaLike>(
  subject: ServiceUnderTest<C, P>,
  more?: (getApp: () => ServiceApp) => void,
): void {
  describe(subject.service, () => {
    let app: ServiceApp;
    let deps: PlatformDependencies<P>;
    beforeAll(async () => {
      const config = loadConfig(subject.configSchema as unknown as z.ZodObject, { LOG_LEVEL: 'silent' }) as C;
      deps = {
        prisma: subject.createPrisma(createPgAdapter({ databaseUrl: inject('appDatabaseUrl'), poolMax: 2, schema: subject.schema })),
        redis: createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { connectionName: `${subject.service}:test` }),
        verifier: createJwksVerifier({ jwks: { keys: [] } }),
      };
      if (deps.redis.status !== 'ready') await once(deps.redis, 'ready');
      app = await subject.buildApp(config, deps);
      await app.ready();
    });
    afterAll(async () => {
      await app?.close();
      await Promise.allSettled([deps?.redis.quit(), deps?.prisma.$disconnect()]);
    });
    itServesTheOpsContract(subject.service, () => app, ['postgres', 'redis']);
    more?.(() => app);
  });
}
