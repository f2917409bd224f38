import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { inboxChannelName } from '../channels/in-app-channel.ts';

/** Receives the text of each message published on a user's inbox channel. */
export type InboxListener = (text: string) => void;

export interface InboxHub {
  /**
   * Calls `listener` with every message published for (tenant, user) until the returned function
   * is called. Resolves once Redis has confirmed the subscription, so nothing published after
   * that is missed.
   */
  listen(tenantId: string, userId: string, listener: InboxListener): Promise<() => void>;
  /** Ends the subscriber connection. */
  close(): Promise<void>;
}

interface Subscription {
  listeners: Set<InboxListener>;
  confirmed: Promise<unknown>;
}

/**
 * The process's one Redis subscriber for inbox streams (opened on the first stream): a channel is
 * subscribed while at least one local stream listens to it, and each message is fanned out to
 * those streams. SUBSCRIBE and UNSUBSCRIBE travel in order on the one connection, so a channel
 * left and joined again at once ends subscribed.
 */
export function createInboxHub(redis: Redis, log: FastifyBaseLogger): InboxHub {
  let subscriber: Redis | undefined;
  let closed = false;
  const subscriptions = new Map<string, Subscription>();

  const connection = (): Redis => {
    if (subscriber) return subscriber;
    const opened = redis.duplicate();
    opened.on('error', (error: Error) => log.warn({ err: error }, 'inbox subscriber: Redis error'));
    opened.on('message', (channel: string, text: string) => {
      for (const listener of subscriptions.get(channel)?.listeners ?? []) listener(text);
    });
    subscriber = opened;
    return opened;
  };

  const leave = (channel: string, subscription: Subscription, listener: InboxListener) => {
    if (!subscription.listeners.delete(listener) || subscription.listeners.size > 0) return;
    if (subscriptions.get(channel) !== subscription || closed) return;
    subscriptions.delete(channel);
    connection()
      .unsubscribe(channel)
      .catch((error: unknown) => log.warn({ err: error, channel }, 'inbox subscriber: UNSUBSCRIBE failed'));
  };

  return {
    async listen(tenantId, userId, listener) {
      if (closed) throw new Error('the inbox hub is closed');
      const channel = inboxChannelName(tenantId, userId);
      let subscription = subscriptions.get(channel);
      if (!subscription) {
        subscription = { listeners: new Set(), confirmed: connection().subscribe(channel) };
        subscriptions.set(channel, subscription);
      }
      const joined = subscription;
      joined.listeners.add(listener);
      try {
        await joined.confirmed;
      } catch (error) {
        leave(channel, joined, listener);
        throw error;
      }
      return () => leave(channel, joined, listener);
    },
    async close() {
      closed = true;
      subscriptions.clear();
      await subscriber?.quit().catch(() => subscriber?.disconnect());
    },
  };
}
