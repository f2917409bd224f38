// Test-only: lead events as the domain publishes them (the catalogue's example data), at given
// times, published on the test app's stream.
import { randomUUID } from 'node:crypto';
import { createEvent, eventCatalogue, type DomainEvent } from '@bizosaas/event-schemas';
import { createPublisher } from '@bizosaas/messaging';
import type { TestApp } from '../test-support.ts';

const actor = { type: 'user' as const, id: '0192f5a3-9d2e-7c4b-8a11-5e6f708192a4' };

export type LeadEventType = 'lead.created' | 'lead.contacted' | 'lead.qualified' | 'lead.converted' | 'lead.lost';

/** One lead's events: [type, ISO time] in the order given; lead.created carries the source. */
export function leadEvents(
  tenantId: string,
  steps: readonly (readonly [LeadEventType, string])[],
  source: 'website_form' | 'referral' | 'paid_ads' = 'website_form',
): DomainEvent[] {
  const leadId = randomUUID();
  return steps.map(([type, at], i) => {
    const example = eventCatalogue[type].example as Record<string, unknown>;
    const data = type === 'lead.created' ? { ...example, source, campaignId: null } : example;
    const input = { type, tenantId, aggregateId: leadId, aggregateVersion: i + 1, actor, data: data as never };
    return createEvent(input, { now: () => new Date(at) }) as DomainEvent;
  });
}

export async function publishAll(t: TestApp, events: readonly DomainEvent[]): Promise<void> {
  const publisher = createPublisher({ redis: t.redis, namespace: t.config.EVENT_STREAM_NAMESPACE });
  for (const event of events) await publisher.publish(event);
}
