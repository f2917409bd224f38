import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { withTransaction } from '@bizosaas/db';
import { BusinessRuleViolation, NotFoundError } from '@bizosaas/ddd-kernel';
import { errorResponseSchema, type ServiceApp } from '@bizosaas/service-kit';
import type { AnalyticsContext } from '../context.ts';
import { checkReportRequest, reportRequest } from './report-request.ts';
import {
  getReport,
  insertReport,
  listReports,
  readReportFile,
  reportListQuery,
  type ReportRow,
} from './report-store.ts';
import { reportPage, reportView, toReportView } from './report-view.ts';

const PATH = '/api/v1/analytics/reports';
const idParams = z.strictObject({ id: z.uuid() });
const notReady = {
  description:
    'BUSINESS_RULE_VIOLATION (REPORT_NOT_READY): the report is queued, building or failed; details.currentStatus',
  content: { 'application/json': { schema: errorResponseSchema } },
};

function requireReady(report: ReportRow): void {
  if (report.status !== 'ready')
    throw new BusinessRuleViolation('REPORT_NOT_READY', `The report is ${report.status}, not ready`, {
      currentStatus: report.status,
    });
}

const fileName = (report: ReportRow, extension: string) =>
  `${report.name.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'report'}-${report.id.slice(0, 8)}.${extension}`;

/** Reports: queued here, built in the background by the report worker. */
export function registerReportRoutes(app: ServiceApp, ctx: AnalyticsContext, querySchema?: z.ZodType): void {
  const inTenant = <T>(request: FastifyRequest, work: (client: pg.PoolClient) => Promise<T>) =>
    withTransaction(ctx.pool, work, { tenantId: requirePrincipal(request).tenantId });

  app.post(
    PATH,
    {
      onRequest: requirePermission('analytics:manage'),
      schema: {
        operationId: 'requestReport',
        tags: ['reports'],
        summary: 'Queue a CSV report (events behind a KPI or types, the KPIs, or a time series with its chart)',
        body: reportRequest,
        response: { 202: reportView },
      },
    },
    async (request, reply) => {
      checkReportRequest(request.body, ctx.now(), querySchema);
      const { tenantId, userId } = requirePrincipal(request);
      const queued = await inTenant(request, (client) =>
        insertReport(client, {
          tenantId,
          id: randomUUID(),
          request: request.body,
          scheduleId: null,
          requestedBy: userId,
          correlationId: request.id,
          now: ctx.now(),
        }),
      );
      return reply.code(202).send(toReportView(queued));
    },
  );
  app.get(
    PATH,
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        operationId: 'listReports',
        tags: ['reports'],
        summary: "The tenant's reports, newest first, by status",
        querystring: reportListQuery,
        response: { 200: reportPage },
      },
    },
    async (request) => {
      const page = await inTenant(request, (client) => listReports(client, request.query));
      return { items: page.rows.map(toReportView), nextCursor: page.nextCursor };
    },
  );
  app.get(
    `${PATH}/:id`,
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        operationId: 'getReport',
        tags: ['reports'],
        summary: 'A report: status, rows, the position it is as of, and links to its CSV and chart',
        params: idParams,
        response: { 200: reportView },
      },
    },
    async (request) => toReportView(await inTenant(request, (client) => getReport(client, request.params.id))),
  );
  app.get(
    `${PATH}/:id/download`,
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        operationId: 'downloadReport',
        tags: ['reports'],
        summary: 'The CSV of a ready report (an attachment)',
        params: idParams,
        response: {
          200: { description: 'The CSV, header first', content: { 'text/csv': { schema: z.string() } } },
          422: notReady,
        },
      },
    },
    async (request, reply) => {
      const { report, content } = await inTenant(request, (client) => readReportFile(client, request.params.id, 'csv'));
      requireReady(report);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${fileName(report, 'csv')}"`)
        .send(content ?? '');
    },
  );
  app.get(
    `${PATH}/:id/chart.svg`,
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        operationId: 'getReportChart',
        tags: ['reports'],
        summary: 'The line chart of a ready time series report (404 for a report without a chart)',
        params: idParams,
        response: {
          200: { description: 'An SVG image', content: { 'image/svg+xml': { schema: z.string() } } },
          422: notReady,
        },
      },
    },
    async (request, reply) => {
      const { report, content } = await inTenant(request, (client) =>
        readReportFile(client, request.params.id, 'chart_svg'),
      );
      requireReady(report);
      if (content === null) throw new NotFoundError('This report has no chart', { reportId: report.id });
      return reply.header('content-type', 'image/svg+xml; charset=utf-8').send(content);
    },
  );
}
