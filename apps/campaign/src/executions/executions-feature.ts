import { abTestsRoutes } from '../ab/ab-tests.routes.ts';
import type { CampaignContext, FeatureModule } from '../context.ts';
import { eventConsumerFeature } from '../consumers/event-consumer.ts';
import { createDispatcher } from '../dispatch/dispatcher.ts';
import { recipientsRoutes } from '../recipients/recipients.routes.ts';
import { plansFeature } from '../plans/plans.routes.ts';
import { applyProgress } from '../progress/apply-progress.ts';
import { applyCampaignLifecycle } from './apply-campaign-lifecycle.ts';
import { executionsRoutes } from './executions.routes.ts';

const WAKING = new Set(['campaign.launched', 'campaign.resumed']);
const BRANCH_EVENTS = new Set(['notification.opened', 'notification.clicked', 'lead.converted']);

/**
 * Plans, executions driven by the campaign's events, the dispatcher that sends what is due
 * (only with a notification client), progress from notification's and leads' events, and the
 * routes that show them.
 */
export const executionsFeature: FeatureModule = (app, ctx: CampaignContext) => {
  const dispatcher = ctx.platform ? createDispatcher(ctx, ctx.platform.notification, app.log) : undefined;
  plansFeature(app, ctx);
  executionsRoutes(app, ctx);
  recipientsRoutes(app, ctx);
  abTestsRoutes(app, ctx);
  eventConsumerFeature({
    name: 'executions',
    aggregateTypes: ['campaign'],
    handle: (event, client) => applyCampaignLifecycle(ctx, client, event),
    afterCommit: (event) => {
      if (WAKING.has(event.type)) dispatcher?.wake();
    },
  })(app, ctx);
  eventConsumerFeature({
    name: 'progress',
    aggregateTypes: ['notification', 'lead'],
    handle: (event, client) => applyProgress(client, event, ctx.now()),
    // An open, click or conversion may decide a branch a recipient waits on.
    afterCommit: (event) => {
      if (BRANCH_EVENTS.has(event.type)) dispatcher?.wake();
    },
  })(app, ctx);
  if (dispatcher) {
    app.addHook('onReady', async () => dispatcher.start());
    app.addHook('preClose', () => dispatcher.stop());
  }
};
