import type pg from 'pg';
import { AppError, NotFoundError } from '@bizosaas/ddd-kernel';
import { uuidv7 } from '@bizosaas/event-schemas';
import type { PageCounts } from './page-store.ts';
import { nextRunAfter } from './sync-schedule.ts';
import {
  NO_PASS,
  syncCursor,
  type CreateSyncBody,
  type ReplaceSyncBody,
  type RunView,
  type SyncCursor,
  type SyncMode,
  type SyncModel,
  type SyncView,
} from './sync.ts';

interface SyncRow {
  id: string;
  tenant_id: string;
  connection_id: string;
  model: SyncModel;
  mode: SyncMode;
  schedule: string | null;
  enabled: boolean;
  cursor: unknown;
  last_run_at: Date | null;
  created_at: Date;
  updated_at: Date;
  running_run_id: string | null;
}

/** A sync as the runner reads it. */
export interface StoredSync {
  id: string;
  connectionId: string;
  model: SyncModel;
  mode: SyncMode;
  cursor: SyncCursor;
}

const SELECT_SYNC = `SELECT s.*, (SELECT r.id FROM integration.sync_runs r WHERE r.sync_id = s.id AND r.status = 'running'
  ORDER BY r.started_at DESC LIMIT 1) AS running_run_id FROM integration.syncs s`;

/** When a sync is next due: after its last run (or its creation) by its schedule, if it follows one. */
export function nextRunAt(sync: {
  schedule: string | null;
  enabled: boolean;
  lastRunAt: Date | null;
  createdAt: Date;
}): Date | null {
  if (!sync.enabled || sync.schedule === null) return null;
  return nextRunAfter(sync.schedule, sync.lastRunAt ?? sync.createdAt);
}

function viewOf(row: SyncRow): SyncView {
  const next = nextRunAt({ ...row, lastRunAt: row.last_run_at, createdAt: row.created_at });
  return {
    id: row.id,
    connectionId: row.connection_id,
    model: row.model,
    mode: row.mode,
    schedule: row.schedule,
    enabled: row.enabled,
    runningRunId: row.running_run_id,
    lastRunAt: row.last_run_at?.toISOString() ?? null,
    nextRunAt: next?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The cursor as stored; one the runner cannot read starts a new pass. */
export const cursorOf = (stored: unknown): SyncCursor => syncCursor.safeParse(stored).data ?? NO_PASS;

export async function insertSync(
  client: pg.ClientBase,
  tenantId: string,
  body: CreateSyncBody,
  now: Date,
): Promise<SyncView> {
  const { rows } = await client.query<SyncRow>(
    `INSERT INTO integration.syncs (id, tenant_id, connection_id, model, mode, schedule, cursor, enabled, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $8) ON CONFLICT (connection_id, model) DO NOTHING
     RETURNING *, NULL::uuid AS running_run_id`,
    [uuidv7(), tenantId, body.connectionId, body.model, body.mode, body.schedule, body.enabled, now],
  );
  if (rows[0]) return viewOf(rows[0]);
  const existing = await client.query<{ id: string }>(
    'SELECT id FROM integration.syncs WHERE connection_id = $1 AND model = $2',
    [body.connectionId, body.model],
  );
  throw new AppError('CONFLICT', 409, `The connection already has a ${body.model} sync`, {
    syncId: existing.rows[0]?.id ?? null,
  });
}

export async function getSync(client: pg.ClientBase, id: string, options: { forUpdate?: boolean } = {}) {
  const { rows } = await client.query<SyncRow>(
    `${SELECT_SYNC} WHERE s.id = $1${options.forUpdate ? ' FOR UPDATE OF s' : ''}`,
    [id],
  );
  if (!rows[0]) throw new NotFoundError('Sync not found', { syncId: id });
  return { view: viewOf(rows[0]), stored: storedOf(rows[0]) };
}

const storedOf = (row: SyncRow): StoredSync => ({
  id: row.id,
  connectionId: row.connection_id,
  model: row.model,
  mode: row.mode,
  cursor: cursorOf(row.cursor),
});

export async function listSyncs(client: pg.ClientBase): Promise<SyncView[]> {
  const { rows } = await client.query<SyncRow>(`${SELECT_SYNC} ORDER BY s.created_at, s.id`);
  return rows.map(viewOf);
}

export async function replaceSync(
  client: pg.ClientBase,
  id: string,
  body: ReplaceSyncBody,
  now: Date,
): Promise<SyncView> {
  const { rowCount } = await client.query(
    'UPDATE integration.syncs SET mode = $2, schedule = $3, enabled = $4, updated_at = $5 WHERE id = $1',
    [id, body.mode, body.schedule, body.enabled, now],
  );
  if (rowCount === 0) throw new NotFoundError('Sync not found', { syncId: id });
  return (await getSync(client, id)).view;
}

/** Removes the sync with its runs and record hashes; a run going on finds its lease gone and stops. */
export async function deleteSync(client: pg.ClientBase, id: string): Promise<void> {
  const { rowCount } = await client.query('DELETE FROM integration.syncs WHERE id = $1', [id]);
  if (rowCount === 0) throw new NotFoundError('Sync not found', { syncId: id });
  await client.query('DELETE FROM integration.sync_runs WHERE sync_id = $1', [id]);
  await client.query('DELETE FROM integration.sync_records WHERE sync_id = $1', [id]);
}

interface RunRow extends PageCounts {
  id: string;
  sync_id: string;
  status: RunView['status'];
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
  kind: RunView['kind'];
  window_from: Date | null;
  window_to: Date | null;
  duplicates: number;
}

/** The sync's runs, newest first. */
export async function listRuns(client: pg.ClientBase, syncId: string, limit: number): Promise<RunView[]> {
  await getSync(client, syncId);
  const { rows } = await client.query<RunRow>(
    'SELECT * FROM integration.sync_runs WHERE sync_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2',
    [syncId, limit],
  );
  return rows.map((row) => ({
    id: row.id,
    syncId: row.sync_id,
    status: row.status,
    pages: row.pages,
    fetched: row.fetched,
    created: row.created,
    updated: row.updated,
    deleted: row.deleted,
    unchanged: row.unchanged,
    error: row.error,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    kind: row.kind,
    replay:
      row.kind === 'replay'
        ? { from: row.window_from!.toISOString(), to: row.window_to!.toISOString(), duplicates: row.duplicates }
        : null,
  }));
}
