import type { Redis } from 'ioredis';
import { z } from 'zod';
import { ServiceUnavailableError } from '@bizosaas/ddd-kernel';
import { ENVELOPE_FIELD } from '@bizosaas/messaging';

/** The stream of CRM ingestion jobs (its own hash tag: it shares no slot with event streams). */
export const DEFAULT_CRM_WORK_STREAM = 'bizosaas:work:{crm-ingest}';
export const CRM_WORK_GROUP = 'domain-repository.crm-ingest';

/** A job names the ingestion log row; the row holds the changes (the queue carries no personal data). */
export const crmWorkItem = z.object({ crmEventId: z.uuid(), tenantId: z.uuid() });
export type CrmWorkItem = z.infer<typeof crmWorkItem>;

/** XADDs the jobs in one pipeline; a Redis failure is a 503 so the CRM retries (the rows are kept and re-queued). */
export async function enqueueCrmWork(redis: Redis, stream: string, items: readonly CrmWorkItem[]): Promise<void> {
  if (items.length === 0) return;
  const pipeline = redis.pipeline();
  for (const item of items)
    pipeline.xadd(stream, '*', 'crmEventId', item.crmEventId, ENVELOPE_FIELD, JSON.stringify(item));
  try {
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error)?.[0];
    if (failed) throw failed;
  } catch (error) {
    throw new ServiceUnavailableError(
      'The CRM work queue is unavailable; the notification is stored and will be processed',
      {
        service: 'redis',
        reason: (error as Error).message,
      },
    );
  }
}
