import type pg from 'pg';
import type { EventData } from '@bizosaas/event-schemas';
import type { NotificationChannel, PushSubscriptionJson } from '../channels/channel.ts';
import type { QuietHours } from '../preferences/quiet-hours.ts';
import type { RecipientFacts } from './plan-message.ts';
import type { Recipient } from './trigger-request.ts';

type SuppressionReason = EventData<'notification.suppressed'>['reason'];

interface PreferenceRow {
  user_id: string;
  channels: Partial<Record<NotificationChannel, boolean>>;
  categories: Record<string, Partial<Record<NotificationChannel, boolean>>>;
  quiet_hours: QuietHours | null;
}

/**
 * Everything the plan needs about a trigger's recipients, read in four statements whatever
 * their number (directory entries, preferences, push subscriptions, suppressions), on the
 * tenant's transaction; each statement named, so parsed and planned once per connection.
 */
export async function loadRecipientFacts(
  client: pg.PoolClient,
  recipients: readonly Recipient[],
): Promise<RecipientFacts[]> {
  const userIds = [...new Set(recipients.flatMap((to) => (to.userId ? [to.userId] : [])))];
  // One statement at a time: a pg client runs its queries in turn anyway.
  const none = { rows: [] };
  const users = userIds.length
    ? await client.query<{ user_id: string; email: string; active: boolean }>({
        name: 'notification-recipient-users',
        text: 'SELECT user_id, email, active FROM notification.recipients WHERE user_id = ANY($1)',
        values: [userIds],
      })
    : none;
  const preferences = userIds.length
    ? await client.query<PreferenceRow>({
        name: 'notification-recipient-preferences',
        text: 'SELECT user_id, channels, categories, quiet_hours FROM notification.preferences WHERE user_id = ANY($1)',
        values: [userIds],
      })
    : none;
  const subscriptions = userIds.length
    ? await client.query<{ user_id: string; endpoint: string; p256dh: string; auth: string }>({
        name: 'notification-recipient-push',
        text: 'SELECT user_id, endpoint, p256dh, auth FROM notification.push_subscriptions WHERE user_id = ANY($1) ORDER BY created_at DESC',
        values: [userIds],
      })
    : none;
  const userOf = new Map(users.rows.map((row) => [row.user_id, row]));
  const preferencesOf = new Map(preferences.rows.map((row) => [row.user_id, row]));
  const pushOf = new Map<string, PushSubscriptionJson[]>();
  for (const row of subscriptions.rows) {
    const list = pushOf.get(row.user_id) ?? [];
    list.push({ endpoint: row.endpoint, keys: { p256dh: row.p256dh, auth: row.auth } });
    pushOf.set(row.user_id, list);
  }
  const addresses = recipients.flatMap((to) => [
    ...(to.email ? [to.email.toLowerCase()] : []),
    ...(to.phone ? [to.phone] : []),
    ...(to.userId && userOf.get(to.userId) ? [userOf.get(to.userId)!.email.toLowerCase()] : []),
  ]);
  const suppressions = addresses.length
    ? await client.query<{ channel: string; address: string; reason: SuppressionReason }>({
        name: 'notification-recipient-suppressions',
        text: 'SELECT channel, address, reason FROM notification.suppressions WHERE address = ANY($1)',
        values: [addresses],
      })
    : { rows: [] };
  const suppressed = new Map(suppressions.rows.map((row) => [`${row.channel} ${row.address}`, row.reason]));
  return recipients.map((recipient) => {
    const user = recipient.userId ? userOf.get(recipient.userId) : undefined;
    const stored = recipient.userId ? preferencesOf.get(recipient.userId) : undefined;
    return {
      recipient,
      user: user ? { email: user.email, active: user.active } : null,
      preferences: stored
        ? { channels: stored.channels, categories: stored.categories, quietHours: stored.quiet_hours }
        : null,
      pushSubscriptions: (recipient.userId && pushOf.get(recipient.userId)) || [],
      suppressionOf: (channel, address) => suppressed.get(`${channel} ${address}`),
    };
  });
}
