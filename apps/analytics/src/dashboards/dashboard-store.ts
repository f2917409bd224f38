import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { ConcurrencyError, NotFoundError } from '@bizosaas/ddd-kernel';
import type { GlobalCheckpoint } from '@bizosaas/event-store';
import { CHECKPOINT_SQL } from '../projections/views.ts';
import type { DateRangeSetting } from './date-presets.ts';
import type { DashboardInput, TileKind } from './dashboard-input.ts';

export interface TileRecord {
  id: string;
  title: string;
  kind: TileKind;
  config: Record<string, unknown>;
}

export interface DashboardRecord {
  id: string;
  name: string;
  description: string | null;
  dateRange: DateRangeSetting;
  timezone: string;
  version: number;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  tiles: TileRecord[];
}

interface Row {
  id: string;
  name: string;
  description: string | null;
  date_range: DateRangeSetting;
  timezone: string;
  version: number;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  tiles: (TileRecord & { position: number })[];
  cp?: GlobalCheckpoint | null;
}

const select = (
  extra = '',
) => `SELECT d.id, d.name, d.description, d.date_range, d.timezone, d.version, d.created_by, d.created_at, d.updated_at,
    COALESCE((SELECT json_agg(json_build_object('id', t.id, 'title', t.title, 'kind', t.kind, 'config', t.config,
                'position', t.position) ORDER BY t.position)
                FROM analytics.dashboard_tiles t WHERE t.tenant_id = d.tenant_id AND t.dashboard_id = d.id), '[]') AS tiles${extra}
  FROM analytics.dashboards d`;

function toRecord(row: Row): DashboardRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    dateRange: row.date_range,
    timezone: row.timezone,
    version: row.version,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    tiles: row.tiles.map(({ id, title, kind, config }) => ({ id, title, kind, config })),
  };
}

async function writeTiles(client: pg.ClientBase, tenantId: string, dashboardId: string, input: DashboardInput) {
  const rows = input.tiles.map((t, position) => ({ id: randomUUID(), position, ...t }));
  await client.query(
    `INSERT INTO analytics.dashboard_tiles (tenant_id, dashboard_id, id, position, title, kind, config)
     SELECT $1, $2, id, position, title, kind, config FROM jsonb_to_recordset($3::jsonb)
         AS x(id uuid, position int, title text, kind text, config jsonb)`,
    [tenantId, dashboardId, JSON.stringify(rows)],
  );
}

export async function createDashboard(
  client: pg.ClientBase,
  given: { tenantId: string; createdBy: string | null; now: Date },
  input: DashboardInput,
): Promise<DashboardRecord> {
  const id = randomUUID();
  await client.query(
    `INSERT INTO analytics.dashboards
       (tenant_id, id, name, description, date_range, timezone, version, created_by, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $8)`,
    [
      given.tenantId,
      id,
      input.name,
      input.description,
      JSON.stringify(input.dateRange),
      input.timezone,
      given.createdBy,
      given.now,
    ],
  );
  await writeTiles(client, given.tenantId, id, input);
  return getDashboard(client, id);
}

/** The dashboard as its tenant sees it (RLS): another tenant's id is 404 like a missing one. */
export async function getDashboard(client: pg.ClientBase, id: string): Promise<DashboardRecord> {
  return toRecord(await readRow(client, id));
}

/** The dashboard and the projections' checkpoint in one statement (the cache's freshness check). */
export async function getDashboardAtCheckpoint(client: pg.ClientBase, id: string) {
  const row = await readRow(client, id, `, ${CHECKPOINT_SQL} AS cp`);
  return { dashboard: toRecord(row), checkpoint: row.cp ?? null };
}

async function readRow(client: pg.ClientBase, id: string, extra?: string): Promise<Row> {
  const { rows } = await client.query<Row>(`${select(extra)} WHERE d.id = $1`, [id]);
  if (!rows[0]) throw new NotFoundError('No such dashboard', { dashboardId: id });
  return rows[0];
}

/** Replaces name, description, default range and zone, and tiles when the version is still `expectedVersion`. */
export async function replaceDashboard(
  client: pg.ClientBase,
  given: { tenantId: string; id: string; expectedVersion: number; now: Date },
  input: DashboardInput,
): Promise<DashboardRecord> {
  const { rows } = await client.query<{ version: number; updated: boolean }>(
    `WITH current AS (SELECT version FROM analytics.dashboards WHERE id = $1 FOR UPDATE),
     updated AS (UPDATE analytics.dashboards SET name = $3, description = $4, date_range = $6, timezone = $7,
                         version = version + 1, updated_at = $5
                  WHERE id = $1 AND version = $2 RETURNING version)
     SELECT current.version, EXISTS (SELECT 1 FROM updated) AS updated FROM current`,
    [
      given.id,
      given.expectedVersion,
      input.name,
      input.description,
      given.now,
      JSON.stringify(input.dateRange),
      input.timezone,
    ],
  );
  const current = rows[0];
  if (!current) throw new NotFoundError('No such dashboard', { dashboardId: given.id });
  if (!current.updated) throw new ConcurrencyError(given.expectedVersion, current.version);
  await client.query('DELETE FROM analytics.dashboard_tiles WHERE dashboard_id = $1', [given.id]);
  await writeTiles(client, given.tenantId, given.id, input);
  return getDashboard(client, given.id);
}

export async function deleteDashboard(client: pg.ClientBase, id: string): Promise<void> {
  const { rowCount } = await client.query('DELETE FROM analytics.dashboards WHERE id = $1', [id]);
  if (!rowCount) throw new NotFoundError('No such dashboard', { dashboardId: id });
}
