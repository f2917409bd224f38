import type pg from 'pg';
import type { Redis } from 'ioredis';
import { AppError, describeIssues, type FieldIssue } from '@bizosaas/ddd-kernel';
import { createConsumer, type ConsumerSignal, type Delivery } from '@bizosaas/messaging';
import { applyCrmChange, type CrmApplyContext, type RecordOutcome } from './apply-crm-change.ts';
import type { CrmChange } from './crm-change.ts';
import { failCrmEvent, findCrmEvent, finishCrmEvent, unqueuedCrmEvents, type CrmEventRow } from './crm-event-log.ts';
import { CRM_WORK_GROUP, crmWorkItem, enqueueCrmWork, type CrmWorkItem } from './crm-work-queue.ts';

export interface CrmWorkerOptions {
  redis: Redis;
  stream: string;
  consumerName: string;
  /** Deliveries of a failing job before it is dead (row status `dead`, entry in `<stream>:dlq`). */
  maxDeliveries: number;
  /** A failed job is delivered again after this long. */
  retryIdleMs: number;
  /** Rows still unqueued after this long are queued again (a crash between commit and XADD). */
  requeueAfterMs: number;
  /** Worker role: the re-queue sweep reads every tenant's rows. */
  worker: pg.Pool;
  apply: CrmApplyContext;
  onSignal?: (signal: ConsumerSignal) => void;
  onError: (error: unknown, what: string) => void;
}

/** Rule and validation refusals are final: retrying cannot change the record. Anything else is retried. */
const REFUSALS = new Set(['VALIDATION_ERROR', 'BUSINESS_RULE_VIOLATION']);

function refusal(error: AppError): string {
  const issues = (error.details as { issues?: FieldIssue[] }).issues;
  return `${error.code}: ${error.message}${issues ? ` (${describeIssues(issues)})` : ''}`;
}

/** The work-queue consumer of CRM notifications and the sweep that re-queues lost jobs. */
export function createCrmWorker(options: CrmWorkerOptions) {
  const { apply } = options;
  const inTenant = <T>(tenantId: string, work: (client: pg.PoolClient) => Promise<T>) =>
    apply.store.transaction(apply.pool, tenantId, work);

  async function applyOne(row: CrmEventRow, change: CrmChange): Promise<RecordOutcome> {
    try {
      return await applyCrmChange(apply, {
        tenantId: row.tenantId,
        provider: row.provider,
        crmEventId: row.id,
        change,
      });
    } catch (error) {
      if (!(error instanceof AppError) || !REFUSALS.has(error.code)) throw error;
      return {
        externalId: change.externalId,
        aggregateType: change.target,
        aggregateId: null,
        result: 'rejected',
        events: [],
        reason: refusal(error),
      };
    }
  }

  async function handle(item: CrmWorkItem, delivery: Delivery): Promise<void> {
    const row = await inTenant(item.tenantId, (client) => findCrmEvent(client, item.crmEventId));
    if (!row || row.status !== 'accepted') return; // finished by an earlier delivery (or a re-queued copy)
    const outcomes: RecordOutcome[] = [];
    try {
      for (const change of row.changes) outcomes.push(await applyOne(row, change));
    } catch (error) {
      const dead = delivery.deliveryCount >= options.maxDeliveries;
      await inTenant(row.tenantId, (client) => failCrmEvent(client, row.id, (error as Error).message, dead));
      throw error;
    }
    const status = outcomes.some((o) => o.result === 'rejected')
      ? 'rejected'
      : outcomes.every((o) => o.result === 'skipped')
        ? 'skipped'
        : 'processed';
    await inTenant(row.tenantId, (client) => finishCrmEvent(client, row.id, status, outcomes));
  }

  const consumer = createConsumer<CrmWorkItem>({
    redis: options.redis,
    streams: [options.stream],
    group: CRM_WORK_GROUP,
    consumer: options.consumerName,
    handler: handle,
    parse: (raw) => crmWorkItem.parse(raw),
    maxDeliveries: options.maxDeliveries,
    claimIdleMs: options.retryIdleMs,
    // PostgreSQL down pauses the worker instead of spending the jobs' deliveries.
    healthCheck: () => apply.pool.query('SELECT 1'),
    ...(options.onSignal && { onSignal: options.onSignal }),
  });

  let sweep: NodeJS.Timeout | undefined;
  const requeue = async () => {
    try {
      await enqueueCrmWork(
        options.redis,
        options.stream,
        await unqueuedCrmEvents(options.worker, options.requeueAfterMs),
      );
    } catch (error) {
      options.onError(error, 'crm re-queue sweep failed');
    }
  };
  return {
    async start() {
      await consumer.start();
      sweep = setInterval(() => void requeue(), options.requeueAfterMs);
      sweep.unref();
    },
    async stop() {
      clearInterval(sweep);
      await consumer.stop();
    },
    /** Runs one sweep now (tests). */
    requeue,
    status: () => consumer.status(),
  };
}
