import type pg from 'pg';
import type { DomainEvent } from '@bizosaas/event-schemas';
import { defineProjection, type ProjectionTables } from '@bizosaas/event-store';

const HANDLES = [
  'lead.created',
  'lead.contacted',
  'lead.contact_updated',
  'lead.scored',
  'lead.qualified',
  'lead.disqualified',
  'lead.lost',
  'lead.interaction_recorded',
  'lead.converted',
  'lead.marked_for_nurturing',
] as const;
type LeadListEvent = Extract<DomainEvent, { type: (typeof HANDLES)[number] }>;

/**
 * One row per lead for lists filtered by status, source and nurturing (a campaign audience of
 * leads not sales-ready yet). Every update is guarded by the
 * aggregate version kept in the row, so an event applied twice changes nothing.
 */
export const leadListProjection = defineProjection<LeadListEvent, 'lead_list'>({
  name: 'dr_lead_list',
  version: 3,
  tables: ['lead_list'],
  handles: HANDLES,
  ddl: (t) => `
    CREATE TABLE ${t.lead_list} (
      lead_id      uuid PRIMARY KEY,
      tenant_id    uuid NOT NULL,
      email        text NOT NULL,
      first_name   text,
      last_name    text,
      company      text,
      source       text NOT NULL,
      status       text NOT NULL,
      total_score  numeric,
      customer_id  uuid,
      nurturing_since timestamptz,
      version      integer NOT NULL,
      created_at   timestamptz NOT NULL,
      updated_at   timestamptz NOT NULL
    );
    CREATE INDEX ON ${t.lead_list} (tenant_id, created_at DESC, lead_id);
    CREATE INDEX ON ${t.lead_list} (tenant_id, status, created_at DESC);
    CREATE INDEX ON ${t.lead_list} (tenant_id, created_at DESC) WHERE nurturing_since IS NOT NULL;`,
  apply: applyLeadEvent,
});

async function applyLeadEvent(client: pg.ClientBase, event: LeadListEvent, t: ProjectionTables<'lead_list'>) {
  if (event.type === 'lead.created') {
    const c = event.data.contact;
    await client.query(
      `INSERT INTO ${t.lead_list} (lead_id, tenant_id, email, first_name, last_name, company, source, status, version, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'new', $8, $9, $9) ON CONFLICT (lead_id) DO NOTHING`,
      [
        event.aggregateId,
        event.tenantId,
        c.email,
        c.firstName,
        c.lastName,
        c.company,
        event.data.source,
        event.aggregateVersion,
        event.occurredAt,
      ],
    );
    return;
  }
  if (event.type === 'lead.contact_updated') {
    const c = event.data.contact;
    await client.query(
      `UPDATE ${t.lead_list} SET email = $2, first_name = $3, last_name = $4, company = $5, version = $6, updated_at = $7
       WHERE lead_id = $1 AND version < $6`,
      [event.aggregateId, c.email, c.firstName, c.lastName, c.company, event.aggregateVersion, event.occurredAt],
    );
    return;
  }
  if (event.type === 'lead.marked_for_nurturing') {
    await client.query(
      `UPDATE ${t.lead_list} SET nurturing_since = $2, version = $3, updated_at = $4 WHERE lead_id = $1 AND version < $3`,
      [event.aggregateId, event.data.markedAt, event.aggregateVersion, event.occurredAt],
    );
    return;
  }
  const [status, score, customerId] = changeOf(event);
  // A new status is always one past nurturing (qualified or closed): contacted is the exception.
  await client.query(
    `UPDATE ${t.lead_list} SET status = COALESCE($2, status), total_score = COALESCE($3, total_score),
       customer_id = COALESCE($4, customer_id), version = $5, updated_at = $6,
       nurturing_since = CASE WHEN $2::text IS NULL OR $2 = 'contacted' THEN nurturing_since END
     WHERE lead_id = $1 AND version < $5`,
    [event.aggregateId, status, score, customerId, event.aggregateVersion, event.occurredAt],
  );
}

function changeOf(event: LeadListEvent): [string | null, number | null, string | null] {
  switch (event.type) {
    case 'lead.contacted':
      return ['contacted', null, null];
    case 'lead.scored':
      return [null, event.data.score.totalScore, null];
    case 'lead.qualified':
      return ['qualified', event.data.score.totalScore, null];
    case 'lead.disqualified':
      return ['disqualified', null, null];
    case 'lead.lost':
      return ['lost', null, null];
    case 'lead.converted':
      return ['converted', null, event.data.customerId];
    default:
      return [null, null, null]; // interactions only move the version
  }
}
