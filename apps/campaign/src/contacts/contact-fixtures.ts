// Test-only: contacts rows written straight into the read model, for tests of what reads it.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { withTransaction } from '@bizosaas/db';

export interface ContactFixture {
  contactId: string;
  kind: 'lead' | 'customer';
  email: string | null;
  status: string;
  source: string | null;
  score: number | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  customerTier: string | null;
  churnRisk: number | null;
  /** ISO instant (millisecond precision: the column's). */
  createdAt: string;
}

/** A new lead with the given fields (defaults: status new, website_form, a plain address). */
export function leadFixture(fields: Partial<ContactFixture> = {}): ContactFixture {
  const contactId = fields.contactId ?? randomUUID();
  return {
    contactId,
    kind: 'lead',
    // One address per contact: an audience counts a shared address once.
    email: `jane.doe+${contactId.slice(0, 8)}@example.com`,
    status: 'new',
    source: 'website_form',
    score: null,
    utmSource: null,
    utmMedium: null,
    utmCampaign: null,
    customerTier: null,
    churnRisk: null,
    createdAt: '2026-12-01T10:00:00.000Z',
    ...fields,
  };
}

const COLUMNS = [
  'contact_id',
  'kind',
  'email',
  'status',
  'source',
  'score',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'customer_tier',
  'churn_risk',
  'created_at',
];

/** Writes the rows for the tenant in one statement (version 1). */
export async function insertContacts(pool: pg.Pool, tenantId: string, rows: readonly ContactFixture[]): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map((row) => [
    row.contactId,
    row.kind,
    row.email,
    row.status,
    row.source,
    row.score,
    row.utmSource,
    row.utmMedium,
    row.utmCampaign,
    row.customerTier,
    row.churnRisk,
    row.createdAt,
  ]);
  const tuples = values.map(
    (row, i) => `($1, ${row.map((_, j) => `$${2 + i * COLUMNS.length + j}`).join(', ')}, 1, now())`,
  );
  await withTransaction(
    pool,
    (client: pg.PoolClient) =>
      client.query(
        `INSERT INTO contacts (tenant_id, ${COLUMNS.join(', ')}, version, updated_at) VALUES ${tuples.join(', ')}`,
        [tenantId, ...values.flat()],
      ),
    { tenantId },
  );
}
