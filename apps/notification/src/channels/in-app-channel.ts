import type { Redis } from 'ioredis';
import type { Channel } from './channel.ts';
import { createProviderChain, notSendable, type BreakerOptions } from './provider-chain.ts';

/** The Redis pub/sub channel a user's inbox stream (SSE) subscribes to. */
export function inboxChannelName(tenantId: string, userId: string): string {
  return `notification:inbox:${tenantId}:${userId}`;
}

/** What the inbox stream receives for one message; the row itself is in the messages table. */
export interface InboxEvent {
  id: string;
  subject: string | null;
  body: string;
  /** ISO 8601: when the message is published to the inbox. */
  createdAt: string;
}

export interface InAppChannelOptions {
  redis: Redis;
  breaker?: BreakerOptions;
  now?: () => Date;
}

/**
 * The in-app channel: the message is already stored, so sending it is telling the user's open
 * inbox streams (PUBLISH). Accepted even when no stream listens: the inbox shows it on the next
 * read. A Redis failure is transient.
 */
export function createInAppChannel(options: InAppChannelOptions): Channel {
  const now = options.now ?? (() => new Date());
  const send = createProviderChain(
    [
      {
        name: 'inbox',
        async send(message) {
          const userId = message.destination.channel === 'in_app' ? message.destination.userId : '';
          const channel = inboxChannelName(message.tenantId, userId);
          const event: InboxEvent = {
            id: message.messageId,
            subject: message.subject,
            body: message.body,
            createdAt: now().toISOString(),
          };
          const listeners = await options.redis.publish(channel, JSON.stringify(event));
          return {
            outcome: 'accepted',
            providerMessageId: null,
            response: `PUBLISH ${channel}: ${listeners} listening`,
          };
        },
      },
    ],
    { breaker: options.breaker, now },
  );
  return {
    channel: 'in_app',
    async send(message) {
      if (message.destination.channel !== 'in_app')
        return notSendable(`an in-app message needs a user, not a ${message.destination.channel} destination`, now());
      return send(message);
    },
    async close() {},
  };
}
