import { eventConsumerFeature } from '../consumers/event-consumer.ts';
import type { FeatureModule } from '../context.ts';
import { applyAdMetrics } from './ad-metrics.ts';
import { createPacingSender } from './pacing-sender.ts';
import { spendRoutes } from './spend.routes.ts';

/**
 * The spend ledger and pacing: entries by hand and from integration.ad_metrics_synced, and the
 * sender of pacing's pause and complete commands to domain-repository (only with a service
 * client: without one the commands wait, pending, until the service has one).
 */
export const spendFeature: FeatureModule = (app, ctx) => {
  const sender = ctx.platform && createPacingSender(ctx, ctx.platform.domainRepository, app.log);
  const wake = () => sender?.wake();
  spendRoutes(app, ctx, wake);
  eventConsumerFeature({
    name: 'spend',
    aggregateTypes: ['integration_sync'],
    handle: (event, client) => applyAdMetrics(ctx, client, event, app.log),
    afterCommit: wake,
  })(app, ctx);
  if (sender) {
    app.addHook('onReady', async () => sender.start());
    app.addHook('preClose', () => sender.stop());
  }
};
