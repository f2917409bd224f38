import { createService, platformReadiness, type PlatformService } from '@bizosaas/service-kit';
import { PrismaClient } from './generated/prisma/client.ts';
import { configSchema } from './config.ts';

export const definition: PlatformService<typeof configSchema, PrismaClient> = {
  service: 'event-bus',
  schema: 'event_bus',
  configSchema,
  createPrisma: (adapter) => new PrismaClient({ adapter }),
  buildApp: (config, deps) =>
    createService({
      name: 'event-bus',
      description: 'The bus HTTP face: publish, webhook subscriptions, history, replay, dead letters, schema catalogue, per-tenant limits and encryption.',
      logLevel: config.LOG_LEVEL,
      bodyLimit: config.BODY_LIMIT_BYTES,
      auth: deps.verifier,
      readiness: platformReadiness(deps),
    }),
};
