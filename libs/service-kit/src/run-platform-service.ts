import type { PrismaPg } from '@prisma/adapter-pg';
import type { z } from 'zod';
import { loadConfigOrExit } from '@bizosaas/config';
import type { RawQueryClient } from '@bizosaas/db';
import type { ServiceApp } from './create-service.ts';
import { connectPlatform, type PlatformConfig, type PlatformDependencies } from './platform-dependencies.ts';
import { startService } from './start-service.ts';

export interface PrismaLike extends RawQueryClient {
  $disconnect(): Promise<void>;
}

/** What a database-backed service is: its names, its config, its Prisma client and its app. */
export interface PlatformService<S extends z.ZodObject, P extends PrismaLike> {
  service: string;
  /** The PostgreSQL schema the service owns. */
  schema: string;
  configSchema: S;
  createPrisma: (adapter: PrismaPg) => P;
  buildApp: (config: z.infer<S>, deps: PlatformDependencies<P>) => Promise<ServiceApp>;
}

interface RunConfig extends PlatformConfig {
  PORT: number;
  HOST: string;
  SHUTDOWN_GRACE_MS: number;
}

/**
 * main.ts of a database-backed service: config, connections, app, listen; on SIGTERM the app
 * closes (its onClose hooks stop its consumers and relays) and then the connections close.
 */
export async function runPlatformService<S extends z.ZodObject, P extends PrismaLike>(
  definition: PlatformService<S, P>,
): Promise<void> {
  const config = loadConfigOrExit(definition.configSchema);
  const runConfig = config as z.infer<S> & RunConfig;
  const platform = connectPlatform({
    service: definition.service,
    schema: definition.schema,
    config: runConfig,
    createPrisma: definition.createPrisma,
  });
  const app = await definition.buildApp(config, platform);
  await startService(app, {
    port: runConfig.PORT,
    host: runConfig.HOST,
    graceMs: runConfig.SHUTDOWN_GRACE_MS,
    afterClose: () => platform.close(),
  });
}
