import { createService, platformReadiness, type PlatformService } from '@bizosaas/service-kit';
import { PrismaClient } from './generated/prisma/client.ts';
import { configSchema } from './config.ts';

export const definition: PlatformService<typeof configSchema, PrismaClient> = {
  service: 'analytics',
  schema: 'analytics',
  configSchema,
  createPrisma: (adapter) => new PrismaClient({ adapter }),
  buildApp: (config, deps) =>
    createService({
      name: 'analytics',
      description:
        'Projections of every event into metrics, KPIs and time series; dashboards; reports built in the background.',
      logLevel: config.LOG_LEVEL,
      bodyLimit: config.BODY_LIMIT_BYTES,
      auth: deps.verifier,
      readiness: platformReadiness(deps),
    }),
};
