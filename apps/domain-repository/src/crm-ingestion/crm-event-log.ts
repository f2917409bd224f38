import type pg from 'pg';
import { z } from 'zod';
import { uuidv7 } from '@bizosaas/event-schemas';
import { CrmProvider, type CrmChange, type CrmNotification } from './crm-change.ts';
import type { RecordOutcome } from './apply-crm-change.ts';

const TABLE = 'domain_repository.crm_events';
export const CRM_EVENT_STATUSES = ['accepted', 'processed', 'skipped', 'rejected', 'dead'] as const;
export type CrmEventStatus = (typeof CRM_EVENT_STATUSES)[number];

const recordOutcomeSchema = z.object({
  externalId: z.string(),
  aggregateType: z.enum(['lead', 'customer']),
  aggregateId: z.uuid().nullable(),
  result: z.enum(['applied', 'skipped', 'rejected']),
  events: z.array(z.string()),
  reason: z.string().optional(),
});

/** The EventReadDTO of seed 004: what was received and what processing made of it. */
export const crmEventView = z.object({
  id: z.uuid(),
  provider: CrmProvider,
  externalEventId: z.string(),
  eventType: z.string(),
  entity: z.string(),
  changeType: z.enum(['create', 'update', 'delete']),
  externalIds: z.array(z.string()),
  occurredAt: z.string(),
  receivedAt: z.string(),
  status: z.enum(CRM_EVENT_STATUSES),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  outcome: z.array(recordOutcomeSchema).nullable(),
  processedAt: z.string().nullable(),
});
export type CrmEventView = z.infer<typeof crmEventView>;

export interface CrmEventRow extends CrmEventView {
  tenantId: string;
  changes: CrmChange[];
}

const COLUMNS = `id, tenant_id AS "tenantId", provider, external_event_id AS "externalEventId", event_type AS "eventType", entity,
  change_type AS "changeType", external_ids AS "externalIds", occurred_at AS "occurredAt", received_at AS "receivedAt", status, attempts,
  last_error AS "lastError", outcome, processed_at AS "processedAt", changes`;

/** A row as pg returns COLUMNS: timestamps as Dates, jsonb parsed. */
type StoredCrmEvent = Omit<CrmEventRow, 'occurredAt' | 'receivedAt' | 'processedAt'> & {
  occurredAt: Date;
  receivedAt: Date;
  processedAt: Date | null;
};

function fromRow(row: StoredCrmEvent): CrmEventRow {
  return {
    ...row,
    occurredAt: row.occurredAt.toISOString(),
    receivedAt: row.receivedAt.toISOString(),
    processedAt: row.processedAt === null ? null : row.processedAt.toISOString(),
  };
}

export function viewOf({ tenantId: _t, changes: _c, ...view }: CrmEventRow): CrmEventView {
  return view;
}

/**
 * Stores a notification once per (tenant, provider, provider's event id): a repeat returns the
 * stored row with `duplicate` set. `client` is in the tenant's transaction.
 */
export async function recordNotification(
  client: pg.ClientBase,
  tenantId: string,
  provider: CrmProvider,
  n: CrmNotification,
) {
  const inserted = await client.query<StoredCrmEvent>(
    `INSERT INTO ${TABLE} (id, tenant_id, provider, external_event_id, event_type, entity, change_type, external_ids, occurred_at, status, changes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (tenant_id, provider, external_event_id) DO NOTHING RETURNING ${COLUMNS}`,
    [
      uuidv7(),
      tenantId,
      provider,
      n.externalEventId,
      n.eventType,
      n.entity,
      n.changeType,
      n.changes.map((c) => c.externalId),
      n.occurredAt,
      // A notification with nothing to ingest (an object not mapped here) is logged as skipped and never queued.
      n.changes.length === 0 ? 'skipped' : 'accepted',
      JSON.stringify(n.changes),
    ],
  );
  if (inserted.rows[0]) return { row: fromRow(inserted.rows[0]), duplicate: false };
  const existing = await client.query<StoredCrmEvent>(
    `SELECT ${COLUMNS} FROM ${TABLE} WHERE tenant_id = $1 AND provider = $2 AND external_event_id = $3`,
    [tenantId, provider, n.externalEventId],
  );
  const stored = existing.rows[0];
  // The insert met this row's key, and the tenant's transaction sees its own tenant's rows.
  if (!stored) throw new Error(`CRM event ${provider}/${n.externalEventId} conflicted but cannot be read`);
  return { row: fromRow(stored), duplicate: true };
}

export async function findCrmEvent(client: pg.ClientBase, id: string): Promise<CrmEventRow | null> {
  const { rows } = await client.query<StoredCrmEvent>(`SELECT ${COLUMNS} FROM ${TABLE} WHERE id = $1`, [id]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function finishCrmEvent(
  client: pg.ClientBase,
  id: string,
  status: CrmEventStatus,
  outcome: RecordOutcome[],
): Promise<void> {
  await client.query(
    `UPDATE ${TABLE} SET status = $2, outcome = $3, processed_at = now(), attempts = attempts + 1 WHERE id = $1`,
    [id, status, JSON.stringify(outcome)],
  );
}

/** A failed attempt; `dead` when the work queue will not deliver it again. */
export async function failCrmEvent(client: pg.ClientBase, id: string, error: string, dead: boolean): Promise<void> {
  await client.query(
    `UPDATE ${TABLE} SET attempts = attempts + 1, last_error = $2, status = CASE WHEN $3 THEN 'dead' ELSE status END WHERE id = $1`,
    [id, error, dead],
  );
}

export const crmEventListQuery = z.strictObject({
  status: z.enum(CRM_EVENT_STATUSES).optional(),
  provider: CrmProvider.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The id of the last event of the previous page (ids are UUIDv7: time-ordered). */
  after: z.uuid().optional(),
});

/** Newest first; `nextCursor` is the `after` of the next page. */
export async function listCrmEvents(client: pg.ClientBase, query: z.output<typeof crmEventListQuery>) {
  const { rows } = await client.query<StoredCrmEvent>(
    `SELECT ${COLUMNS} FROM ${TABLE} WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR provider = $2) AND ($3::uuid IS NULL OR id < $3)
     ORDER BY id DESC LIMIT $4`,
    [query.status ?? null, query.provider ?? null, query.after ?? null, query.limit + 1],
  );
  const page = rows.slice(0, query.limit).map((row) => viewOf(fromRow(row)));
  return { events: page, nextCursor: rows.length > query.limit ? page.at(-1)!.id : null };
}

/** Rows stored but never picked up (the queueing after the commit failed), every tenant's: worker role. */
export async function unqueuedCrmEvents(
  worker: pg.Pool,
  olderThanMs: number,
  limit = 500,
): Promise<{ crmEventId: string; tenantId: string }[]> {
  const { rows } = await worker.query<{ crmEventId: string; tenantId: string }>(
    `SELECT id AS "crmEventId", tenant_id AS "tenantId" FROM ${TABLE} WHERE status = 'accepted' AND attempts = 0 AND received_at < now() - make_interval(secs => $1::double precision / 1000)
     ORDER BY received_at LIMIT $2`,
    [olderThanMs, limit],
  );
  return rows;
}
