import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '@bizosaas/ddd-kernel';
import type { DomainEvent } from '@bizosaas/event-schemas';
import { createConsumer, eventStreamKey, type Consumer, type ConsumerSignal } from '@bizosaas/messaging';
import type { ConsumerMonitor } from '@bizosaas/service-kit';
import { createAnalysis } from '../analyses/create-analysis.ts';
import type { TenantSettingsSource } from '../analyses/tenant-agent-settings.ts';
import type { AgentsContext, FeatureModule } from '../context.ts';
import type { CrewRegistry } from '../crews/crew-registry.ts';
import { RUNNER_ACTOR } from '../runs/run-events.ts';
import { applyMonitorEvent, isMonitorEvent } from './campaign-monitors.ts';
import { planTrigger } from './plan-trigger.ts';

/**
 * The consumer group of a deployment (its RUN_GROUP): each deployment gets every event once and
 * runs the analyses it asks for itself (a test's own deployment sees the events of its test).
 */
export const eventTriggersGroup = (runGroup: string) =>
  runGroup === 'default' ? 'ai-agents.triggers' : `ai-agents.triggers.${runGroup}`;
const AGGREGATE_TYPES = ['lead', 'campaign', 'ai_analysis'] as const;

export interface EventTriggerDeps {
  crews: CrewRegistry;
  settings: TenantSettingsSource;
  consumers: ConsumerMonitor;
  wakeRunner: () => void;
  /** A campaign became watched: its first round is due now. */
  wakeMonitors: () => void;
}

/**
 * Analyses asked for by events, and the campaigns watched. Each is idempotent by the event: its analysis id is the event's
 * (an ai.analysis_requested's aggregate) or derived from the event id, so a redelivery, or our
 * own ai.analysis_requested coming back on the stream, records nothing new. An analysis the
 * tenant cannot run (no LLM for a crew that needs one, over quota) is logged and skipped: events
 * are not retried for a tenant's configuration.
 */
export function createEventTriggers(ctx: AgentsContext, deps: EventTriggerDeps, log: FastifyBaseLogger): Consumer {
  const group = eventTriggersGroup(ctx.config.RUN_GROUP);
  async function handle(event: DomainEvent): Promise<void> {
    // A launched campaign is watched: its optimisation rounds run from the monitor (campaign-monitors.ts).
    if (isMonitorEvent(event)) {
      await applyMonitorEvent(ctx, event);
      if (event.type === 'campaign.launched' || event.type === 'campaign.resumed') deps.wakeMonitors();
      return;
    }
    const plan = planTrigger(event);
    if ('skip' in plan) return;
    const settings = await deps.settings(event.tenantId);
    try {
      const { created } = await createAnalysis(
        ctx,
        deps.crews.get(plan.request.analysisType),
        plan.request,
        {
          tenantId: event.tenantId,
          actor: event.type === 'ai.analysis_requested' ? event.actor : RUNNER_ACTOR,
          requestedBy: event.actor.type === 'user' ? event.actor.id : null,
          correlationId: event.correlationId,
          causationId: event.id,
          idempotencyKey: event.type === 'ai.analysis_requested' ? undefined : `event:${event.id}`,
          requestedEvent: event.type === 'ai.analysis_requested' ? event : undefined,
        },
        { monthlyTokenQuota: settings.monthlyTokenQuota, llmConfigured: settings.llm !== null },
      );
      if (created) deps.wakeRunner();
    } catch (error) {
      // A tenant's configuration (quota, missing LLM, unavailable type, bad parameters) is not a delivery failure.
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      log.info(
        { eventId: event.id, eventType: event.type, code: error.code, message: error.message },
        'event asked for an analysis the tenant cannot run',
      );
    }
  }
  return createConsumer({
    redis: ctx.redis,
    streams: AGGREGATE_TYPES.map((type) => eventStreamKey(type, ctx.config.EVENT_STREAM_NAMESPACE)),
    group,
    consumer: ctx.config.CONSUMER_NAME,
    handler: handle,
    // A new group starts at new entries: leads created before the service existed are not scored.
    startId: '$',
    healthCheck: () => ctx.pool.query('SELECT 1'),
    onSignal: (signal) => {
      deps.consumers.observe(signal, group);
      logSignal(log, signal);
    },
  });
}

function logSignal(log: FastifyBaseLogger, signal: ConsumerSignal): void {
  if (signal.kind === 'paused') log.warn({ err: signal.error }, 'event triggers paused: PostgreSQL is down');
  if (signal.kind === 'failed')
    log.warn({ err: signal.error, delivery: signal.delivery }, 'event triggers: delivery failed; it will be retried');
  if (signal.kind === 'dead_lettered')
    log.error({ delivery: signal.delivery, reason: signal.reason }, 'event triggers: event dead-lettered');
  if (signal.kind === 'error') log.warn({ err: signal.error }, 'event triggers consumer error');
}

/** The consumer as a feature: started when the app is ready, stopped before it closes. */
export function eventTriggersFeature(deps: EventTriggerDeps): FeatureModule {
  return (app, ctx) => {
    const consumer = createEventTriggers(ctx, deps, app.log);
    deps.consumers.track(consumer);
    app.addHook('onReady', () => consumer.start());
    app.addHook('preClose', () => consumer.stop());
  };
}
