import { z } from 'zod';
import { errorResponseSchema } from '@bizosaas/service-kit';
import {
  messageSummary,
  recipientSchema,
  templateKeySchema,
  transactionIdSchema,
  triggerChannelsSchema,
  triggerDataSchema,
} from './trigger-request.ts';

export const MAX_BATCH_TRIGGERS = 1000;

/** One intent of a batch: its own recipient, data and transactionId (the caller's idempotency key). */
const batchItem = z.strictObject({
  templateKey: templateKeySchema,
  to: recipientSchema,
  data: triggerDataSchema,
  channels: triggerChannelsSchema,
  transactionId: transactionIdSchema,
});

export const batchTriggerBody = z
  .strictObject({ triggers: z.array(batchItem).min(1).max(MAX_BATCH_TRIGGERS) })
  .superRefine(({ triggers }, check) => {
    // Two items with one id would make the second a repeat of the first, silently dropping it.
    const firstIndex = new Map<string, number>();
    for (const [index, item] of triggers.entries()) {
      const first = firstIndex.get(item.transactionId);
      if (first === undefined) firstIndex.set(item.transactionId, index);
      else
        check.addIssue({
          code: 'custom',
          path: ['triggers', index, 'transactionId'],
          message: `repeats the transactionId of triggers.${first}`,
        });
    }
  });

export type BatchTriggerItem = z.output<typeof batchItem>;

const accepted = z.object({
  transactionId: transactionIdSchema,
  status: z.literal('accepted'),
  messages: z.array(messageSummary),
});

const rejected = z.object({
  transactionId: transactionIdSchema,
  status: z.literal('rejected'),
  /** What the single trigger would have answered (e.g. BUSINESS_RULE_VIOLATION template_exists). */
  error: errorResponseSchema,
});

export const batchTriggerResult = z.discriminatedUnion('status', [accepted, rejected]);

export const batchTriggerResults = z.object({
  /** One per item, in request order. */
  results: z.array(batchTriggerResult),
});

export type BatchTriggerResult = z.output<typeof batchTriggerResult>;
