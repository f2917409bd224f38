import { createService, platformReadiness, type PlatformService } from '@bizosaas/service-kit';
import { PrismaClient } from './generated/prisma/client.ts';
import { configSchema } from './config.ts';

export const definition: PlatformService<typeof configSchema, PrismaClient> = {
  service: 'notification',
  schema: 'notification',
  configSchema,
  createPrisma: (adapter) => new PrismaClient({ adapter }),
  buildApp: (config, deps) =>
    createService({
      name: 'notification',
      description:
        'Email, SMS, push and in-app notifications: templates, per-user preferences, delivery tracking and retries.',
      logLevel: config.LOG_LEVEL,
      bodyLimit: config.BODY_LIMIT_BYTES,
      auth: deps.verifier,
      readiness: platformReadiness(deps),
    }),
};
