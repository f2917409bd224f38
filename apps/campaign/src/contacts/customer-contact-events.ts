import type pg from 'pg';
import type { DomainEvent } from '@bizosaas/event-schemas';

export type CustomerEvent = Extract<DomainEvent, { type: `customer.${string}` }>;

// A customer starts at the tier and churn risk the Customer aggregate starts with.
const CREATE = `INSERT INTO contacts (tenant_id, contact_id, kind, email, first_name, last_name, phone, status,
  customer_tier, churn_risk, consent, created_at, version, updated_at)
VALUES ($1, $2, 'customer', $3, $4, $5, $6, 'customer', 'BRONZE', 0, $9, $7, $8, $7)
ON CONFLICT (tenant_id, contact_id) DO NOTHING`;

const change = (set: string) =>
  `UPDATE contacts SET ${set}version = $3, updated_at = $4
   WHERE tenant_id = $1 AND contact_id = $2 AND version < $3`;

/** Applies one customer.* event to the contacts read model (inside the inbox transaction). */
export async function applyCustomerEvent(client: pg.ClientBase, event: CustomerEvent): Promise<void> {
  const key = [event.tenantId, event.aggregateId, event.aggregateVersion, event.occurredAt];
  switch (event.type) {
    case 'customer.created':
      await insertCustomer(client, event);
      return;
    case 'customer.profile_updated': {
      const { email, firstName, lastName, phone } = event.data.profile;
      await client.query(change('email = $5, first_name = $6, last_name = $7, phone = $8, '), [
        ...key,
        email,
        firstName,
        lastName,
        phone,
      ]);
      return;
    }
    case 'customer.tier_upgraded':
      await client.query(change('customer_tier = $5, '), [...key, event.data.newTier]);
      return;
    case 'customer.churn_risk_updated':
      await client.query(change('churn_risk = $5, '), [...key, event.data.newChurnRisk]);
      return;
    case 'customer.preferences_updated':
      await client.query(change('consent = $5, '), [...key, JSON.stringify(event.data.preferences)]);
      return;
    default:
      // Purchases change nothing here, but the version moves on with the stream.
      await client.query(change(''), key);
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
