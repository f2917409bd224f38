import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { ConcurrencyError, NotFoundError } from '@bizosaas/ddd-kernel';
import { decodeCursor, encodeCursor } from '@bizosaas/service-kit';
import { funnelDefinition, type FunnelDefinition, type SavedFunnel } from './funnel-schemas.ts';

// Every function runs in the caller's transaction of the tenant (RLS shows only its rows, so another
// tenant's funnel is not found); the explicit tenant_id conditions keep them right without RLS too.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLUMNS = `id, name, definition, version, created_by AS "createdBy",
  to_json(created_at)#>>'{}' AS "createdAt", to_json(updated_at)#>>'{}' AS "updatedAt"`;
const TABLE = 'analytics.funnels';

/** Stored definitions are parsed on the way out, as they were on the way in. */
const parsed = (row: SavedFunnel): SavedFunnel => ({ ...row, definition: funnelDefinition.parse(row.definition) });

export async function createFunnel(
  client: pg.ClientBase,
  tenantId: string,
  input: { name: string; definition: FunnelDefinition },
  userId: string,
  now: Date,
): Promise<SavedFunnel> {
  const { rows } = await client.query<SavedFunnel>(
    `INSERT INTO ${TABLE} (tenant_id, id, name, definition, version, created_by, created_at, updated_at)
     VALUES ($1, $2, $3, $4, 1, $5, $6, $6) RETURNING ${COLUMNS}`,
    // A platform service's subject is not a user id: no author then.
    [tenantId, randomUUID(), input.name, JSON.stringify(input.definition), UUID.test(userId) ? userId : null, now],
  );
  return parsed(rows[0] as SavedFunnel);
}

/** @throws NotFoundError when the tenant has no such funnel. */
export async function getFunnel(
  client: pg.ClientBase,
  tenantId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<SavedFunnel> {
  const { rows } = await client.query<SavedFunnel>(
    `SELECT ${COLUMNS} FROM ${TABLE} WHERE tenant_id = $1 AND id = $2${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [tenantId, id],
  );
  if (!rows[0]) throw new NotFoundError('Funnel not found', { id });
  return parsed(rows[0]);
}

/** @throws ConcurrencyError when the caller saw another version than the current one. */
export function assertVersion(current: SavedFunnel, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && expectedVersion !== current.version)
    throw new ConcurrencyError(expectedVersion, current.version);
}

/** Replaces name and definition of a funnel read with forUpdate: the next version. */
export async function updateFunnel(
  client: pg.ClientBase,
  tenantId: string,
  current: SavedFunnel,
  input: { name: string; definition: FunnelDefinition },
  now: Date,
): Promise<SavedFunnel> {
  const { rows } = await client.query<SavedFunnel>(
    `UPDATE ${TABLE} SET name = $3, definition = $4, version = version + 1, updated_at = $5
      WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [tenantId, current.id, input.name, JSON.stringify(input.definition), now],
  );
  return parsed(rows[0] as SavedFunnel);
}

export async function deleteFunnel(client: pg.ClientBase, tenantId: string, id: string): Promise<void> {
  await client.query(`DELETE FROM ${TABLE} WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
}

/** The tenant's funnels, newest first, one page after `cursor`. */
export async function listFunnels(
  client: pg.ClientBase,
  tenantId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ funnels: SavedFunnel[]; nextCursor: string | null }> {
  const after = page.cursor === undefined ? null : decodeCursor(page.cursor);
  const { rows } = await client.query<SavedFunnel>(
    `SELECT ${COLUMNS} FROM ${TABLE}
      WHERE tenant_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
      ORDER BY created_at DESC, id DESC LIMIT $4`,
    [tenantId, after?.[0] ?? null, after?.[1] ?? null, page.limit + 1],
  );
  const funnels = rows.slice(0, page.limit).map(parsed);
  const last = funnels.at(-1);
  return {
    funnels,
    nextCursor: rows.length > page.limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}
