import type { NotificationChannel } from '../channels/channel.ts';

/**
 * The suppressions an address cannot receive through on a channel, whatever the template (a
 * critical one too): it bounced or complained, or (SMS) the number replied STOP, so the provider
 * refuses every message to it. Push subscriptions are never suppressed by address. Any other
 * reason (an unsubscribe link) is an opt-out, which a critical template ignores. Planning a
 * trigger (`undeliverable`) and sending (`undeliverableSql`, in the claim and before a send) apply
 * the same rule.
 */
export function undeliverable(channel: NotificationChannel, reason: string | undefined): boolean {
  if (reason === undefined || channel === 'push') return false;
  return reason === 'bounced' || reason === 'complained' || (channel === 'sms' && reason === 'unsubscribed');
}

/** `undeliverable` as an SQL condition over a channel and a suppression reason (column expressions). */
export const undeliverableSql = (channel: string, reason: string): string =>
  `(${channel} <> 'push' AND (${reason} IN ('bounced', 'complained') OR (${channel} = 'sms' AND ${reason} = 'unsubscribed')))`;
