import { runPeriodically, type ConsumerMonitor, type PeriodicJob } from '@bizosaas/service-kit';
import { createAnalysisHub } from './analyses/analysis-hub.ts';
import { analysesFeature } from './analyses/analyses.routes.ts';
import { analysisStreamFeature } from './analyses/analysis-stream.route.ts';
import type { TenantSettingsSource } from './analyses/tenant-agent-settings.ts';
import { approvalsFeature } from './approvals/approvals.routes.ts';
import type { FeatureModule } from './context.ts';
import type { Crew } from './crews/crew.ts';
import { createCrewRegistry } from './crews/crew-registry.ts';
import { createRunner } from './runs/runner.ts';
import { evalsFeature } from './evals/evals.routes.ts';
import { runDueMonitors } from './triggers/campaign-monitors.ts';
import { eventTriggersFeature } from './triggers/event-triggers.ts';
import { usageFeature } from './usage/usage.routes.ts';

/** What the analyses features need beyond the context: crews, tenant settings, monitors. */
export interface FeatureHooks {
  /** Consumers register here to show on /ready. */
  consumers: ConsumerMonitor;
  /** The crews this replica runs. */
  crews: readonly Crew[];
  /** Why a type has no crew here (e.g. lead_scoring without a service client). */
  missingCrews?: Partial<Record<Crew['kind'], string>>;
  settings: TenantSettingsSource;
}

/**
 * The analyses with their runner, live stream, approvals, usage and the events that ask for them. The runner starts when the
 * app is ready and hands its runs back (to the queue) before the app closes.
 */
export function runsFeature(hooks: FeatureHooks): FeatureModule {
  return (app, ctx) => {
    const hub = createAnalysisHub(ctx.redis, app.log);
    const crews = createCrewRegistry(hooks.crews, hooks.missingCrews);
    const runner = createRunner(
      ctx,
      {
        crewFor: (analysis) => crews.get(analysis.analysisType),
        llmFor: hooks.settings,
        hub,
      },
      app.log,
    );
    const wakeRunner = () => runner.wake();
    analysesFeature({ crews, settings: hooks.settings, hub, wakeRunner })(app, ctx);
    analysisStreamFeature(hub)(app, ctx);
    approvalsFeature(wakeRunner)(app, ctx);
    usageFeature(hooks.settings)(app, ctx);
    evalsFeature({ crews, settings: hooks.settings })(app, ctx);
    // Rounds never collide (claims skip locked rows): a wake may run beside the periodic one.
    const monitorRound = async (): Promise<void> => {
      await runDueMonitors(ctx, { crews, settings: hooks.settings, wakeRunner }, app.log);
    };
    eventTriggersFeature({
      crews,
      settings: hooks.settings,
      consumers: hooks.consumers,
      wakeRunner,
      wakeMonitors: () =>
        void monitorRound().catch((error: unknown) => app.log.warn({ err: error }, 'a campaign monitor round failed')),
    })(app, ctx);
    let monitors: PeriodicJob | undefined;
    app.addHook('onReady', async () => {
      monitors = runPeriodically(monitorRound, {
        intervalMs: ctx.config.RUN_POLL_INTERVAL_MS,
        onError: (error) => app.log.warn({ err: error }, 'a campaign monitor round failed'),
      });
    });
    app.addHook('preClose', async () => monitors?.stop());
    app.addHook('onReady', async () => runner.start());
    app.addHook('preClose', async () => runner.stop());
    app.addHook('onClose', async () => hub.close());
  };
}
