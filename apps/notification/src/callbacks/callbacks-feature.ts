import type { FeatureModule } from '../context.ts';
import { emailWebhookFeature } from './email-webhook.routes.ts';
import { trackingFeature } from './tracking.routes.ts';
import { twilioInboundFeature } from './twilio-inbound.routes.ts';
import { twilioStatusFeature } from './twilio-status.routes.ts';

export interface CallbacksOptions {
  /** EMAIL_WEBHOOK_SIGNING_KEYS: each email provider's webhook signing key by provider name. */
  emailWebhookSigningKeys: ReadonlyMap<string, string>;
}

/** Provider callbacks (email webhooks, Twilio status and inbound SMS) and the tracking links, all public routes. */
export function callbacksFeature(options: CallbacksOptions): FeatureModule {
  const features = [
    emailWebhookFeature(options.emailWebhookSigningKeys),
    twilioStatusFeature,
    twilioInboundFeature,
    trackingFeature,
  ];
  return (app, ctx) => {
    for (const feature of features) feature(app, ctx);
  };
}
