import { trimSafely } from '@bizosaas/messaging';
import { eventStreamKey, highPriorityStreamKey } from '@bizosaas/messaging';
import type { Redis } from 'ioredis';
import { catalogueAggregateTypes } from './archive/archive-events.ts';

/**
 * Trims every catalogue stream and its high-priority companion of what all their consumer groups
 * have acknowledged (trimSafely: never an entry pending in a group or one a group has yet to
 * read), keeping the last `keepMs` for inspection. Redis only carries events: the archive and
 * the write services' event stores keep them, and replayFromStore brings any back. Dead-letter
 * streams and per-group replay streams are left to their owners. Returns entries removed per stream.
 */
export async function trimEventStreams(
  redis: Redis,
  options: { namespace?: string; keepMs: number },
): Promise<Map<string, number>> {
  const trimmed = new Map<string, number>();
  for (const type of catalogueAggregateTypes()) {
    const stream = eventStreamKey(type, options.namespace);
    for (const key of [stream, highPriorityStreamKey(stream)]) {
      const result = await trimSafely(redis, key, { keepNewerThanMs: options.keepMs });
      if (result.trimmed > 0) trimmed.set(key, result.trimmed);
    }
  }
  return trimmed;
}
