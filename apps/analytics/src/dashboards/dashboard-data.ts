import { createHash } from 'node:crypto';
import type pg from 'pg';
import { withTransaction } from '@bizosaas/db';
import { canonicalJson, type GlobalCheckpoint } from '@bizosaas/event-store';
import type { ResolvedRange } from '../kpis/range-query.ts';
import { CHECKPOINT_SQL } from '../projections/views.ts';
import type { DashboardRecord } from './dashboard-store.ts';
import type { TileSources } from './tile-sources.ts';

export interface TileData {
  id: string;
  title: string;
  kind: string;
  data: unknown;
}

export interface DashboardData {
  tiles: TileData[];
  /** The log position every tile is as of (null: nothing projected yet). */
  checkpoint: GlobalCheckpoint | null;
  checksum: string;
}

/** sha256 (hex) of the canonical JSON of the tiles' data, in tile order: equal figures, equal checksum. */
export const checksumOf = (tiles: readonly TileData[]): string =>
  createHash('sha256')
    .update(canonicalJson(tiles.map((t) => t.data)))
    .digest('hex');

/**
 * Every tile of the dashboard in one REPEATABLE READ transaction of the tenant, so all tiles and
 * the checkpoint read first come from one snapshot: the answer is as of that one position.
 */
export async function computeDashboardData(
  pool: pg.Pool,
  sources: TileSources,
  input: { tenantId: string; dashboard: DashboardRecord; range: ResolvedRange; asOf: GlobalCheckpoint | null },
): Promise<DashboardData> {
  const { tenantId, dashboard, range, asOf } = input;
  return withTransaction(
    pool,
    async (client) => {
      const { rows } = await client.query<{ cp: GlobalCheckpoint | null }>(`SELECT ${CHECKPOINT_SQL} AS cp`);
      const tiles: TileData[] = [];
      // One connection: the tiles run one after the other on it.
      for (const tile of dashboard.tiles) {
        const data = await sources[tile.kind](client, tenantId, tile.config, range, asOf);
        tiles.push({ id: tile.id, title: tile.title, kind: tile.kind, data });
      }
      return { tiles, checkpoint: asOf ?? rows[0]?.cp ?? null, checksum: checksumOf(tiles) };
    },
    { tenantId, isolation: 'REPEATABLE READ' },
  );
}
