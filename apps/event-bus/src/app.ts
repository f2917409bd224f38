import { createService, platformReadiness, type PlatformDependencies, type ServiceApp } from '@bizosaas/service-kit';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { Config } from './config.ts';

export const SERVICE = 'event-bus';
export const SCHEMA = 'event_bus';

export async function buildApp(config: Config, deps: PlatformDependencies<PrismaClient>): Promise<ServiceApp> {
  return createService({
    name: SERVICE,
    description: 'The bus HTTP face: publish, webhook subscriptions, history, replay, dead letters, schema catalogue, per-tenant limits and encryption.',
    logLevel: config.LOG_LEVEL,
    bodyLimit: config.BODY_LIMIT_BYTES,
    auth: deps.verifier,
    readiness: platformReadiness(deps),
  });
}
