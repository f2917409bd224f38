import type pg from 'pg';
import type { ProjectionTables } from '@bizosaas/event-store';
import { AppError } from '@bizosaas/ddd-kernel';
import { ANALYTICS_TABLES } from '../projections/analytics-projection.ts';

/** md5 of a tenant's rows of one table, in a canonical order (rows as text, sorted). */
async function tableChecksum(client: pg.ClientBase, table: string, tenantId: string): Promise<string> {
  const { rows } = await client.query<{ sum: string }>(
    `SELECT md5(COALESCE(string_agg(r, E'\\n' ORDER BY r), '')) AS sum FROM (SELECT t::text AS r FROM ${table} t WHERE tenant_id = $1) x`,
    [tenantId],
  );
  return rows[0]?.sum ?? '';
}

export type Checksums = Record<string, string>;

/** The checksum of each of a tenant's analytics tables in one generation. */
export async function tenantChecksums(
  client: pg.ClientBase,
  tables: ProjectionTables,
  tenantId: string,
): Promise<Checksums> {
  const sums: Checksums = {};
  for (const name of ANALYTICS_TABLES) sums[name] = await tableChecksum(client, tables[name] ?? '', tenantId);
  return sums;
}

/** The rebuilt generation differs from the serving one: the swap is refused. */
export class RebuildDivergedError extends AppError {
  constructor(live: Checksums, rebuilt: Checksums) {
    const tables = Object.keys(live).filter((name) => live[name] !== rebuilt[name]);
    super(
      'REBUILD_DIVERGED',
      409,
      `The rebuilt projection differs from the live one in ${tables.join(', ')}; the live one keeps serving`,
      {
        tables,
        live,
        rebuilt,
      },
    );
  }
}
