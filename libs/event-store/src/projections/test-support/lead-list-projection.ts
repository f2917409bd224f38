import type pg from 'pg';
import type { DomainEvent } from '@bizosaas/event-schemas';
import { defineProjection, type ProjectionTables } from '../projection.ts';

/**
 * The sample projection of this lib's tests and benchmarks (not exported from the package): a
 * list of leads (status, score, version) and the number of leads per tenant and status.
 * Batches are folded in memory and written with one multi-row statement per table; each event
 * is applied only if it is newer than the row's version, so re-applying changes nothing.
 */
type Tables = 'lead_list' | 'lead_counts';
type LeadEvent = Extract<DomainEvent, { type: 'lead.created' | 'lead.qualified' | 'lead.converted' }>;

interface LeadRow {
  tenant_id: string;
  lead_id: string;
  email: string;
  status: string;
  score: number | null;
  version: number;
  updated_at: string;
}

export const leadListProjection = defineProjection<LeadEvent, Tables>({
  name: 'lead_list',
  version: 1,
  tables: ['lead_list', 'lead_counts'],
  handles: ['lead.created', 'lead.qualified', 'lead.converted'],
  ddl: (t) => `
    CREATE TABLE ${t.lead_list} (
      lead_id    uuid PRIMARY KEY,
      tenant_id  uuid NOT NULL,
      email      text NOT NULL,
      status     text NOT NULL,
      score      numeric,
      version    integer NOT NULL,
      updated_at timestamptz NOT NULL
    );
    CREATE INDEX ON ${t.lead_list} (tenant_id, status);
    CREATE TABLE ${t.lead_counts} (
      tenant_id uuid NOT NULL,
      status    text NOT NULL,
      leads     integer NOT NULL,
      PRIMARY KEY (tenant_id, status)
    );`,
  applyBatch: applyLeadEvents,
});

async function applyLeadEvents(client: pg.ClientBase, events: readonly LeadEvent[], t: ProjectionTables<Tables>) {
  const ids = [...new Set(events.map((event) => event.aggregateId))];
  const { rows } = await client.query<LeadRow>(
    `SELECT tenant_id, lead_id, email, status, score::float8 AS score, version, updated_at::text
       FROM ${t.lead_list} WHERE lead_id = ANY($1::uuid[])`,
    [ids],
  );
  const leads = new Map(rows.map((row) => [row.lead_id, row]));
  const changed = new Set<string>();
  const deltas = new Map<string, number>();
  const count = (tenant: string, status: string, by: number) =>
    deltas.set(`${tenant}|${status}`, (deltas.get(`${tenant}|${status}`) ?? 0) + by);
  for (const event of events) {
    const before = leads.get(event.aggregateId);
    if (before && before.version >= event.aggregateVersion) continue; // applied already
    const after = evolveRow(before, event);
    if (!after) continue;
    if (before) count(before.tenant_id, before.status, -1);
    count(after.tenant_id, after.status, 1);
    leads.set(event.aggregateId, after);
    changed.add(event.aggregateId);
  }
  await upsertLeads(
    client,
    t,
    [...changed].map((id) => leads.get(id)).filter((row) => row !== undefined),
  );
  await addCounts(client, t, deltas);
}

function evolveRow(row: LeadRow | undefined, event: LeadEvent): LeadRow | undefined {
  const base = { version: event.aggregateVersion, updated_at: event.occurredAt };
  switch (event.type) {
    case 'lead.created':
      return {
        tenant_id: event.tenantId,
        lead_id: event.aggregateId,
        email: event.data.contact.email,
        status: 'new',
        score: null,
        ...base,
      };
    case 'lead.qualified':
      return row && { ...row, ...base, status: 'qualified', score: event.data.score.totalScore };
    case 'lead.converted':
      return row && { ...row, ...base, status: 'converted' };
  }
}

async function upsertLeads(client: pg.ClientBase, t: ProjectionTables<Tables>, rows: readonly LeadRow[]) {
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO ${t.lead_list} (tenant_id, lead_id, email, status, score, version, updated_at)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::numeric[], $6::int[], $7::timestamptz[])
     ON CONFLICT (lead_id) DO UPDATE
       SET status = excluded.status, score = excluded.score, version = excluded.version, updated_at = excluded.updated_at
       WHERE ${t.lead_list}.version < excluded.version`,
    [
      rows.map((r) => r.tenant_id),
      rows.map((r) => r.lead_id),
      rows.map((r) => r.email),
      rows.map((r) => r.status),
      rows.map((r) => r.score),
      rows.map((r) => r.version),
      rows.map((r) => r.updated_at),
    ],
  );
}

async function addCounts(client: pg.ClientBase, t: ProjectionTables<Tables>, deltas: Map<string, number>) {
  // Sorted: concurrent batches then lock the counter rows in one order and cannot deadlock.
  const entries = [...deltas]
    .filter(([, by]) => by !== 0)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, by]) => [...key.split('|'), by] as const);
  if (entries.length === 0) return;
  await client.query(
    `INSERT INTO ${t.lead_counts} (tenant_id, status, leads)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[])
     ON CONFLICT (tenant_id, status) DO UPDATE SET leads = ${t.lead_counts}.leads + excluded.leads`,
    [entries.map((e) => e[0]), entries.map((e) => e[1]), entries.map((e) => e[2])],
  );
}
