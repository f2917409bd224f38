import type pg from 'pg';
import type { AudienceFilter } from './audience-filter.ts';
import { compileAudienceFilter } from './compile-audience-filter.ts';
import { maskEmail } from './mask-email.ts';

export interface AudiencePreview {
  count: number;
  sendableByEmail: number;
  sample: {
    contactId: string;
    kind: 'lead' | 'customer';
    status: string;
    score: number | null;
    email: string | null;
    sendableEmail: boolean;
    createdAt: string;
  }[];
}

interface SampleRow {
  contact_id: string;
  kind: 'lead' | 'customer';
  status: string;
  score: number | null;
  email: string | null;
  sendable_email: boolean;
  created_at: Date;
}

type Sample = AudiencePreview['sample'][number];

/** The exact size of the tenant's audience and its newest members (in the caller's tenant transaction). */
export async function previewAudience(
  client: pg.ClientBase,
  tenantId: string,
  filter: AudienceFilter,
  sampleSize: number,
): Promise<AudiencePreview> {
  const { where, params } = compileAudienceFilter(filter, 2);
  const scope = `FROM contacts WHERE tenant_id = $1 AND (${where})`;
  const counted = await client.query<{ count: number; sendable: number }>(
    `SELECT count(*)::int AS count, count(*) FILTER (WHERE sendable_email)::int AS sendable ${scope}`,
    [tenantId, ...params],
  );
  const sampled = await client.query<SampleRow>(
    `SELECT contact_id, kind, status, score::float8 AS score, email, sendable_email, created_at ${scope}
     ORDER BY created_at DESC, contact_id DESC LIMIT $${params.length + 2}`,
    [tenantId, ...params, sampleSize],
  );
  const { count, sendable } = counted.rows[0] ?? { count: 0, sendable: 0 };
  return { count, sendableByEmail: sendable, sample: sampled.rows.map(toSample) };
}

const toSample = (row: SampleRow): Sample => ({
  contactId: row.contact_id,
  kind: row.kind,
  status: row.status,
  score: row.score,
  email: row.sendable_email ? maskEmail(row.email) : null,
  sendableEmail: row.sendable_email,
  createdAt: row.created_at.toISOString(),
});
