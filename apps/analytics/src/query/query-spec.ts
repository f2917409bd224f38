import { z } from 'zod';
import { ValidationError, type FieldIssue } from '@bizosaas/ddd-kernel';
import { KPI_DEFINITIONS, KPI_NAMES } from '../kpis/kpi-definitions.ts';
import { rangeFields, resolveRange, type ResolvedRange } from '../kpis/range-query.ts';
import type { Interval } from '../time/buckets.ts';

/** What a metric adds up: events of some types (null: every type), their decimal sums, or distinct subjects. */
export type MetricDefinition =
  { kind: 'count'; types: readonly string[] | null } | { kind: 'sum'; types: readonly string[] } | { kind: 'subjects' };

const kpiMetrics = KPI_NAMES.flatMap((name): [string, MetricDefinition][] => {
  const definition = KPI_DEFINITIONS[name];
  if (definition.kind === 'count' || definition.kind === 'sum')
    return [[name, { kind: definition.kind, types: definition.types }]];
  return [];
});

/** Every KPI of kind count or sum, plus `events` (every event) and `subjects` (distinct subjects). */
export const METRICS: ReadonlyMap<string, MetricDefinition> = new Map([
  ...kpiMetrics,
  ['events', { kind: 'count', types: null }],
  ['subjects', { kind: 'subjects' }],
]);
export const METRIC_NAMES = [...METRICS.keys()] as [string, ...string[]];

export const DIMENSIONS = ['eventType', 'source', 'campaignId'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
const INTERVALS = ['minute', 'hour', 'day', 'week', 'month'] as const satisfies readonly Interval[];

const dimension = z.enum(DIMENSIONS);
const filterValue = z.string().min(1).max(200);
const filter = z.discriminatedUnion('op', [
  z.strictObject({ dimension, op: z.enum(['eq', 'neq']), value: filterValue }),
  z.strictObject({ dimension, op: z.literal('in'), value: z.array(filterValue).min(1).max(100) }),
]);
export type QueryFilter = z.infer<typeof filter>;

/** What to compute, without the range: what dashboards save as a tile's configuration. */
export const queryDefinition = z.strictObject({
  metrics: z
    .array(z.enum(METRIC_NAMES))
    .min(1)
    .max(10)
    .describe('KPIs of kind count or sum, events (every event) or subjects (distinct subjects)'),
  dimensions: z.array(dimension).max(DIMENSIONS.length).default([]).describe('Group the figures by these'),
  filters: z
    .array(filter)
    .max(20)
    .default([])
    .describe('Only events whose dimension equals (eq), differs from (neq) or is one of (in) the value'),
  interval: z.enum(INTERVALS).optional().describe('Buckets in the time zone; without it one figure per group'),
});
export type QueryDefinition = z.infer<typeof queryDefinition>;

export const queryBody = queryDefinition.extend({
  dateRange: z.strictObject({ from: rangeFields.from, to: rangeFields.to }),
  timezone: rangeFields.timezone,
  asOfPosition: z
    .string()
    .max(41)
    .optional()
    .describe('Answer as of this earlier asOfPosition of an answer (an audit of a number seen before)'),
});
export type QueryBody = z.infer<typeof queryBody>;

/** A query with its range resolved: what runQuery computes. */
export interface QuerySpec extends QueryDefinition {
  readonly range: ResolvedRange;
}

const BODY_PATHS: Record<string, string> = { from: 'dateRange.from', to: 'dateRange.to' };

/** resolveRange for a body: its issues name the body's fields (dateRange.from, dateRange.to, timezone). */
export function resolveBodyRange(body: Pick<QueryBody, 'dateRange' | 'timezone'>, now: Date): ResolvedRange {
  try {
    return resolveRange({ ...body.dateRange, timezone: body.timezone }, now);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const issues = (error.details.issues ?? []) as FieldIssue[];
    throw new ValidationError(
      error.message,
      issues.map((issue) => ({ ...issue, path: BODY_PATHS[issue.path] ?? issue.path, location: 'body' })),
    );
  }
}
