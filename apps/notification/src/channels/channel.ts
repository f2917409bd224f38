import type { z } from 'zod';
import type { notificationChannel } from '@bizosaas/event-schemas';

export type NotificationChannel = z.infer<typeof notificationChannel>;

/** A Web Push subscription as the browser's PushManager.subscribe() gives it. */
export interface PushSubscriptionJson {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** Where one message goes, per channel. */
export type Destination =
  | { channel: 'email'; address: string }
  | { channel: 'sms'; phone: string }
  | { channel: 'push'; subscriptions: PushSubscriptionJson[] }
  | { channel: 'in_app'; userId: string };

/** One rendered message, ready for a channel. */
export interface OutgoingMessage {
  messageId: string;
  tenantId: string;
  destination: Destination;
  subject: string | null;
  body: string;
  /** Email only: extra headers (List-Unsubscribe, List-Unsubscribe-Post). */
  headers?: Record<string, string>;
  /** Where the provider posts delivery reports for this message (SMS status callbacks). */
  statusCallbackUrl?: string;
}

/**
 * What one provider made of one attempt: `accepted` (it took the message), `transient` (try the
 * next provider, or later), `permanent` (this message can never go to this address: a hard bounce
 * at SMTP time, an invalid number, an expired push subscription), `breaker_open` (skipped: the
 * provider's circuit breaker is open).
 */
export interface ProviderAttempt {
  provider: string;
  outcome: 'accepted' | 'transient' | 'permanent' | 'breaker_open';
  providerMessageId: string | null;
  /** The provider's answer (SMTP reply, HTTP status and body excerpt), at most 1,000 characters. */
  response: string;
  latencyMs: number;
  startedAt: Date;
  /** Set on a `permanent` attempt when the recipient opted out at the provider (an SMS STOP). */
  unsubscribed?: true;
}

/**
 * The result of sending one message through a channel: `sent` when a provider accepted it (the
 * last attempt is that provider's), `transient_failure` when every provider failed transiently
 * or was skipped, `permanent_failure` when a provider refused the address for good.
 */
export interface SendResult {
  status: 'sent' | 'transient_failure' | 'permanent_failure';
  attempts: ProviderAttempt[];
  /**
   * Push only: endpoints of the destination's subscriptions the push service answered 404 or 410
   * for (unsubscribed or expired). The caller deletes them; they never accept a message again.
   * Reported whatever the status: another subscription of the same user may have accepted.
   */
  expiredEndpoints?: string[];
}

/** One channel: its providers in order, each behind its own circuit breaker. */
export interface Channel {
  readonly channel: NotificationChannel;
  send(message: OutgoingMessage): Promise<SendResult>;
  close(): Promise<void>;
}
