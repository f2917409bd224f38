import { z } from 'zod';
import { rangeBodyFields } from '../funnels/funnel-schemas.ts';
import { rangeView } from '../kpis/range-query.ts';

const eventType = z.string().min(1).max(100);

/** A retention query without its range: what a dashboard tile holds. */
export const retentionDefinition = z.strictObject({
  cohortEventType: eventType.describe("A subject's first such event in the range puts it in that bucket's cohort"),
  returnEventType: eventType.describe('A subject is retained in a period when it has such an event then'),
  interval: z.enum(['day', 'week', 'month']).describe('Buckets in the time zone (weeks start on Monday)'),
  periods: z.int().min(1).max(52).describe('Periods after the cohort bucket to follow (period 0 is its own)'),
});

export const retentionQueryBody = retentionDefinition.extend(rangeBodyFields);

export const retentionView = z.object({
  cohorts: z.array(
    z.object({
      cohort: z.string().describe('The bucket start, ISO 8601 local time with offset'),
      size: z.int(),
      retained: z.array(z.int()).describe('Subjects retained in periods 0..periods'),
      rates: z.array(z.string()).describe('retained / size per period: decimal strings, 4 places'),
    }),
  ),
  asOfPosition: z.string().nullable().describe('The log position the answer is as of (null: nothing received yet)'),
  range: rangeView,
});
