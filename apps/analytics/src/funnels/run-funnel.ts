import type pg from 'pg';
import { ValidationError } from '@bizosaas/ddd-kernel';
import type { GlobalCheckpoint } from '@bizosaas/event-store';
import { createFunnelAccumulator, type FunnelResult, type FunnelSpec } from './funnel-engine.ts';
import { funnelSpecProblems } from './funnel-spec-problems.ts';
import { funnelDefinition } from './funnel-schemas.ts';
import { forEachJourney } from './read-journeys.ts';

/**
 * Refuses a funnel the engine cannot evaluate (a window on step 1, an exclusion out of range, ...):
 * one VALIDATION_ERROR listing every problem at its place in the body (`prefix`: where the funnel is).
 */
export function assertFunnelSpec(spec: FunnelSpec, prefix = ''): void {
  const problems = funnelSpecProblems(spec);
  if (problems.length === 0) return;
  throw new ValidationError(
    `The funnel cannot be evaluated: ${problems.map((p) => prefix + p.field).join(', ')}`,
    problems.map((p) => ({ path: prefix + p.field, message: p.message, location: 'body' })),
  );
}

/**
 * A tenant's funnel over [fromMs, toMs), now or as of a log position, with the checkpoint it is as
 * of (null: nothing projected yet). Runs in the caller's transaction (answerAsOf, a dashboard's).
 */
export async function runFunnel(
  client: pg.ClientBase,
  tenantId: string,
  spec: FunnelSpec,
  range: { readonly fromMs: number; readonly toMs: number },
  asOf: GlobalCheckpoint | null,
): Promise<{ result: FunnelResult; checkpoint: GlobalCheckpoint | null }> {
  assertFunnelSpec(spec);
  const entry = spec.steps[0]?.eventType ?? '';
  // A strict step is the very next event of any type, so a strict funnel reads every event.
  const types =
    spec.order === 'strict'
      ? undefined
      : [...spec.steps.map((s) => s.eventType), ...(spec.exclusions ?? []).map((e) => e.eventType)];
  const funnel = createFunnelAccumulator(spec);
  const query = { fromMs: range.fromMs, toMs: range.toMs, types, requiredType: entry, asOf };
  const checkpoint = await forEachJourney(client, tenantId, query, (journey) => {
    // Subjects that never enter the funnel in the range count nowhere; in a breakdown they would
    // only add rows of zeros.
    if (journey.events.some((event) => event.type === entry)) funnel.add(journey);
  });
  return { result: funnel.result(), checkpoint };
}

/**
 * A dashboard's funnel tile: its config is a funnel definition (checked with `funnelDefinition` when
 * the dashboard was saved; parsed again here for its defaults). Answers what POST /funnels/query
 * answers without asOfPosition and range, which the dashboard gives once for every tile.
 */
export async function funnelTileSource(
  client: pg.ClientBase,
  tenantId: string,
  config: Record<string, unknown>,
  range: { readonly fromMs: number; readonly toMs: number },
  asOf: GlobalCheckpoint | null,
): Promise<FunnelResult> {
  return (await runFunnel(client, tenantId, funnelDefinition.parse(config), range, asOf)).result;
}
