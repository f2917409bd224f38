import type { EventEnvelope } from '@bizosaas/event-schemas';
import { z } from 'zod';

// Loose objects: fields a newer event-bus adds pass through instead of failing older clients.

export const envelopeSchema: z.ZodType<EventEnvelope> = z.looseObject({
  id: z.string(),
  type: z.string(),
  schemaVersion: z.int(),
  tenantId: z.string(),
  aggregateType: z.string(),
  aggregateId: z.string(),
  aggregateVersion: z.int(),
  occurredAt: z.string(),
  correlationId: z.string(),
  causationId: z.string().nullable(),
  actor: z.looseObject({ type: z.enum(['user', 'service', 'system']), id: z.string() }),
  metadata: z.looseObject({ replay: z.boolean().optional() }).optional(),
  data: z.unknown(),
});

export const publishedSchema = z.looseObject({
  id: z.string(),
  type: z.string(),
  schemaVersion: z.int(),
  stream: z.string(),
  streamEntryId: z.string(),
  correlationId: z.string(),
  occurredAt: z.string(),
});
export type Published = z.infer<typeof publishedSchema>;

export const subscriptionSchema = z.looseObject({
  id: z.string(),
  eventType: z.string(),
  serviceName: z.string(),
  webhookUrl: z.string(),
  filter: z.record(z.string(), z.unknown()),
  allTenants: z.boolean(),
  status: z.enum(['active', 'paused', 'disabled']),
  failingSince: z.string().nullable(),
  createdAt: z.string(),
});
export type Subscription = z.infer<typeof subscriptionSchema>;

export const createdSubscriptionSchema = subscriptionSchema.extend({ secret: z.string() });
/** A new subscription with its signing secret (`whsec_...`), which is shown only this once. */
export type CreatedSubscription = z.infer<typeof createdSubscriptionSchema>;

export const subscriptionListSchema = z.object({ subscriptions: z.array(subscriptionSchema) });

export const historyPageSchema = z.object({ events: z.array(envelopeSchema), nextCursor: z.string().nullable() });
export interface HistoryPage {
  events: EventEnvelope[];
  /** Pass it back as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

export const replayResultSchema = z.looseObject({ replayed: z.int() });

export const deadLetterSchema = z.looseObject({
  id: z.string(),
  subscriptionId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  attempts: z.int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  attemptsLog: z.array(
    z.looseObject({
      attempt: z.int(),
      attemptedAt: z.string(),
      statusCode: z.int().nullable(),
      latencyMs: z.int(),
      error: z.string().nullable(),
    }),
  ),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;
export const deadLetterListSchema = z.object({ deadLetters: z.array(deadLetterSchema) });
export const redrivenSchema = z.looseObject({ redriven: z.int() });

export const schemaEntrySchema = z.looseObject({
  type: z.string(),
  aggregateType: z.string(),
  description: z.string(),
  /** The version producers write today. */
  schemaVersion: z.int(),
  /** Every version the bus accepts on publish (older ones are upcast). */
  versions: z.array(z.int()),
  sensitiveFields: z.array(z.string()),
  jsonSchema: z.record(z.string(), z.unknown()),
});
export type SchemaEntry = z.infer<typeof schemaEntrySchema>;
export const schemaListSchema = z.object({ schemas: z.array(schemaEntrySchema) });
