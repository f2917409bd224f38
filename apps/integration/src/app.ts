import { createService, platformReadiness, type PlatformDependencies, type ServiceApp } from '@bizosaas/service-kit';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { Config } from './config.ts';

export const SERVICE = 'integration';
export const SCHEMA = 'integration';

export async function buildApp(config: Config, deps: PlatformDependencies<PrismaClient>): Promise<ServiceApp> {
  return createService({
    name: SERVICE,
    description: 'Connectors to ads platforms, CRMs and payments: encrypted credentials, OAuth token refresh, signed inbound webhooks, sync jobs and circuit breakers.',
    logLevel: config.LOG_LEVEL,
    bodyLimit: config.BODY_LIMIT_BYTES,
    auth: deps.verifier,
    readiness: platformReadiness(deps),
  });
}
