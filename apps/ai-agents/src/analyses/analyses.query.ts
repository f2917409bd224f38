import type pg from 'pg';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '@bizosaas/ddd-kernel';
import { ANALYSIS_COLUMNS, toAnalysis, type AnalysisRecord, type AnalysisRow } from './analysis-record.ts';
import { analysisKindSchema, analysisStatusSchema, analysisView, toView } from './analysis-view.ts';

export const analysisListQuery = z.strictObject({
  status: analysisStatusSchema.optional(),
  analysisType: analysisKindSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
});

export const analysisPage = z.object({ items: z.array(analysisView), nextCursor: z.string().nullable() });

/** The analysis, as its tenant sees it (RLS): another tenant's id is 404 like a missing one. */
export async function getAnalysis(client: pg.ClientBase, id: string): Promise<AnalysisRecord> {
  const { rows } = await client.query<AnalysisRow>(`SELECT ${ANALYSIS_COLUMNS} FROM ai_agents.analyses WHERE id = $1`, [
    id,
  ]);
  if (!rows[0]) throw new NotFoundError('No such analysis', { analysisId: id });
  return toAnalysis(rows[0]);
}

const encodeCursor = (analysis: AnalysisRecord) =>
  Buffer.from(`${analysis.createdAt.toISOString()}|${analysis.id}`).toString('base64url');

function decodeCursor(cursor: string): [string, string] {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!at || !id || Number.isNaN(Date.parse(at)) || !z.uuid().safeParse(id).success)
    throw new ValidationError('Bad cursor', [
      { path: 'cursor', message: 'is not a cursor of this list', location: 'query' },
    ]);
  return [at, id];
}

/** Newest first, by status and type, one page after `cursor`. */
export async function listAnalyses(client: pg.ClientBase, query: z.output<typeof analysisListQuery>) {
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const { rows } = await client.query<AnalysisRow>(
    `SELECT ${ANALYSIS_COLUMNS} FROM ai_agents.analyses
      WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR analysis_type = $2)
        AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
      ORDER BY created_at DESC, id DESC LIMIT $5`,
    [query.status ?? null, query.analysisType ?? null, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
  );
  const page = rows.slice(0, query.limit).map(toAnalysis);
  const last = page.at(-1);
  return { items: page.map(toView), nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
}
