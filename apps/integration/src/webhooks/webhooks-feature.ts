import type { ConsumerMonitor } from '@bizosaas/service-kit';
import type { FeatureModule } from '../context.ts';
import { webhookRoutes } from './webhook.routes.ts';
import { createWebhookStatusConsumer } from './webhook-status.ts';

export interface WebhooksOptions {
  /** Shows the status consumer on /ready. */
  consumers?: ConsumerMonitor;
}

/**
 * Inbound webhooks: the public route that verifies, stores and publishes them, and the consumer
 * that marks a stored webhook processed once its event is on the stream (started when the app is
 * ready, stopped with the batch in hand finished before it closes).
 */
export function webhooksFeature(options: WebhooksOptions = {}): FeatureModule {
  return (app, ctx) => {
    webhookRoutes(app, ctx);
    const consumer = createWebhookStatusConsumer(ctx, app.log, options.consumers);
    options.consumers?.track(consumer);
    app.addHook('onReady', () => consumer.start());
    app.addHook('preClose', () => consumer.stop());
  };
}
