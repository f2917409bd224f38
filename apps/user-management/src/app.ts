import { createService, platformReadiness, type PlatformDependencies, type ServiceApp } from '@bizosaas/service-kit';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { Config } from './config.ts';

export const SERVICE = 'user-management';
export const SCHEMA = 'user_management';

export async function buildApp(config: Config, deps: PlatformDependencies<PrismaClient>): Promise<ServiceApp> {
  return createService({
    name: SERVICE,
    description: 'Tenants, users, roles and permissions (RBAC), JWT access and refresh tokens, sessions and API keys; publishes the JWKS every service verifies with.',
    logLevel: config.LOG_LEVEL,
    bodyLimit: config.BODY_LIMIT_BYTES,
    auth: deps.verifier,
    readiness: platformReadiness(deps),
  });
}
