import type pg from 'pg';
import type { GlobalCheckpoint } from '@bizosaas/event-store';
import { readJourneys } from '../funnels/read-journeys.ts';
import type { ResolvedRange } from '../kpis/range-query.ts';
import { bucketIndex } from './retention-buckets.ts';
import { evaluateRetention, type RetentionResult, type RetentionSpec } from './retention-engine.ts';
import { retentionDefinition } from './retention-schemas.ts';

/**
 * A tenant's retention cohorts over a range, in its time zone's days, weeks or months, now or as
 * of a log position, with the checkpoint it is as of. Runs in the caller's transaction.
 */
export async function runRetention(
  client: pg.ClientBase,
  tenantId: string,
  spec: RetentionSpec,
  range: ResolvedRange,
  asOf: GlobalCheckpoint | null,
): Promise<{ result: RetentionResult; checkpoint: GlobalCheckpoint | null }> {
  // Built first: a range of too many buckets is refused before anything is read.
  const buckets = bucketIndex(range.fromMs, range.toMs, spec.interval, range.timezone);
  const { journeys, checkpoint } = await readJourneys(client, tenantId, {
    fromMs: range.fromMs,
    toMs: range.toMs,
    types: [spec.cohortEventType, spec.returnEventType],
    requiredType: spec.cohortEventType,
    asOf,
  });
  return { result: evaluateRetention(journeys, spec, buckets.indexOf, buckets.labelOf), checkpoint };
}

/**
 * A dashboard's retention tile: its config is a retention definition (checked with
 * `retentionDefinition` when the dashboard was saved), run over the dashboard's range and zone.
 */
export async function retentionTileSource(
  client: pg.ClientBase,
  tenantId: string,
  config: Record<string, unknown>,
  range: ResolvedRange,
  asOf: GlobalCheckpoint | null,
): Promise<RetentionResult> {
  return (await runRetention(client, tenantId, retentionDefinition.parse(config), range, asOf)).result;
}
