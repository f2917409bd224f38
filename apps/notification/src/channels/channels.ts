import type { OutboundHttp } from '@bizosaas/outbound-http';
import type { Config } from '../config.ts';
import type { Channel, NotificationChannel } from './channel.ts';
import { createEmailChannel } from './email-channel.ts';
import { createInAppChannel } from './in-app-channel.ts';
import { notSendable, type BreakerOptions } from './provider-chain.ts';
import { createPushChannel } from './push-channel.ts';
import { createSmsChannel } from './sms-channel.ts';

export interface ChannelDeps {
  /** The service's guarded HTTP client (policy from OUTBOUND_ALLOWED_CIDRS); closed by its owner. */
  outbound: OutboundHttp;
  now?: () => Date;
  /** Every provider's breaker; defaults: 5 consecutive transient failures, half-open after 30 s. */
  breaker?: BreakerOptions;
}

export type Channels = Record<NotificationChannel, Channel>;

export const SMS_NOT_CONFIGURED = 'SMS is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM)';
export const PUSH_NOT_CONFIGURED = 'Push is not configured (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY)';

/**
 * The four channels from the service's configuration. SMS and push need credentials; without
 * them their channel answers every message with a permanent failure naming the missing variables.
 */
export function createChannels(config: Config, deps: ChannelDeps): Channels {
  const now = deps.now ?? (() => new Date());
  const common = { breaker: deps.breaker, now };
  const { TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken, TWILIO_FROM: from } = config;
  const { VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey } = config;
  return {
    email: createEmailChannel({
      providers: config.SMTP_URLS,
      from: config.EMAIL_FROM,
      poolSize: config.SMTP_POOL_SIZE,
      ...common,
    }),
    sms:
      accountSid && authToken && from
        ? createSmsChannel({
            accounts: [{ name: 'twilio', baseUrl: config.TWILIO_BASE_URL, accountSid, authToken, from }],
            outbound: deps.outbound,
            ...common,
          })
        : unavailableChannel('sms', SMS_NOT_CONFIGURED, now),
    push:
      publicKey && privateKey
        ? createPushChannel({
            vapid: { subject: config.VAPID_SUBJECT, publicKey, privateKey },
            outbound: deps.outbound,
            ...common,
          })
        : unavailableChannel('push', PUSH_NOT_CONFIGURED, now),
    in_app: createInAppChannel({ now }),
  };
}

/** Closes every channel's connections (the SMTP pools); Redis and the outbound client stay open. */
export async function closeChannels(channels: Channels): Promise<void> {
  await Promise.allSettled(Object.values(channels).map((channel) => channel.close()));
}

function unavailableChannel(channel: NotificationChannel, reason: string, now: () => Date): Channel {
  return {
    channel,
    send: async () => notSendable(reason, now()),
    close: async () => undefined,
  };
}
