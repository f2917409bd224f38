import type { Redis } from 'ioredis';

/**
 * Creates the consumer group (and the stream, MKSTREAM) unless it exists. `startId` matters
 * only on creation: '0' (default) also delivers entries published before the group existed,
 * '$' only new ones.
 */
export async function ensureGroup(redis: Redis, stream: string, group: string, startId = '0'): Promise<void> {
  try {
    await redis.xgroup('CREATE', stream, group, startId, 'MKSTREAM');
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
  }
}
