import type { DomainEvent } from '@bizosaas/event-schemas';
import { defineProjection } from '../projection.ts';

/**
 * A deliberately non-idempotent projection for the tests: it counts every application of an
 * event per lead, so any event applied twice (or skipped) shows up in `applied`. It uses the
 * one-by-one `apply` path and a predicate for `handles`.
 */
export const leadApplicationsProjection = defineProjection<DomainEvent, 'lead_applications'>({
  name: 'lead_applications',
  version: 1,
  tables: ['lead_applications'],
  handles: (type) => type.startsWith('lead.'),
  ddl: (t) => `CREATE TABLE ${t.lead_applications} (
    lead_id uuid PRIMARY KEY, tenant_id uuid NOT NULL, applied integer NOT NULL, last_version integer NOT NULL)`,
  async apply(client, event, t) {
    await client.query(
      `INSERT INTO ${t.lead_applications} (lead_id, tenant_id, applied, last_version) VALUES ($1, $2, 1, $3)
       ON CONFLICT (lead_id) DO UPDATE SET applied = ${t.lead_applications}.applied + 1, last_version = excluded.last_version`,
      [event.aggregateId, event.tenantId, event.aggregateVersion],
    );
  },
});
