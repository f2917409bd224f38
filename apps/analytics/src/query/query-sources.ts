import type pg from 'pg';
import { ValidationError } from '@bizosaas/ddd-kernel';
import { toFieldIssues } from '@bizosaas/event-schemas';
import type { GlobalCheckpoint } from '@bizosaas/event-store';
import type { ResolvedRange } from '../kpis/range-query.ts';
import { queryDefinition, type QueryDefinition } from './query-spec.ts';
import { runQuery, type QueryAnswer } from './run-query.ts';

// A saved definition (a dashboard tile's config, a report's query) is read back as stored JSON:
// it is checked again, so a definition saved before a metric was renamed is refused by name.
function definitionOf(saved: unknown, field: string): QueryDefinition {
  const parsed = queryDefinition.safeParse(saved);
  if (!parsed.success)
    throw new ValidationError(`The saved ${field} is not a valid query`, toFieldIssues(parsed.error, field));
  return parsed.data;
}

/** runQuery for a dashboard's query tile: its saved config over the dashboard's range (TileSource). */
export async function queryTileSource(
  client: pg.ClientBase,
  tenantId: string,
  config: Record<string, unknown>,
  range: ResolvedRange,
  asOf: GlobalCheckpoint | null,
): Promise<QueryAnswer> {
  const { answer } = await runQuery(client, tenantId, { ...definitionOf(config, 'config'), range }, asOf);
  return answer;
}

/** runQuery for a query report: its saved definition over the report's range (reports' RunQuery). */
export function reportRunQuery(
  client: pg.ClientBase,
  tenantId: string,
  spec: { definition: Record<string, unknown>; range: ResolvedRange },
  asOf: GlobalCheckpoint | null,
): Promise<{ answer: QueryAnswer; checkpoint: GlobalCheckpoint | null }> {
  return runQuery(client, tenantId, { ...definitionOf(spec.definition, 'query'), range: spec.range }, asOf);
}
