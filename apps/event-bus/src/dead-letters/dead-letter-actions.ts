import { BusinessRuleViolation, NotFoundError, TenantIsolationError } from '@bizosaas/ddd-kernel';
import { deadLetterStreamKey, groupStreamKey, redriveDeadLetter } from '@bizosaas/messaging';
import type { Redis } from 'ioredis';
import { catalogueAggregateTypes } from '../archive/archive-events.ts';
import { aggregateTypesReadBy } from '../replay/consumer-groups.ts';
import {
  decodeCursor,
  encodeCursor,
  findDeadLetter,
  scanDeadLetters,
  selects,
  toView,
  type ConsumerDeadLetter,
  type DeadLetterFilter,
  type DeadLetterScope,
  type Located,
} from './consumer-dead-letters.ts';

export interface DeadLetterStore {
  redis: Redis;
  namespace: string;
}

// A page stops after this many entries were looked at, even if short: a filter matching little
// in a deep dead-letter stream must not hold a request for long. nextCursor continues it.
const SCAN_BUDGET = 2_000;

const typesOf = (aggregateType: string | undefined) => (aggregateType ? [aggregateType] : catalogueAggregateTypes());

/** Another tenant's dead letter answers exactly like a missing one. */
const missing = (scope: DeadLetterScope, details: Record<string, unknown>) =>
  scope.allTenants ? new NotFoundError('Dead letter not found', details) : new TenantIsolationError(scope.tenantId);

/**
 * One page of dead letters, type by type (sorted), oldest first. A page may be shorter than
 * `limit` with a nextCursor when the scan budget ran out first.
 */
export async function listDeadLetters(
  store: DeadLetterStore,
  scope: DeadLetterScope,
  filter: DeadLetterFilter & { aggregateType?: string | undefined },
  page: { cursor?: string | undefined; limit: number },
): Promise<{ deadLetters: ConsumerDeadLetter[]; nextCursor: string | null }> {
  const types = typesOf(filter.aggregateType);
  const deadLetters: ConsumerDeadLetter[] = [];
  let scanned = 0;
  for await (const found of scanDeadLetters(store.redis, store.namespace, types, decodeCursor(page.cursor, types))) {
    scanned += 1;
    const view = toView(found);
    if (selects(view, scope, filter)) deadLetters.push(view);
    if (deadLetters.length === page.limit || scanned === SCAN_BUDGET) {
      return { deadLetters, nextCursor: encodeCursor(found.aggregateType, found.entry.id) };
    }
  }
  return { deadLetters, nextCursor: null };
}

/** One dead letter the scope may see, or a 404. */
export async function getDeadLetter(
  store: DeadLetterStore,
  scope: DeadLetterScope,
  aggregateType: string,
  id: string,
): Promise<Located> {
  const found = await findDeadLetter(store.redis, store.namespace, aggregateType, id);
  if (!found || !selects(toView(found), scope, {})) throw missing(scope, { aggregateType, id });
  return found;
}

/** Redrives one dead letter to the group it died in; 422 if no consumer of that group reads redrives. */
export async function redriveOne(store: DeadLetterStore, scope: DeadLetterScope, aggregateType: string, id: string) {
  const found = await getDeadLetter(store, scope, aggregateType, id);
  const { group } = found.entry;
  if (!(await aggregateTypesReadBy(store.redis, store.namespace, group, [aggregateType])).has(aggregateType)) {
    throw new BusinessRuleViolation(
      'group_must_consume_redrives',
      'No consumer of this group reads redriven entries of this stream',
      {
        group,
        stream: found.stream,
      },
    );
  }
  const entryId = await redriveDeadLetter(store.redis, { stream: found.stream, deadLetterId: id, group });
  if (entryId === undefined) throw missing(scope, { aggregateType, id }); // redriven or discarded meanwhile
  return { redriven: 1, targets: [{ group, stream: groupStreamKey(found.stream, group), entryId }] };
}

/**
 * Redrives every dead letter that the scope sees and the filter selects, as of now (entries
 * dead-lettered while this runs are left for the next call). Entries whose group reads no
 * redrives are skipped and counted.
 */
export async function redriveAll(
  store: DeadLetterStore,
  scope: DeadLetterScope,
  filter: DeadLetterFilter & { aggregateType?: string | undefined },
): Promise<{ redriven: number; skipped: number }> {
  const [seconds, micros] = await store.redis.time();
  const until = String(Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - 1);
  const readers = new Map<string, Set<string>>();
  let redriven = 0;
  let skipped = 0;
  for await (const found of scanDeadLetters(
    store.redis,
    store.namespace,
    typesOf(filter.aggregateType),
    { index: 0 },
    until,
  )) {
    if (!selects(toView(found), scope, filter)) continue;
    const { group } = found.entry;
    if (!readers.has(group)) readers.set(group, await aggregateTypesReadBy(store.redis, store.namespace, group));
    if (!readers.get(group)!.has(found.aggregateType)) {
      skipped += 1;
      continue;
    }
    if (await redriveDeadLetter(store.redis, { stream: found.stream, deadLetterId: found.entry.id, group }))
      redriven += 1;
  }
  return { redriven, skipped };
}

/** Deletes one dead letter the scope may see. */
export async function discardOne(
  store: DeadLetterStore,
  scope: DeadLetterScope,
  aggregateType: string,
  id: string,
): Promise<void> {
  const found = await getDeadLetter(store, scope, aggregateType, id);
  const deleted = await store.redis.xdel(deadLetterStreamKey(found.stream), id);
  if (deleted === 0) throw missing(scope, { aggregateType, id });
}
