import { createCommandBus, type AnyCommandDefinition, type CommandBus } from '@bizosaas/cqrs';
import { createPgIdempotencyStore, writeSideReadiness } from '@bizosaas/event-store';
import {
  createConsumerMonitor, createService, platformReadiness, type PlatformDependencies, type PlatformService, type ReadinessCheck, type ServiceApp,
} from '@bizosaas/service-kit';
import { campaignListProjection } from './campaign/active-campaigns/active-campaigns.projection.ts';
import { campaignCommands } from './campaign/campaign-commands.ts';
import { campaignRoutes } from './campaign/campaign.routes.ts';
import { customerCommands } from './customer/customer-commands.ts';
import { customerListProjection } from './customer/customer-list/customer-list.projection.ts';
import { customerRoutes } from './customer/customer.routes.ts';
import { attachCrmIngestion } from './crm-ingestion/crm-ingestion.ts';
import { createChurnReassessment } from './customer/churn-reassessment/churn-reassessment.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { configSchema, type Config } from './config.ts';
import { convertLeadCommand } from './lead/convert-lead/convert-lead.command.ts';
import { leadCommands } from './lead/lead-commands.ts';
import { leadListProjection } from './lead/lead-list/lead-list.projection.ts';
import { leadRoutes } from './lead/lead.routes.ts';
import { openApiTags } from './openapi-tags.ts';
import { attachWriteSide, EVENT_STORE_SCHEMA } from './write-side/write-side.ts';

/** Test seams. */
export interface BuildOptions {
  /** The clock commands read their time from (decide never reads one). */
  now?: () => Date;
}

export async function buildDomainRepositoryApp(config: Config, deps: PlatformDependencies<PrismaClient>, options: BuildOptions = {}): Promise<ServiceApp> {
  const now = options.now ?? (() => new Date());
  const consumers = createConsumerMonitor(deps.redis);
  const readiness: Record<string, ReadinessCheck> = { ...platformReadiness(deps), consumers: consumers.check };
  const app = await createService({
    name: 'domain-repository',
    description: 'The write-side authority for the Lead, Customer and Campaign aggregates (event-sourced) and CRM event ingestion.',
    tags: openApiTags,
    logLevel: config.LOG_LEVEL,
    bodyLimit: config.BODY_LIMIT_BYTES,
    auth: deps.verifier,
    readiness,
  });
  consumers.register(app.metricsRegistry);
  const writeSide = attachWriteSide(app, {
    databaseUrl: config.DATABASE_URL,
    databasePoolMax: config.DATABASE_POOL_MAX,
    workerDatabaseUrl: config.WORKER_DATABASE_URL,
    workerDatabasePoolMax: config.WORKER_DATABASE_POOL_MAX,
    projectionPollIntervalMs: config.PROJECTION_POLL_INTERVAL_MS,
    redis: deps.redis,
    projections: [leadListProjection, customerListProjection, campaignListProjection],
    idempotencyRetentionMs: config.IDEMPOTENCY_RETENTION_MS,
    pruneIntervalMs: config.PRUNE_INTERVAL_MS,
  });
  // /ready reads this record at each request: outbox and projection lag join once the pools exist.
  Object.assign(readiness, writeSideReadiness(writeSide.worker, EVENT_STORE_SCHEMA));
  const commandContext = { ...writeSide, clockSkewMs: config.CLOCK_SKEW_MS };
  const commands: AnyCommandDefinition[] = [
    ...leadCommands(commandContext), convertLeadCommand(commandContext), ...customerCommands(commandContext), ...campaignCommands(commandContext),
  ];
  let bus: CommandBus<AnyCommandDefinition> = createCommandBus({
    idempotencyStore: createPgIdempotencyStore({ pool: writeSide.pool, schema: EVENT_STORE_SCHEMA }),
    transientRetry: { maxRetries: 3 },
  });
  for (const command of commands) bus = bus.register(command);
  const ctx = { ...commandContext, now, execute: (command: Parameters<typeof bus.execute>[0]) => bus.execute(command) };
  leadRoutes(app, ctx);
  customerRoutes(app, ctx);
  campaignRoutes(app, ctx);
  attachCrmIngestion(app, ctx, config, deps.redis, consumers);
  const churn = createChurnReassessment({
    worker: writeSide.worker, execute: ctx.execute, now, intervalMs: config.CHURN_REASSESS_INTERVAL_MS, batchSize: config.CHURN_REASSESS_BATCH,
    onError: (error, customerId) => app.log.warn({ err: error, customerId }, 'churn re-assessment failed'),
  });
  app.addHook('onReady', async () => churn.start());
  app.addHook('preClose', () => churn.stop());
  return app;
}

export const definition: PlatformService<typeof configSchema, PrismaClient> = {
  service: 'domain-repository',
  schema: 'domain_repository',
  configSchema,
  createPrisma: (adapter) => new PrismaClient({ adapter }),
  buildApp: (config, deps) => buildDomainRepositoryApp(config, deps),
};
