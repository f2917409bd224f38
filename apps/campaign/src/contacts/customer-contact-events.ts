import type pg from 'pg';
import type { DomainEvent } from '@bizosaas/event-schemas';
import { changeContact, changeKey, replaceContactDetails } from './contact-change.ts';

export type CustomerEvent = Extract<DomainEvent, { type: `customer.${string}` }>;

// A customer starts at the tier and churn risk the Customer aggregate starts with.
const CREATE = `INSERT INTO contacts (tenant_id, contact_id, kind, email, first_name, last_name, phone, status,
  customer_tier, churn_risk, consent, created_at, version, updated_at)
VALUES ($1, $2, 'customer', $3, $4, $5, $6, 'customer', 'BRONZE', 0, $9, $7, $8, $7)
ON CONFLICT (tenant_id, contact_id) DO NOTHING`;

/** Applies one customer.* event to the contacts read model (inside the inbox transaction). */
export async function applyCustomerEvent(client: pg.ClientBase, event: CustomerEvent): Promise<void> {
  const key = changeKey(event);
  switch (event.type) {
    case 'customer.created':
      await insertCustomer(client, event);
      return;
    case 'customer.profile_updated':
      await replaceContactDetails(client, event, event.data.profile);
      return;
    case 'customer.tier_upgraded':
      await client.query(changeContact('customer_tier = $5, '), [...key, event.data.newTier]);
      return;
    case 'customer.churn_risk_updated':
      await client.query(changeContact('churn_risk = $5, '), [...key, event.data.newChurnRisk]);
      return;
    case 'customer.preferences_updated':
      await client.query(changeContact('consent = $5, '), [...key, JSON.stringify(event.data.preferences)]);
      return;
    default:
      // Purchases change nothing here, but the version moves on with the stream.
      await client.query(changeContact(''), key);
  }
}

async function insertCustomer(
  client: pg.ClientBase,
  event: Extract<CustomerEvent, { type: 'customer.created' }>,
): Promise<void> {
  const { email, firstName, lastName, phone } = event.data.profile;
  await client.query(CREATE, [
    event.tenantId,
    event.aggregateId,
    email,
    firstName,
    lastName,
    phone,
    event.occurredAt,
    event.aggregateVersion,
    JSON.stringify(event.data.preferences),
  ]);
}
