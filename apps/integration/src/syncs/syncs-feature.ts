import type { FeatureModule, IntegrationContext } from '../context.ts';
import { createCrmForwarder } from './crm-forwarder.ts';
import type { TenantTokenSource } from '@bizosaas/platform-client';
import type { ProviderAccess } from './provider-access.ts';
import type { ArchiveOptions } from './replay-archive.ts';
import { registerReplays } from './replay-feature.ts';
import type { ReplayRunner } from './replay-runner.ts';
import { createSyncRunner, type SyncRunner } from './sync-runner.ts';
import { syncRoutes } from './syncs.routes.ts';

export interface SyncsFeatureOptions {
  /**
   * Tokens for domain-repository's CRM ingestion: a service principal of the tenant with
   * integrations:manage. Without it, contacts syncs fail instead of committing what they could
   * not forward.
   */
  crmTokens?: TenantTokenSource;
  /** Where CRM records go; DOMAIN_REPOSITORY_URL by default. */
  domainRepositoryUrl?: string;
  /** The platform's Google Ads developer token (GOOGLE_ADS_DEVELOPER_TOKEN). */
  googleAdsDeveloperToken?: string;
  /** A run's lease: a replica that stops renewing it for this long loses the run to another. Default 60 s. */
  leaseMs?: number;
  /** How often due schedules and expired leases are looked for. Default 15 s. */
  tickIntervalMs?: number;
  /**
   * Whether this replica looks for due schedules and expired leases (default true). Replicas
   * without it still serve the routes and execute the runs started on them.
   */
  scheduler?: boolean;
  /** Runs one replica executes at once (on-demand runs always start). Default 4. */
  maxConcurrentRuns?: number;
  /** Days a first or full campaign metrics pass covers, today included. Default 30. */
  metricsWindowDays?: number;
  /** Days an incremental metrics pass reads again (late conversions). Default 3. */
  metricsRestatementDays?: number;
  /** The provider, connection and auth headers of a connection; connections/access.ts when it is wired. */
  access?: (ctx: IntegrationContext, tenantId: string, connectionId: string) => Promise<ProviderAccess>;
  /**
   * The event-bus history replays read a sync's archived records from (`baseUrl`: EVENT_BUS_URL;
   * `token`: a service principal of the tenant with events:subscribe). Replays also need
   * `crmTokens`; without both, `POST /syncs/:id/replay` answers 503.
   */
  archive?: Pick<ArchiveOptions, 'baseUrl' | 'token'>;
  /** Archived events a replay reads per history page (each one provider page). Default 20. */
  replayPageSize?: number;
}

/**
 * Resumable syncs: the routes, the runner and its scheduler (started when the app is ready,
 * stopped before it closes: runs going on hand their lease back). `runner()` is the app's runner
 * once the feature is registered (tests tick it and await runs).
 */
export function createSyncsFeature(options: SyncsFeatureOptions = {}): {
  feature: FeatureModule;
  runner: () => SyncRunner;
  replays: () => ReplayRunner;
} {
  let runner: SyncRunner | undefined;
  let replays: ReplayRunner | undefined;
  const feature: FeatureModule = (app, ctx) => {
    const leaseMs = options.leaseMs ?? 60_000;
    const forwarder = options.crmTokens
      ? createCrmForwarder({
          baseUrl: options.domainRepositoryUrl ?? ctx.config.DOMAIN_REPOSITORY_URL,
          token: options.crmTokens,
        })
      : null;
    const access = options.access;
    runner = createSyncRunner(
      {
        ctx,
        forwarder,
        leaseMs,
        log: app.log,
        sources: {
          googleAdsDeveloperToken: options.googleAdsDeveloperToken,
          metricsWindowDays: options.metricsWindowDays ?? 30,
          metricsRestatementDays: options.metricsRestatementDays ?? 3,
        },
        ...(access && { access: (tenantId: string, connectionId: string) => access(ctx, tenantId, connectionId) }),
      },
      { maxConcurrentRuns: options.maxConcurrentRuns ?? 4, tickIntervalMs: options.tickIntervalMs ?? 15_000 },
    );
    const own = runner;
    syncRoutes(app, ctx, { leaseMs, execute: (claimed) => own.execute(claimed) });
    if (options.scheduler ?? true) app.addHook('onReady', async () => own.start());
    app.addHook('preClose', () => own.stop());
    app.addHook('onClose', async () => forwarder?.close());
    replays = registerReplays(app, ctx, {
      archive: options.archive,
      forwarder,
      leaseMs,
      pageSize: options.replayPageSize ?? 20,
      maxConcurrentReplays: options.maxConcurrentRuns ?? 4,
      tickIntervalMs: options.tickIntervalMs ?? 15_000,
      sweep: options.scheduler ?? true,
    });
  };
  return {
    feature,
    runner: () => {
      if (!runner) throw new Error('the syncs feature is not registered on an app');
      return runner;
    },
    replays: () => {
      if (!replays) throw new Error('replays need the syncs feature registered with an archive and crmTokens');
      return replays;
    },
  };
}

/** The feature as features.ts lists it. */
export const syncsFeature = (options: SyncsFeatureOptions = {}): FeatureModule => createSyncsFeature(options).feature;
