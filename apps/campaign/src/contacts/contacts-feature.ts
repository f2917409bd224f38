import type { DomainEvent } from '@bizosaas/event-schemas';
import type pg from 'pg';
import { eventConsumerFeature } from '../consumers/event-consumer.ts';
import { applyCustomerEvent, type CustomerEvent } from './customer-contact-events.ts';
import { applyLeadEvent, type LeadEvent } from './lead-contact-events.ts';

const isLeadEvent = (event: DomainEvent): event is LeadEvent => event.type.startsWith('lead.');
const isCustomerEvent = (event: DomainEvent): event is CustomerEvent => event.type.startsWith('customer.');

/** Applies one lead.* or customer.* event to campaign.contacts; other events change nothing. */
export async function applyContactEvent(client: pg.ClientBase, event: DomainEvent): Promise<void> {
  if (isLeadEvent(event)) await applyLeadEvent(client, event);
  else if (isCustomerEvent(event)) await applyCustomerEvent(client, event);
}

/** The contacts read model (leads and customers), what audiences and funnels select from. */
export const contactsFeature = eventConsumerFeature({
  name: 'contacts',
  aggregateTypes: ['lead', 'customer'],
  handle: (event, client) => applyContactEvent(client, event),
});
