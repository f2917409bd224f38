import { eventStoreSchemaOf, outboxMessages } from '@bizosaas/event-store';
import type { EventEnvelope } from '@bizosaas/event-schemas';

export const EVENT_STORE_SCHEMA = eventStoreSchemaOf('user_management');

interface RawExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
}

/**
 * Writes the events' outbox rows in the caller's transaction (its tenant set, for RLS), so they
 * commit or roll back with the change. Call `notifier.notify()` after the commit.
 */
export async function recordEvents(tx: RawExecutor, events: readonly EventEnvelope[]): Promise<void> {
  if (events.length === 0) return;
  const statement = outboxMessages(EVENT_STORE_SCHEMA, events);
  await tx.$executeRawUnsafe(statement.text, ...statement.values);
}
