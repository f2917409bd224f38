import { createService, platformReadiness, type PlatformService } from '@bizosaas/service-kit';
import { PrismaClient } from './generated/prisma/client.ts';
import { configSchema } from './config.ts';

export const definition: PlatformService<typeof configSchema, PrismaClient> = {
  service: 'user-management',
  schema: 'user_management',
  configSchema,
  createPrisma: (adapter) => new PrismaClient({ adapter }),
  buildApp: (config, deps) =>
    createService({
      name: 'user-management',
      description: 'Tenants, users, roles and permissions (RBAC), JWT access and refresh tokens, sessions and API keys; publishes the JWKS every service verifies with.',
      logLevel: config.LOG_LEVEL,
      bodyLimit: config.BODY_LIMIT_BYTES,
      auth: deps.verifier,
      readiness: platformReadiness(deps),
    }),
};
