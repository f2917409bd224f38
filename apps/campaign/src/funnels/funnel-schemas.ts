import { z } from 'zod';
import { audienceFilter, distinctList, leadStatus } from '../audience/audience-filter.ts';

const stage = z.strictObject({
  key: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be 1-40 lowercase letters, digits or _, starting with a letter'),
  name: z.string().trim().min(1).max(100),
  statuses: distinctList(leadStatus).describe('Lead statuses that count as having reached this stage'),
});

/** Ordered stages: distinct keys, and a status belongs to one stage at most. */
const stages = z
  .array(stage)
  .min(2)
  .max(20)
  .superRefine((list, context) => {
    const keys = new Set<string>();
    const owners = new Map<string, number>();
    list.forEach((item, i) => {
      if (keys.has(item.key)) context.addIssue({ code: 'custom', path: [i, 'key'], message: 'repeats a stage key' });
      keys.add(item.key);
      for (const status of item.statuses) {
        const owner = owners.get(status);
        if (owner !== undefined)
          context.addIssue({
            code: 'custom',
            path: [i, 'statuses'],
            message: `${status} already belongs to stage ${owner + 1}`,
          });
        owners.set(status, owner ?? i);
      }
    });
  });

const funnelFields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(2000).nullable().optional(),
  filter: audienceFilter
    .nullable()
    .optional()
    .describe('Scopes the funnel to the contacts it selects (absent: all leads)'),
  stages,
};

export const createFunnelBody = z.strictObject(funnelFields);
export const updateFunnelBody = z.strictObject({
  ...funnelFields,
  expectedVersion: z.int().min(1).describe('The version the change was made from'),
});
export type FunnelInput = z.output<typeof createFunnelBody>;

export const funnelView = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  filter: audienceFilter.nullable(),
  stages: z.array(stage),
  version: z.int(),
  createdBy: z.uuid().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Funnel = z.output<typeof funnelView>;
export type FunnelStage = Funnel['stages'][number];

export const funnelIdParams = z.strictObject({ id: z.uuid() });
export const listFunnelsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(512).optional().describe('nextCursor of the previous page'),
});
export const funnelListView = z.object({ funnels: z.array(funnelView), nextCursor: z.string().nullable() });

export const stageCountsView = z.object({
  funnelId: z.uuid(),
  asOf: z.string().describe('When the counts were read'),
  stages: z.array(
    z.object({
      key: z.string(),
      name: z.string(),
      statuses: z.array(leadStatus),
      count: z.int().describe("Leads whose status is this stage's or a later stage's"),
      conversionFromPrevious: z
        .string()
        .nullable()
        .describe('This count over the previous stage\'s, 4 places ("0.4000"; "0.0000" over 0); null for the first'),
    }),
  ),
});
export type StageCounts = z.output<typeof stageCountsView>;
