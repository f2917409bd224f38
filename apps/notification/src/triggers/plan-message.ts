import type { EventData } from '@bizosaas/event-schemas';
import type { NotificationChannel, PushSubscriptionJson } from '../channels/channel.ts';
import { undeliverable } from '../messages/undeliverable.ts';
import { quietHoursEnd, type QuietHours } from '../preferences/quiet-hours.ts';
import { resolvePreference, type PreferenceDecision, type UserPreferences } from '../preferences/resolve-preference.ts';
import type { Recipient } from './trigger-request.ts';

type SuppressionReason = EventData<'notification.suppressed'>['reason'];

/** What the platform knows of one recipient when the trigger runs. */
export interface RecipientFacts {
  recipient: Recipient;
  /** The directory's entry of `recipient.userId`, when there is one. */
  user: { email: string; active: boolean } | null;
  preferences: (UserPreferences & { quietHours: QuietHours | null }) | null;
  pushSubscriptions: PushSubscriptionJson[];
  /** Suppressions of this tenant by channel and lower-cased address. */
  suppressionOf: (channel: NotificationChannel, address: string) => SuppressionReason | undefined;
}

export interface TemplateFacts {
  category: string;
  critical: boolean;
  enabledByDefault: boolean;
}

export type MessagePlan = {
  /** Email address, phone number, push subscriptions (JSON) or null (in-app). */
  address: string | null;
  preference: PreferenceDecision;
} & (
  | { outcome: 'suppressed'; reason: SuppressionReason; detail: string }
  | { outcome: 'scheduled'; at: Date; reason: 'immediate' | 'quiet_hours' }
  | { outcome: 'digest' }
);

function addressOf(channel: NotificationChannel, facts: RecipientFacts): string | null {
  const { recipient } = facts;
  switch (channel) {
    case 'email':
      return (recipient.email ?? facts.user?.email)?.toLowerCase() ?? null;
    case 'sms':
      return recipient.phone ?? null;
    case 'push': {
      const subscriptions = recipient.pushSubscription ? [recipient.pushSubscription] : facts.pushSubscriptions;
      return subscriptions.length > 0 ? JSON.stringify(subscriptions) : null;
    }
    case 'in_app':
      return null;
  }
}

/**
 * Decides what happens to one recipient on one channel (pure: the clock reading and every fact
 * arrive as arguments). In order: no address -> suppressed `no_address`; the address cannot receive
 * (`undeliverable`: bounced, complained, an SMS number that replied STOP) -> suppressed, even for
 * critical templates; the preference (or an unsubscribe of that address) says no -> suppressed,
 * unless the template is critical; a digest key -> collected into the digest; quiet hours ->
 * scheduled for their end; else scheduled now.
 */
export function planMessage(input: {
  channel: NotificationChannel;
  template: TemplateFacts;
  facts: RecipientFacts;
  digest: boolean;
  now: Date;
}): MessagePlan {
  const { channel, template, facts, now } = input;
  const preference = resolvePreference({
    critical: template.critical,
    enabledByDefault: template.enabledByDefault,
    category: template.category,
    channel,
    preferences: facts.preferences,
  });
  const address = addressOf(channel, facts);
  const suppressed = (reason: SuppressionReason, detail: string): MessagePlan => ({
    address,
    preference,
    outcome: 'suppressed',
    reason,
    detail,
  });
  const userId = facts.recipient.userId;
  if (channel === 'in_app' ? userId === undefined : address === null)
    return suppressed('no_address', `the recipient has no ${channel === 'in_app' ? 'user id' : `${channel} address`}`);
  const listed = address === null || channel === 'push' ? undefined : facts.suppressionOf(channel, address);
  if (listed !== undefined && undeliverable(channel, listed))
    return suppressed(listed, `${address ?? ''} is suppressed for ${channel}: ${listed}`);
  if (!template.critical) {
    if (!preference.enabled)
      return suppressed(
        'preference',
        `${channel} is off for category ${template.category} (${preference.source.replace('_', ' ')} preference)`,
      );
    if (listed === 'unsubscribed') return suppressed('unsubscribed', `${address ?? ''} unsubscribed from ${channel}`);
    if (facts.user !== null && !facts.user.active) return suppressed('preference', 'the user is deactivated');
  }
  if (input.digest) return { address, preference, outcome: 'digest' };
  const quietEnd =
    template.critical || !facts.preferences?.quietHours
      ? null
      : quietHoursEnd(now, facts.preferences.quietHours, facts.recipient.timezone ?? null);
  return quietEnd
    ? { address, preference, outcome: 'scheduled', at: quietEnd, reason: 'quiet_hours' }
    : { address, preference, outcome: 'scheduled', at: now, reason: 'immediate' };
}
