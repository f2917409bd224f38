import { z } from 'zod';
import { scheduleProblem } from './sync-schedule.ts';

/** What a sync brings in: a CRM's contacts, or an ads platform's daily campaign metrics. */
export const syncModel = z.enum(['contacts', 'campaign_metrics']);
export type SyncModel = z.output<typeof syncModel>;

/** incremental: changes since the last run; full: the same, and records no longer there are deleted. */
export const syncMode = z.enum(['incremental', 'full']);
export type SyncMode = z.output<typeof syncMode>;

export const syncSchedule = z
  .string()
  .max(100)
  .superRefine((pattern, context) => {
    const problem = scheduleProblem(pattern);
    if (problem !== null) context.addIssue({ code: 'custom', message: `must be a 5-field cron pattern: ${problem}` });
  })
  .describe('5-field cron pattern in UTC (e.g. "*/30 * * * *"); null runs only on demand');

const settings = {
  mode: syncMode,
  schedule: syncSchedule.nullable().default(null),
  enabled: z.boolean().default(true).describe('whether the schedule is followed (on-demand runs always may)'),
};

export const createSyncBody = z.strictObject({ connectionId: z.uuid(), model: syncModel, ...settings });
export type CreateSyncBody = z.output<typeof createSyncBody>;

export const replaceSyncBody = z.strictObject(settings);
export type ReplaceSyncBody = z.output<typeof replaceSyncBody>;

export const syncView = z.object({
  id: z.uuid(),
  connectionId: z.uuid(),
  model: syncModel,
  mode: syncMode,
  schedule: z.string().nullable(),
  enabled: z.boolean(),
  /** The run going now, if any. */
  runningRunId: z.uuid().nullable(),
  lastRunAt: z.string().nullable(),
  nextRunAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SyncView = z.output<typeof syncView>;

export const runStatus = z.enum(['running', 'completed', 'failed']);

export const runView = z.object({
  id: z.uuid(),
  syncId: z.uuid(),
  status: runStatus,
  pages: z.int(),
  fetched: z.int(),
  created: z.int(),
  updated: z.int(),
  deleted: z.int(),
  unchanged: z.int(),
  error: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** sync: a pass over the provider; replay: a window of archived records forwarded again (POST /syncs/:id/replay). */
  kind: z.enum(['sync', 'replay']),
  /** A replay's window (from inclusive, to exclusive) and the records domain-repository already held; null for a pass. */
  replay: z.object({ from: z.string(), to: z.string(), duplicates: z.int() }).nullable(),
});
export type RunView = z.output<typeof runView>;

/**
 * Where a sync stands, committed with every page. A pass goes through the provider's records from
 * the first page to the last (then, in full mode, marks what it did not see as deleted); a run
 * that stops mid-pass leaves it here, and the next run (or the replica resuming this one) carries
 * on from `position`.
 */
export const syncCursor = z.object({
  /** The run that began the pass in progress (records it saw carry its id); null between passes. */
  pass: z.uuid().nullable(),
  /** Pages the pass has committed. */
  page: z.int().min(0),
  /** Where the next page starts: HubSpot's `after`, or the next date of metrics; null = the first page. */
  position: z.string().max(2000).nullable(),
  /** records: reading pages; deletions: marking what the pass did not see (full mode); done: to be completed. */
  phase: z.enum(['records', 'deletions', 'done']),
  /** Metrics: the last date of the pass. */
  until: z.iso.date().nullable(),
  /** Metrics: the last date the previous completed pass covered. */
  watermark: z.iso.date().nullable(),
});
export type SyncCursor = z.output<typeof syncCursor>;

export const NO_PASS: SyncCursor = {
  pass: null,
  page: 0,
  position: null,
  phase: 'records',
  until: null,
  watermark: null,
};
