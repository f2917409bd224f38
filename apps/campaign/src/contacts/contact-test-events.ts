// Test-only: lead and customer events as domain-repository publishes them (the catalogue's
// example data with the given changes), published on the test app's streams.
import { randomUUID } from 'node:crypto';
import { createEvent, eventCatalogue, uuidv7, type DomainEvent, type EventType } from '@bizosaas/event-schemas';
import { createPublisher } from '@bizosaas/messaging';
import type { TestApp } from '../test-support.ts';

const actor = { type: 'user' as const, id: '0192f5a3-9d2e-7c4b-8a11-5e6f708192a4' };

/** [type, changes to the example data, ISO time]. */
export type Step = readonly [EventType, Record<string, unknown>?, string?];

/** One aggregate's events, versions 1.. in the order given (times a minute apart unless given). */
export function streamOf(tenantId: string, steps: readonly Step[], aggregateId: string = randomUUID()): DomainEvent[] {
  return steps.map(([type, changes = {}, at], i) => {
    const example = eventCatalogue[type].example as Record<string, unknown>;
    const occurredAt = at ?? new Date(Date.parse('2026-12-01T10:00:00Z') + 60_000 * i).toISOString();
    const input = {
      type,
      tenantId,
      aggregateId,
      aggregateVersion: i + 1,
      actor,
      data: { ...example, ...changes } as never,
    };
    return createEvent(input, { now: () => new Date(occurredAt) }) as DomainEvent;
  });
}

/** The same event again under a new id at another version (what a replay of an old event looks like). */
export function atVersion(event: DomainEvent, aggregateVersion: number): DomainEvent {
  return { ...event, id: uuidv7(), aggregateVersion };
}

export async function publishAll(t: TestApp, events: readonly DomainEvent[]): Promise<void> {
  const publisher = createPublisher({ redis: t.redis, namespace: t.config.EVENT_STREAM_NAMESPACE });
  for (const event of events) await publisher.publish(event);
}
