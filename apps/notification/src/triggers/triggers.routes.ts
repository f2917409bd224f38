import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import { errorResponseSchema } from '@bizosaas/service-kit';
import type { FeatureModule, NotificationContext } from '../context.ts';
import { cancelTransaction, cancelResult } from './cancel.ts';
import { createKeyedBatcher } from '../batching/keyed-batcher.ts';
import { batchTriggerRoute } from './batch-trigger.route.ts';
import { runTriggers, type TriggerResult, type TriggerSource, type TriggerWork } from './trigger.ts';
import { triggerSourceOf } from './trigger-source.ts';
import {
  bulkTriggerBody,
  transactionIdSchema,
  triggerAccepted,
  triggerBody,
  type TriggerInput,
} from './trigger-request.ts';

const headers = z.object({
  'idempotency-key': transactionIdSchema
    .optional()
    .describe('Used as the transactionId when the body has none: a repeat answers the first 202 and sends nothing.'),
});

/** 422: no template for a channel asked for, or a transactionId reused with another request. */
const triggerErrors = { 422: errorResponseSchema } as const;

/**
 * Triggers and their cancellation. A tenant's concurrent triggers commit together (group commit,
 * batching/keyed-batcher.ts). `onTriggered` wakes the dispatcher after a commit.
 */
export function triggersFeature(onTriggered: () => void): FeatureModule {
  return (app, ctx) => {
    const batcher = createKeyedBatcher<TriggerWork, TriggerResult>({
      maxBatch: ctx.config.TRIGGER_BATCH_MAX,
      concurrency: ctx.config.TRIGGER_BATCH_CONCURRENCY,
      run: (tenantId, works) => runTriggers(ctx, tenantId, works),
    });
    const trigger = async (input: TriggerInput, source: TriggerSource) => {
      const result = await batcher.submit(source.tenantId, { input, source });
      if (!result.repeated) onTriggered();
      return result.accepted;
    };
    app.post(
      '/api/v1/notifications/triggers',
      {
        onRequest: requirePermission('notifications:send'),
        schema: {
          operationId: 'triggerNotification',
          tags: ['triggers'],
          summary: 'Send a template to one recipient on its channels (202: queued, suppressed or digested per channel)',
          headers,
          body: triggerBody,
          response: { 202: triggerAccepted, ...triggerErrors },
        },
      },
      async (request, reply) =>
        reply
          .code(202)
          .send(await trigger({ ...request.body, to: [request.body.to] }, triggerSourceOf(request, false))),
    );
    app.post(
      '/api/v1/notifications/triggers/bulk',
      {
        onRequest: requirePermission('notifications:send'),
        schema: {
          operationId: 'triggerNotificationBulk',
          tags: ['triggers'],
          summary: 'Send a template to up to 1,000 recipients as one transaction',
          headers,
          body: bulkTriggerBody,
          response: { 202: triggerAccepted, ...triggerErrors },
        },
      },
      async (request, reply) => reply.code(202).send(await trigger(request.body, triggerSourceOf(request, true))),
    );
    batchTriggerRoute(app, ctx, onTriggered);
    cancelRoute(app, ctx);
  };
}

function cancelRoute(app: Parameters<FeatureModule>[0], ctx: NotificationContext): void {
  app.post(
    '/api/v1/notifications/triggers/:transactionId/cancel',
    {
      onRequest: requirePermission('notifications:send'),
      schema: {
        operationId: 'cancelNotificationTransaction',
        tags: ['triggers'],
        summary: 'Cancel the messages of a transaction that have not gone out (scheduled or waiting in a digest)',
        params: z.strictObject({ transactionId: transactionIdSchema }),
        response: { 200: cancelResult },
      },
    },
    async (request) => {
      const source = triggerSourceOf(request, false);
      return cancelTransaction(ctx, source.tenantId, request.params.transactionId, source.causation);
    },
  );
}
