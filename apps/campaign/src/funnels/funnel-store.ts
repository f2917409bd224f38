import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { ConcurrencyError, NotFoundError } from '@bizosaas/ddd-kernel';
import { decodeCursor, encodeCursor } from '@bizosaas/service-kit';
import { funnelView, type Funnel, type FunnelInput } from './funnel-schemas.ts';

// Every function runs in the caller's transaction of the tenant: RLS shows only its funnels, so
// another tenant's funnel is not found; the explicit tenant_id conditions keep that without RLS.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLUMNS = `id, name, description, filter, stages, version, created_by, created_at, updated_at`;

interface FunnelRow {
  id: string;
  name: string;
  description: string | null;
  filter: unknown;
  stages: unknown;
  version: number;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

/** Stored JSON is parsed on the way out by the schema it was checked with on the way in. */
const toFunnel = (row: FunnelRow): Funnel =>
  funnelView.parse({
    id: row.id,
    name: row.name,
    description: row.description,
    filter: row.filter,
    stages: row.stages,
    version: row.version,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  });

const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));

export async function createFunnel(
  client: pg.ClientBase,
  tenantId: string,
  input: FunnelInput,
  userId: string,
  now: Date,
): Promise<Funnel> {
  const { rows } = await client.query<FunnelRow>(
    `INSERT INTO funnels (tenant_id, id, name, description, filter, stages, version, created_by, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $8) RETURNING ${COLUMNS}`,
    // A platform service's subject is not a user id: no author then.
    [
      tenantId,
      randomUUID(),
      input.name,
      input.description ?? null,
      json(input.filter),
      json(input.stages),
      UUID.test(userId) ? userId : null,
      now,
    ],
  );
  return toFunnel(rows[0]!);
}

/** @throws NotFoundError when the tenant has no such funnel. */
export async function getFunnel(
  client: pg.ClientBase,
  tenantId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<Funnel> {
  const { rows } = await client.query<FunnelRow>(
    `SELECT ${COLUMNS} FROM funnels WHERE tenant_id = $1 AND id = $2${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [tenantId, id],
  );
  if (!rows[0]) throw new NotFoundError('Funnel not found', { id });
  return toFunnel(rows[0]);
}

/**
 * Replaces the funnel with the next version when the caller saw the current one.
 * @throws NotFoundError, ConcurrencyError (details expectedVersion, actualVersion).
 */
export async function updateFunnel(
  client: pg.ClientBase,
  tenantId: string,
  id: string,
  input: FunnelInput & { expectedVersion: number },
  now: Date,
): Promise<Funnel> {
  const current = await getFunnel(client, tenantId, id, { forUpdate: true });
  if (current.version !== input.expectedVersion) throw new ConcurrencyError(input.expectedVersion, current.version);
  const { rows } = await client.query<FunnelRow>(
    `UPDATE funnels SET name = $3, description = $4, filter = $5, stages = $6, version = version + 1, updated_at = $7
     WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [tenantId, id, input.name, input.description ?? null, json(input.filter), json(input.stages), now],
  );
  return toFunnel(rows[0]!);
}

/** @throws NotFoundError when the tenant has no such funnel. */
export async function deleteFunnel(client: pg.ClientBase, tenantId: string, id: string): Promise<void> {
  const { rowCount } = await client.query('DELETE FROM funnels WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  if (rowCount === 0) throw new NotFoundError('Funnel not found', { id });
}

/** The tenant's funnels, newest first, one page after `cursor`. */
export async function listFunnels(
  client: pg.ClientBase,
  tenantId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ funnels: Funnel[]; nextCursor: string | null }> {
  const after = page.cursor === undefined ? null : decodeCursor(page.cursor);
  const { rows } = await client.query<FunnelRow>(
    `SELECT ${COLUMNS} FROM funnels
     WHERE tenant_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
     ORDER BY created_at DESC, id DESC LIMIT $4`,
    [tenantId, after?.[0] ?? null, after?.[1] ?? null, page.limit + 1],
  );
  const funnels = rows.slice(0, page.limit).map(toFunnel);
  const last = funnels.at(-1);
  return { funnels, nextCursor: rows.length > page.limit && last ? encodeCursor(last.createdAt, last.id) : null };
}
