import type pg from 'pg';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '@bizosaas/service-kit';
import { dashboardSummary } from './dashboard-view.ts';

export const dashboardListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
});

export const dashboardPage = z.object({ items: z.array(dashboardSummary), nextCursor: z.string().nullable() });

interface Row {
  id: string;
  name: string;
  description: string | null;
  version: number;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

/** The tenant's dashboards (RLS), newest first, one page after `cursor`. */
export async function listDashboards(client: pg.ClientBase, query: z.output<typeof dashboardListQuery>) {
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const { rows } = await client.query<Row>(
    `SELECT id, name, description, version, created_by, created_at, updated_at FROM analytics.dashboards
      WHERE ($1::timestamptz IS NULL OR (created_at, id) < ($1::timestamptz, $2::uuid))
      ORDER BY created_at DESC, id DESC LIMIT $3`,
    [after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: r.id,
      name: r.name,
      description: r.description,
      version: r.version,
      createdBy: r.created_by,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}
