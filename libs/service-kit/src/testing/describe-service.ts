import { once } from 'node:events';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import type { z } from 'zod';
import { createJwksVerifier } from '@bizosaas/auth';
import { loadConfig } from '@bizosaas/config';
import { createPgAdapter } from '@bizosaas/db';
import { createRedis } from '@bizosaas/messaging';
import type { ServiceApp } from '../create-service.ts';
import type { PlatformDependencies } from '../platform-dependencies.ts';
import type { PlatformService, PrismaLike } from '../run-platform-service.ts';
import { itServesTheOpsContract } from './ops-contract.ts';

/**
 * Builds a database-backed service the way runPlatformService does, but on the test database
 * (migrated by the global setup, connected as the app role) and the test Redis, then runs the
 * ops contract. `more` adds the service's own tests with access to the built app; `env`
 * overrides configuration (e.g. a stream namespace of the test's own); `components` lists what
 * `/ready` reports (default postgres and redis).
 */
export function describeService<S extends z.ZodObject, P extends PrismaLike>(
  definition: PlatformService<S, P>,
  more?: (getApp: () => ServiceApp) => void,
  options: { env?: Record<string, string>; components?: string[] } = {},
): void {
  describe(definition.service, () => {
    let app: ServiceApp;
    let deps: PlatformDependencies<P>;
    beforeAll(async () => {
      const config = loadConfig(definition.configSchema, { LOG_LEVEL: 'silent', ...options.env });
      deps = {
        prisma: definition.createPrisma(
          createPgAdapter({ databaseUrl: inject('appDatabaseUrl'), poolMax: 2, schema: definition.schema }),
        ),
        redis: createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
          connectionName: `${definition.service}:test`,
        }),
        verifier: createJwksVerifier({ jwks: { keys: [] } }),
      };
      if (deps.redis.status !== 'ready') await once(deps.redis, 'ready');
      app = await definition.buildApp(config, deps);
      await app.ready();
    });
    afterAll(async () => {
      await app?.close();
      await Promise.allSettled([deps?.redis.quit(), deps?.prisma.$disconnect()]);
    });
    itServesTheOpsContract(definition.service, () => app, options.components ?? ['postgres', 'redis']);
    more?.(() => app);
  });
}
