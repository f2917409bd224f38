import { createService, platformReadiness, type PlatformService } from '@bizosaas/service-kit';
import { PrismaClient } from './generated/prisma/client.ts';
import { configSchema } from './config.ts';

export const definition: PlatformService<typeof configSchema, PrismaClient> = {
  service: 'domain-repository',
  schema: 'domain_repository',
  configSchema,
  createPrisma: (adapter) => new PrismaClient({ adapter }),
  buildApp: (config, deps) =>
    createService({
      name: 'domain-repository',
      description: 'The write-side authority for the Lead, Customer and Campaign aggregates (event-sourced) and CRM event ingestion.',
      logLevel: config.LOG_LEVEL,
      bodyLimit: config.BODY_LIMIT_BYTES,
      auth: deps.verifier,
      readiness: platformReadiness(deps),
    }),
};
