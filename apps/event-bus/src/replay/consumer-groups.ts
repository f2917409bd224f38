import { eventStreamKey, groupStreamKey } from '@bizosaas/messaging';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { catalogueAggregateTypes } from '../archive/archive-events.ts';

/** Consumer group names as services use them (`analytics`, `event-bus.archive`). */
export const groupName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be a consumer group name');

/**
 * The catalogue aggregate types whose stream `group` consumes. A consumer of the group creates
 * it on `<stream>:group:<group>` when it starts, so this also proves the group reads what is
 * redriven or replayed to it (a consumer built before per-group streams would not).
 */
export async function aggregateTypesReadBy(
  redis: Redis,
  namespace: string,
  group: string,
  types: readonly string[] = catalogueAggregateTypes(),
): Promise<Set<string>> {
  const pipeline = redis.pipeline();
  for (const type of types) pipeline.xinfo('GROUPS', groupStreamKey(eventStreamKey(type, namespace), group));
  const replies = (await pipeline.exec()) ?? [];
  // A missing key answers an error: no consumer of this group has ever started on that stream.
  return new Set(
    types.filter((_, i) => {
      const [error, groups] = replies[i] ?? [new Error('no reply'), null];
      return !error && (groups as string[][]).some((info) => info[info.indexOf('name') + 1] === group);
    }),
  );
}
