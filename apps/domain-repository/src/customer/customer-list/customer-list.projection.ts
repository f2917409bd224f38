import type pg from 'pg';
import type { DomainEvent } from '@bizosaas/event-schemas';
import { defineProjection, type ProjectionTables } from '@bizosaas/event-store';

const HANDLES = [
  'customer.created',
  'customer.profile_updated',
  'customer.purchase_recorded',
  'customer.tier_upgraded',
  'customer.churn_risk_updated',
] as const;
type CustomerListEvent = Extract<DomainEvent, { type: (typeof HANDLES)[number] }>;

/** One row per customer, for the at-risk list (ordered by churn risk). Version-guarded like the lead list. */
export const customerListProjection = defineProjection<CustomerListEvent, 'customer_list'>({
  name: 'dr_customer_list',
  version: 1,
  tables: ['customer_list'],
  handles: HANDLES,
  ddl: (t) => `
    CREATE TABLE ${t.customer_list} (
      customer_id     uuid PRIMARY KEY,
      tenant_id       uuid NOT NULL,
      email           text NOT NULL,
      company_name    text,
      currency        text NOT NULL,
      tier            text NOT NULL,
      total_revenue   numeric(24, 4) NOT NULL,
      purchase_count  integer NOT NULL,
      last_purchase_at timestamptz,
      churn_risk      integer NOT NULL,
      version         integer NOT NULL,
      updated_at      timestamptz NOT NULL
    );
    CREATE INDEX ON ${t.customer_list} (tenant_id, churn_risk DESC, customer_id);`,
  apply: applyCustomerEvent,
});

async function applyCustomerEvent(
  client: pg.ClientBase,
  event: CustomerListEvent,
  t: ProjectionTables<'customer_list'>,
) {
  const table = t.customer_list;
  if (event.type === 'customer.created') {
    await client.query(
      `INSERT INTO ${table} (customer_id, tenant_id, email, company_name, currency, tier, total_revenue, purchase_count, churn_risk, version, updated_at)
       VALUES ($1, $2, $3, $4, $5, 'BRONZE', 0, 0, 0, $6, $7) ON CONFLICT (customer_id) DO NOTHING`,
      [
        event.aggregateId,
        event.tenantId,
        event.data.profile.email,
        event.data.profile.companyName,
        event.data.currency,
        event.aggregateVersion,
        event.occurredAt,
      ],
    );
    return;
  }
  const [set, values] = changeOf(event);
  await client.query(
    `UPDATE ${table} SET ${set}, version = $2, updated_at = $3 WHERE customer_id = $1 AND version < $2`,
    [event.aggregateId, event.aggregateVersion, event.occurredAt, ...values],
  );
}

function changeOf(event: Exclude<CustomerListEvent, { type: 'customer.created' }>): [string, unknown[]] {
  switch (event.type) {
    case 'customer.profile_updated':
      return ['email = $4, company_name = $5', [event.data.profile.email, event.data.profile.companyName]];
    case 'customer.purchase_recorded':
      return [
        'total_revenue = $4, purchase_count = $5, last_purchase_at = GREATEST(last_purchase_at, $6::timestamptz)',
        [event.data.totalRevenue, event.data.purchaseCount, event.data.purchasedAt],
      ];
    case 'customer.tier_upgraded':
      return ['tier = $4', [event.data.newTier]];
    case 'customer.churn_risk_updated':
      return ['churn_risk = $4', [event.data.newChurnRisk]];
  }
}
