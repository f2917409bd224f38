import type { ServiceApp } from '@bizosaas/service-kit';
import type { IntegrationContext } from '../context.ts';
import type { CrmForwarder } from './crm-forwarder.ts';
import { createArchiveReader, type ArchiveOptions } from './replay-archive.ts';
import { createReplayRunner, type ReplayRunner } from './replay-runner.ts';
import { replayRoutes } from './replay.routes.ts';

export interface ReplaysOptions {
  archive: Pick<ArchiveOptions, 'baseUrl' | 'token'> | undefined;
  forwarder: CrmForwarder | null;
  leaseMs: number;
  pageSize: number;
  maxConcurrentReplays: number;
  tickIntervalMs: number;
  /** Whether this replica sweeps for replays whose lease expired. */
  sweep: boolean;
}

/**
 * Replays of the syncs' archived records: the route, and, when this replica has both the archive
 * and a token source for domain-repository, the runner and its sweeper (started when the app is
 * ready, stopped before it closes). Without them the route answers 503 naming what is missing.
 */
export function registerReplays(
  app: ServiceApp,
  ctx: IntegrationContext,
  options: ReplaysOptions,
): ReplayRunner | undefined {
  const { forwarder } = options;
  const archive = options.archive ? createArchiveReader(options.archive) : null;
  if (!archive || !forwarder) {
    const missing = [...(archive ? [] : ['archive']), ...(forwarder ? [] : ['crmTokens'])];
    replayRoutes(app, ctx, { leaseMs: options.leaseMs, runner: { missing } });
    app.addHook('onClose', async () => archive?.close());
    return undefined;
  }
  const runner = createReplayRunner(
    { ctx, archive, forwarder, leaseMs: options.leaseMs, pageSize: options.pageSize, log: app.log },
    { maxConcurrentReplays: options.maxConcurrentReplays, tickIntervalMs: options.tickIntervalMs },
  );
  replayRoutes(app, ctx, { leaseMs: options.leaseMs, runner });
  if (options.sweep) app.addHook('onReady', async () => runner.start());
  app.addHook('preClose', () => runner.stop());
  app.addHook('onClose', () => archive.close());
  return runner;
}
