// Test-only: the history a simulation reads (other campaigns' sends and enrolments, a frequency
// cap, a saved plan, spend entries), written straight into the tables that record it.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { withTransaction } from '@bizosaas/db';
import { planBody } from '../plans/plan-schema.ts';

export interface RecordedSend {
  campaignId: string;
  contactId: string;
  reservedAt: Date;
  marketing?: boolean;
  openedAt?: Date | null;
}

const inTenant = <T>(pool: pg.Pool, tenantId: string, write: (client: pg.PoolClient) => Promise<T>) =>
  withTransaction(pool, write, { tenantId });

export function insertSends(pool: pg.Pool, tenantId: string, sends: readonly RecordedSend[]) {
  return inTenant(pool, tenantId, (client) =>
    client.query(
      `INSERT INTO sends (tenant_id, campaign_id, step_id, contact_id, channel, template_key, marketing, state,
         reserved_at, opened_at)
       SELECT $1, u.campaign_id, 'step-' || u.n, u.contact_id, 'email', 'news', u.marketing, 'accepted', u.reserved_at, u.opened_at
       FROM unnest($2::uuid[], $3::uuid[], $4::boolean[], $5::timestamptz[], $6::timestamptz[])
         WITH ORDINALITY AS u(campaign_id, contact_id, marketing, reserved_at, opened_at, n)`,
      [
        tenantId,
        sends.map((s) => s.campaignId),
        sends.map((s) => s.contactId),
        sends.map((s) => s.marketing ?? true),
        sends.map((s) => s.reservedAt),
        sends.map((s) => s.openedAt ?? null),
      ],
    ),
  );
}

export function insertEnrolment(pool: pg.Pool, tenantId: string, campaignId: string, contactId: string, at: Date) {
  return inTenant(pool, tenantId, (client) =>
    client.query(
      `INSERT INTO enrolments (tenant_id, campaign_id, contact_id, enrolment_id, contact_kind, status, due_at,
         stream_version, enrolled_at, updated_at)
       VALUES ($1, $2, $3, $4, 'lead', 'active', $5, 1, $5, $5)`,
      [tenantId, campaignId, contactId, randomUUID(), at],
    ),
  );
}

export function setCap(pool: pg.Pool, tenantId: string, maxMessages: number, windowDays: number) {
  return inTenant(pool, tenantId, (client) =>
    client.query(
      `INSERT INTO frequency_caps (tenant_id, max_messages, window_days, version, updated_at) VALUES ($1, $2, $3, 1, now())`,
      [tenantId, maxMessages, windowDays],
    ),
  );
}

/** Saved as PUT /plan saves it: parsed, so defaults such as a send's category are filled in. */
export function savePlanRow(pool: pg.Pool, tenantId: string, campaignId: string, audience: object, steps: object[]) {
  const plan = planBody.parse({ audience, steps });
  return inTenant(pool, tenantId, (client) =>
    client.query(
      `INSERT INTO plans (tenant_id, campaign_id, version, audience, steps, updated_at) VALUES ($1, $2, 1, $3, $4, now())`,
      [tenantId, campaignId, JSON.stringify(plan.audience), JSON.stringify(plan.steps)],
    ),
  );
}

export function insertSpend(pool: pg.Pool, tenantId: string, campaignId: string, day: string, amount: string) {
  return inTenant(pool, tenantId, (client) =>
    client.query(
      `INSERT INTO spend_entries (tenant_id, campaign_id, entry_id, spend_date, amount, currency, source, recorded_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, 'USD', 'manual', now(), now())`,
      [tenantId, campaignId, randomUUID(), day, amount],
    ),
  );
}

/** `count` new leads with plain addresses, in one statement; returns their ids. */
export async function insertManyLeads(pool: pg.Pool, tenantId: string, count: number): Promise<string[]> {
  const { rows } = await inTenant(pool, tenantId, (client) =>
    client.query<{ contact_id: string }>(
      `INSERT INTO contacts (tenant_id, contact_id, kind, email, status, created_at, version, updated_at)
       SELECT $1, gen_random_uuid(), 'lead', 'lead' || n || '@example.com', 'new', now(), 1, now()
       FROM generate_series(1, $2::int) AS n RETURNING contact_id`,
      [tenantId, count],
    ),
  );
  return rows.map((row) => row.contact_id);
}

/** Rows of every table a simulation could write, for the tenant. */
export async function rowCounts(pool: pg.Pool, tenantId: string): Promise<Record<string, number>> {
  const tables = ['plans', 'enrolments', 'sends', 'skips', 'executions', 'contacts', 'frequency_caps', 'spend_entries'];
  const counts: Record<string, number> = {};
  await inTenant(pool, tenantId, async (client) => {
    for (const table of tables) {
      const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      counts[table] = rows[0]!.n;
    }
  });
  return counts;
}
