import type { Redis } from 'ioredis';
import { createAddressPolicy, createOutboundHttp } from '@bizosaas/outbound-http';
import type { ConsumerMonitor, ServiceApp } from '@bizosaas/service-kit';
import type { Config } from '../config.ts';
import type { RoutesContext } from '../write-side/routes-context.ts';
import type { WriteSide } from '../write-side/write-side.ts';
import { crmEventRoutes } from './crm-events.routes.ts';
import { CRM_WORK_GROUP } from './crm-work-queue.ts';
import { createCrmWorker } from './crm-worker.ts';
import { createCrmHttp } from './providers/crm-http.ts';
import { crmRecordReaders } from './providers/crm-record-readers.ts';

/**
 * CRM ingestion (seed 004): the notification routes and the work-queue worker, started when
 * the app is ready and stopped (finishing the job in hand) before the pools close; `consumers`
 * shows the worker on `/ready`.
 */
export function attachCrmIngestion(
  app: ServiceApp,
  ctx: RoutesContext & WriteSide,
  config: Config,
  redis: Redis,
  consumers?: ConsumerMonitor,
): void {
  const outbound = createOutboundHttp({
    policy: createAddressPolicy({ allowedCidrs: config.OUTBOUND_ALLOWED_CIDRS }),
    connectTimeoutMs: config.CRM_FETCH_TIMEOUT_MS,
    onRefused: (refusal, stage) =>
      app.log.warn({ ...refusal, stage }, 'CRM request refused by the outbound address policy'),
  });
  const http = createCrmHttp({
    http: outbound,
    timeoutMs: config.CRM_FETCH_TIMEOUT_MS,
    maxAttempts: config.CRM_FETCH_ATTEMPTS,
    initialDelayMs: 200,
  });
  const readers = crmRecordReaders(
    {
      salesforce: {
        baseUrl: config.CRM_SALESFORCE_BASE_URL,
        accessToken: config.CRM_SALESFORCE_ACCESS_TOKEN,
        apiVersion: config.CRM_SALESFORCE_API_VERSION,
      },
      hubspot: { baseUrl: config.CRM_HUBSPOT_BASE_URL, accessToken: config.CRM_HUBSPOT_ACCESS_TOKEN },
      pipedrive: { baseUrl: config.CRM_PIPEDRIVE_BASE_URL, apiToken: config.CRM_PIPEDRIVE_API_TOKEN },
    },
    http,
  );
  const worker = createCrmWorker({
    redis,
    stream: config.CRM_WORK_STREAM,
    consumerName: config.CONSUMER_NAME,
    maxDeliveries: config.CRM_MAX_DELIVERIES,
    retryIdleMs: config.CRM_RETRY_IDLE_MS,
    requeueAfterMs: config.CRM_REQUEUE_AFTER_MS,
    worker: ctx.worker,
    apply: { pool: ctx.pool, store: ctx.store, readers, now: ctx.now },
    onSignal: (signal) => {
      consumers?.observe(signal, CRM_WORK_GROUP);
      if (signal.kind === 'paused') app.log.warn({ err: signal.error }, 'crm work queue paused: PostgreSQL is down');
      if (signal.kind === 'failed')
        app.log.warn({ err: signal.error, delivery: signal.delivery }, 'crm job failed; it will be retried');
      if (signal.kind === 'dead_lettered')
        app.log.error({ delivery: signal.delivery, reason: signal.reason }, 'crm job dead-lettered');
      if (signal.kind === 'error') app.log.warn({ err: signal.error }, 'crm work queue error');
    },
    onError: (error, what) => app.log.warn({ err: error }, what),
  });
  consumers?.track(worker);
  crmEventRoutes(app, ctx, { redis, stream: config.CRM_WORK_STREAM });
  app.addHook('onReady', () => worker.start());
  app.addHook('preClose', () => worker.stop());
  app.addHook('onClose', () => outbound.close());
}
