import { AppError } from '@bizosaas/ddd-kernel';
import { requirePermission } from '@bizosaas/auth';
import { mapError } from '@bizosaas/service-kit';
import type { FeatureModule, NotificationContext } from '../context.ts';
import { batchTriggerBody, batchTriggerResults, type BatchTriggerResult } from './batch-trigger-request.ts';
import { runTriggers, type TriggerResult } from './trigger.ts';
import { triggerSourceOf } from './trigger-source.ts';

/** 1,000 items of about 1 KB of data each, with their recipients and keys, fit with room to spare. */
const MIN_BATCH_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * Many intents in one request, each with its own recipient, data and transactionId (a campaign's
 * enrolment keys), run as one group commit. An item that cannot be planned (no template, a
 * rendering error, its transactionId reused with another request) is rejected alone.
 */
export function batchTriggerRoute(
  app: Parameters<FeatureModule>[0],
  ctx: NotificationContext,
  onTriggered: () => void,
): void {
  app.post(
    '/api/v1/notifications/triggers/batch',
    {
      onRequest: requirePermission('notifications:send'),
      bodyLimit: Math.max(ctx.config.BODY_LIMIT_BYTES, MIN_BATCH_BODY_LIMIT_BYTES),
      schema: {
        operationId: 'triggerNotificationBatch',
        tags: ['triggers'],
        summary:
          'Send up to 1,000 triggers, each with its own recipient, data and transactionId (202: a result per item)',
        body: batchTriggerBody,
        response: { 202: batchTriggerResults },
      },
    },
    async (request, reply) => {
      const source = triggerSourceOf(request, true);
      const works = request.body.triggers.map(({ to, ...item }) => ({ input: { ...item, to: [to] }, source }));
      const settled = await runTriggers(ctx, source.tenantId, works);
      if (settled.some((one) => one.status === 'fulfilled' && !one.value.repeated)) onTriggered();
      const results = settled.map((one, index) => resultOf(one, works[index]!.input.transactionId));
      return reply.code(202).send({ results });
    },
  );
}

function resultOf(settled: PromiseSettledResult<TriggerResult>, transactionId: string): BatchTriggerResult {
  if (settled.status === 'fulfilled')
    return { transactionId, status: 'accepted', messages: settled.value.accepted.messages };
  // Only the item's own refusals are answered per item; a failure of the platform fails the request.
  if (!(settled.reason instanceof AppError)) throw settled.reason;
  return { transactionId, status: 'rejected', error: mapError(settled.reason).body };
}
