import type { ConsumerMonitor } from '@bizosaas/service-kit';
import { callbacksFeature } from './callbacks/callbacks-feature.ts';
import type { FeatureModule } from './context.ts';
import { inboxFeature } from './inbox/inbox.routes.ts';
import { messagesFeature } from './messages/messages.routes.ts';
import { preferencesFeature } from './preferences/preferences.routes.ts';
import { unsubscribeFeature } from './preferences/unsubscribe.routes.ts';
import { eventRulesFeature } from './rules/event-rules.ts';
import { rulesFeature } from './rules/rules.routes.ts';
import { templatesFeature } from './templates/templates.routes.ts';
import { triggersFeature } from './triggers/triggers.routes.ts';

/** What features need from the service's workers. */
export interface FeatureHooks {
  /** A trigger committed messages due now: the dispatcher should look. */
  wakeDispatcher: () => void;
  /** Consumers register here to show on /ready. */
  consumers: ConsumerMonitor;
  /** Key namespace of the platform's event streams. */
  eventStreamNamespace: string;
  /** Each email provider's webhook signing key (EMAIL_WEBHOOK_SIGNING_KEYS). */
  emailWebhookSigningKeys: ReadonlyMap<string, string>;
}

/** Every feature of the service, in registration order. */
export function features(hooks: FeatureHooks): readonly FeatureModule[] {
  return [
    templatesFeature,
    triggersFeature(hooks.wakeDispatcher),
    messagesFeature,
    inboxFeature,
    preferencesFeature,
    unsubscribeFeature,
    rulesFeature,
    callbacksFeature({ emailWebhookSigningKeys: hooks.emailWebhookSigningKeys }),
    eventRulesFeature({
      consumers: hooks.consumers,
      namespace: hooks.eventStreamNamespace,
      onTriggered: hooks.wakeDispatcher,
    }),
  ];
}
