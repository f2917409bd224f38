import { z } from 'zod';
import { rangeFields, rangeView } from '../kpis/range-query.ts';

/** The properties every journey event carries (the subject's first touch when the event names none). */
export const journeyProperty = z.enum(['source', 'campaignId']);

const eventType = z.string().min(1).max(100).describe('An event type, e.g. lead.qualified');

const funnelStep = z.strictObject({
  eventType,
  filters: z
    .array(z.strictObject({ property: journeyProperty, op: z.enum(['eq', 'neq']), value: z.string().max(200) }))
    .max(10)
    .optional()
    .describe('Every filter must hold for an event to count as the step'),
  withinSeconds: z
    .int()
    .min(0)
    .max(366 * 86_400)
    .optional()
    .describe('At most this long after the previous step (any order: after the earliest step); not on step 1'),
});

/** A funnel as saved: what a query runs, without its range. */
export const funnelDefinition = z.strictObject({
  steps: z.array(funnelStep).min(2).max(10),
  order: z
    .enum(['ordered', 'strict', 'any'])
    .default('ordered')
    .describe('ordered: later events in step order; strict: each step the very next event; any: in any order'),
  exclusions: z
    .array(
      z.strictObject({
        eventType,
        afterStep: z.int().min(1).max(10).describe('1-based step number'),
        beforeStep: z.int().min(1).max(10).describe('1-based step number, after afterStep'),
      }),
    )
    .max(10)
    .optional()
    .describe('A subject with such an event between the two steps does not reach beforeStep that way'),
  breakdown: z
    .strictObject({ property: journeyProperty, touch: z.enum(['first', 'last']).default('first') })
    .optional()
    .describe("Split by the value on the subject's first (or last) event in the range that has one"),
});
export type FunnelDefinition = z.output<typeof funnelDefinition>;

/** "<transactionId>:<globalPosition>", checked here so a malformed one is refused as a body field. */
export const asOfPositionField = z
  .string()
  .regex(/^\d{1,19}:\d{1,19}$/, 'must be "<transactionId>:<globalPosition>" as an answer returned it')
  .optional()
  .describe('Answer as of this asOfPosition of an earlier answer');

/** The range of a query body: dates in the time zone or whole-minute datetimes (see the KPI route). */
export const rangeBodyFields = {
  dateRange: z.strictObject({ from: rangeFields.from, to: rangeFields.to }),
  timezone: rangeFields.timezone,
  asOfPosition: asOfPositionField,
};

export const funnelQueryBody = funnelDefinition.extend(rangeBodyFields);
export const savedFunnelQueryBody = z.strictObject(rangeBodyFields);

const stepResult = z.object({
  eventType: z.string(),
  count: z.int().describe('Subjects reaching this step'),
  conversionRate: z.string().describe('Against step 1: decimal string, 4 places'),
  stepConversionRate: z.string().describe('Against the previous step: decimal string, 4 places'),
  medianSecondsToConvert: z
    .number()
    .nullable()
    .describe('From step 1 to this step, median over the subjects reaching it; null for step 1'),
});

export const funnelResultView = z.object({
  steps: z.array(stepResult),
  breakdown: z.array(z.object({ value: z.string().nullable(), steps: z.array(stepResult) })).optional(),
  asOfPosition: z.string().nullable().describe('The log position the answer is as of (null: nothing received yet)'),
  range: rangeView,
});

export const savedFunnelView = z.object({
  id: z.uuid(),
  name: z.string(),
  definition: funnelDefinition,
  version: z.int(),
  createdBy: z.uuid().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SavedFunnel = z.infer<typeof savedFunnelView>;

const name = z.string().trim().min(1).max(200);
export const createFunnelBody = z.strictObject({ name, definition: funnelDefinition });
export const updateFunnelBody = z.strictObject({
  name,
  definition: funnelDefinition,
  expectedVersion: z.int().min(1).optional().describe('Alternative to If-Match: the version the change was made from'),
});
export const listFunnelsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(512).optional().describe('nextCursor of the previous page'),
});
export const funnelIdParams = z.strictObject({ id: z.uuid() });
