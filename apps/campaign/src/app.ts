import { createService, platformReadiness, type PlatformDependencies, type ServiceApp } from '@bizosaas/service-kit';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { Config } from './config.ts';

export const SERVICE = 'campaign';
export const SCHEMA = 'campaign';

export async function buildApp(config: Config, deps: PlatformDependencies<PrismaClient>): Promise<ServiceApp> {
  return createService({
    name: SERVICE,
    description: 'Campaign operations while a campaign runs: channel executions, sales funnels, pacing against budget, performance tracking and the optimisation loop with ai-agents.',
    logLevel: config.LOG_LEVEL,
    bodyLimit: config.BODY_LIMIT_BYTES,
    auth: deps.verifier,
    readiness: platformReadiness(deps),
  });
}
