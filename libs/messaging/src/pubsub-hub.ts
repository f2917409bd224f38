import type { Redis } from 'ioredis';

/** The logger the hub warns with (pino's or Fastify's). */
interface HubLogger {
  warn(object: object, message: string): void;
}

/** Receives the text of each message published on a channel. */
export type ChannelListener = (text: string) => void;

export interface PubSubHub {
  /**
   * Calls `listener` with every message published on `channel` until the returned function is
   * called. Resolves once Redis has confirmed the subscription, so nothing published after that
   * is missed.
   */
  listen(channel: string, listener: ChannelListener): Promise<() => void>;
  /** Ends the subscriber connection. */
  close(): Promise<void>;
}

interface Subscription {
  listeners: Set<ChannelListener>;
  confirmed: Promise<unknown>;
}

/**
 * A process's one Redis subscriber for live streams such as SSE (opened on the first listener;
 * `name` labels its log lines): a channel is subscribed while at least one local listener listens
 * to it, and each message is fanned out to those listeners. SUBSCRIBE and UNSUBSCRIBE travel in
 * order on the one connection, so a channel left and joined again at once ends subscribed.
 */
export function createPubSubHub(redis: Redis, log: HubLogger, name: string): PubSubHub {
  let subscriber: Redis | undefined;
  let closed = false;
  const subscriptions = new Map<string, Subscription>();

  const connection = (): Redis => {
    if (subscriber) return subscriber;
    const opened = redis.duplicate();
    opened.on('error', (error: Error) => log.warn({ err: error }, `${name} subscriber: Redis error`));
    opened.on('message', (channel: string, text: string) => {
      for (const listener of subscriptions.get(channel)?.listeners ?? []) listener(text);
    });
    subscriber = opened;
    return opened;
  };

  const leave = (channel: string, subscription: Subscription, listener: ChannelListener) => {
    if (!subscription.listeners.delete(listener) || subscription.listeners.size > 0) return;
    if (subscriptions.get(channel) !== subscription || closed) return;
    subscriptions.delete(channel);
    connection()
      .unsubscribe(channel)
      .catch((error: unknown) => log.warn({ err: error, channel }, `${name} subscriber: UNSUBSCRIBE failed`));
  };

  return {
    async listen(channel, listener) {
      if (closed) throw new Error(`the ${name} hub is closed`);
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
