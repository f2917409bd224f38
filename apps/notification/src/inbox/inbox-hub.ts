import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { createPubSubHub, type ChannelListener } from '@bizosaas/messaging';
import { inboxChannelName } from '../channels/in-app-channel.ts';

export interface InboxHub {
  /** Calls `listener` with every message published for (tenant, user) until the returned function is called. */
  listen(tenantId: string, userId: string, listener: ChannelListener): Promise<() => void>;
  /** Ends the subscriber connection. */
  close(): Promise<void>;
}

/** The process's subscriber for inbox streams: one Redis channel per user. */
export function createInboxHub(redis: Redis, log: FastifyBaseLogger): InboxHub {
  const hub = createPubSubHub(redis, log, 'inbox');
  return {
    listen: (tenantId, userId, listener) => hub.listen(inboxChannelName(tenantId, userId), listener),
    close: () => hub.close(),
  };
}
