import { createService, platformReadiness, type PlatformDependencies, type ServiceApp } from '@bizosaas/service-kit';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { Config } from './config.ts';

export const SERVICE = 'ai-agents';
export const SCHEMA = 'ai_agents';

export async function buildApp(config: Config, deps: PlatformDependencies<PrismaClient>): Promise<ServiceApp> {
  return createService({
    name: SERVICE,
    description: 'Agent task orchestration: lead scoring, campaign optimisation, content/SEO analysis and digital-presence audits by crews of agents over a pluggable LLM provider.',
    logLevel: config.LOG_LEVEL,
    bodyLimit: config.BODY_LIMIT_BYTES,
    auth: deps.verifier,
    readiness: platformReadiness(deps),
  });
}
