import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { withTransaction } from '@bizosaas/db';
import { ValidationError } from '@bizosaas/ddd-kernel';
import type { ServiceApp } from '@bizosaas/service-kit';
import type { AnalyticsContext } from '../context.ts';
import { isValidZone } from '../time/zone.ts';
import { nextRunOf } from './queue-due-schedules.ts';
import { checkReportRequest, reportRequest } from './report-request.ts';
import {
  deleteSchedule,
  insertSchedule,
  listSchedules,
  scheduleListQuery,
  type ScheduleRow,
} from './schedule-store.ts';

const PATH = '/api/v1/analytics/report-schedules';

const scheduleBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  cron: z.string().trim().min(9).max(120).describe('A cron expression (5 fields, or 6 with seconds), e.g. "0 8 * * 1"'),
  timezone: z.string().max(64).default('UTC').describe('IANA time zone the cron expression is read in'),
  report: reportRequest.describe('The report to queue each time (the body of POST /reports)'),
});

const scheduleView = z.object({
  id: z.uuid(),
  name: z.string(),
  cron: z.string(),
  timezone: z.string(),
  report: z.record(z.string(), z.unknown()),
  active: z.boolean(),
  nextRunAt: z.string().nullable(),
  createdBy: z.uuid().nullable(),
  createdAt: z.string(),
});

const toView = (row: ScheduleRow) => ({
  id: row.id,
  name: row.name,
  cron: row.cron,
  timezone: row.timezone,
  report: row.request,
  active: row.active,
  nextRunAt: row.next_run_at?.toISOString() ?? null,
  createdBy: row.created_by,
  createdAt: row.created_at.toISOString(),
});

/** The first run after now; a bad zone or expression is a VALIDATION_ERROR naming it. */
function firstRun(cron: string, timezone: string, now: Date): Date | null {
  if (!isValidZone(timezone))
    throw new ValidationError('timezone must be an IANA time zone name', [
      { path: 'timezone', message: `unknown time zone ${timezone}`, location: 'body' },
    ]);
  try {
    return nextRunOf(cron, timezone, now);
  } catch (error) {
    throw new ValidationError('cron is not a cron expression', [
      { path: 'cron', message: (error as Error).message, location: 'body' },
    ]);
  }
}

/** Report schedules: each queues its report at every time its cron expression names, in its zone. */
export function registerScheduleRoutes(app: ServiceApp, ctx: AnalyticsContext, querySchema?: z.ZodType): void {
  const inTenant = <T>(request: FastifyRequest, work: (client: pg.PoolClient) => Promise<T>) =>
    withTransaction(ctx.pool, work, { tenantId: requirePrincipal(request).tenantId });
  const idParams = z.strictObject({ id: z.uuid() });

  app.post(
    PATH,
    {
      onRequest: requirePermission('analytics:manage'),
      schema: {
        operationId: 'createReportSchedule',
        tags: ['reports'],
        summary: 'Queue a report at every time a cron expression names, in a time zone',
        body: scheduleBody,
        response: { 201: scheduleView },
      },
    },
    async (request, reply) => {
      const { name, cron, timezone, report } = request.body;
      const now = ctx.now();
      const nextRunAt = firstRun(cron, timezone, now);
      checkReportRequest(report, now, querySchema, 'report.');
      const { tenantId, userId } = requirePrincipal(request);
      const created = await inTenant(request, (client) =>
        insertSchedule(
          client,
          { tenantId, id: randomUUID(), name, cron, timezone, request: report },
          { nextRunAt, createdBy: userId, now },
        ),
      );
      return reply.code(201).send(toView(created));
    },
  );
  app.get(
    PATH,
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        operationId: 'listReportSchedules',
        tags: ['reports'],
        summary: "The tenant's report schedules, newest first, with their next run",
        querystring: scheduleListQuery,
        response: { 200: z.object({ items: z.array(scheduleView), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => {
      const page = await inTenant(request, (client) => listSchedules(client, request.query));
      return { items: page.rows.map(toView), nextCursor: page.nextCursor };
    },
  );
  app.delete(
    `${PATH}/:id`,
    {
      onRequest: requirePermission('analytics:manage'),
      schema: {
        operationId: 'deleteReportSchedule',
        tags: ['reports'],
        summary: 'Stop and delete a schedule (reports it queued stay)',
        params: idParams,
        response: { 204: z.null().describe('Deleted') },
      },
    },
    async (request, reply) => {
      await inTenant(request, (client) => deleteSchedule(client, request.params.id));
      return reply.code(204).send(null);
    },
  );
}
