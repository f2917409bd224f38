import type { Redis } from 'ioredis';
import type { Channel } from './channel.ts';
import { notSendable } from './provider-chain.ts';

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

/**
 * Tells the user's open inbox streams of a message (PUBLISH); returns how many replicas listen.
 * Call it once the message's `delivered` committed: a client listing the inbox on the event then
 * finds the message, and a record rolled back never shows on a stream.
 */
export async function publishInboxEvent(
  redis: Redis,
  target: { tenantId: string; userId: string },
  event: InboxEvent,
): Promise<number> {
  return redis.publish(inboxChannelName(target.tenantId, target.userId), JSON.stringify(event));
}

export interface InAppChannelOptions {
  now?: () => Date;
}

/**
 * The in-app channel: the message is already stored and the inbox serves it once it is recorded
 * delivered, so sending accepts it at once. The dispatcher publishes it to the user's inbox
 * streams after that record committed (publishInboxEvent).
 */
export function createInAppChannel(options: InAppChannelOptions = {}): Channel {
  const now = options.now ?? (() => new Date());
  return {
    channel: 'in_app',
    async send(message) {
      if (message.destination.channel !== 'in_app')
        return notSendable(`an in-app message needs a user, not a ${message.destination.channel} destination`, now());
      return {
        status: 'sent',
        attempts: [
          {
            provider: 'inbox',
            outcome: 'accepted',
            providerMessageId: null,
            response: 'stored: the inbox stream is told once the send is recorded',
            latencyMs: 0,
            startedAt: now(),
          },
        ],
      };
    },
    async close() {},
  };
}
