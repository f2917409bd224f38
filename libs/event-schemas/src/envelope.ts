import { z } from 'zod';

const snakeCase = '[a-z][a-z0-9]*(?:_[a-z0-9]+)*';

/** `context.snake_case_verb`, e.g. `lead.qualified`, `tenant.subscription_changed`. */
export const eventTypePattern = new RegExp(`^${snakeCase}\\.${snakeCase}$`);

/** snake_case aggregate type, e.g. `lead`, `ai_analysis`. It also names the event's stream. */
export const aggregateTypePattern = new RegExp(`^${snakeCase}$`);

/** Correlation and causation ids travel in HTTP headers too, so any short token is allowed. */
const traceId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1-128 characters of [A-Za-z0-9._:-]');

const actorName = z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be a kebab-case name');

/** Who caused the event: a signed-in user (their id), a service (its name) or the platform itself. */
export const actorSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('user'), id: z.uuid() }),
  z.object({ type: z.literal('service'), id: actorName }),
  z.object({ type: z.literal('system'), id: actorName }),
]);
export type Actor = z.output<typeof actorSchema>;

/**
 * The envelope every event travels in. `data` is checked separately against the catalogue
 * entry for `type` (see parseEvent), after upcasting from `schemaVersion`.
 *
 * Events that do not come from an event-sourced aggregate use their own id as `aggregateId`
 * and `aggregateVersion` 1, so every event has a stream identity and a position in it.
 */
export const envelopeSchema = z.object({
  id: z.uuidv7(),
  type: z.string().regex(eventTypePattern, 'must look like context.snake_case_verb'),
  schemaVersion: z.int().min(1),
  tenantId: z.uuid(),
  aggregateType: z.string().regex(aggregateTypePattern, 'must be snake_case'),
  aggregateId: z.uuid(),
  aggregateVersion: z.int().min(1),
  /** UTC, ISO 8601 with `Z`. */
  occurredAt: z.iso.datetime(),
  /** Shared by every event of one business flow; the first event's own id when it starts one. */
  correlationId: traceId,
  /** The id of the event or request that directly caused this one; null for the first event of a chain. */
  causationId: traceId.nullable(),
  actor: actorSchema,
  /** Delivery hints that are not part of the fact itself. */
  metadata: z.object({ replay: z.boolean().optional() }).optional(),
  data: z.unknown(),
});

type EnvelopeHeader = Omit<z.output<typeof envelopeSchema>, 'type' | 'data'>;

/** An event of type `T` whose data has type `D`. */
export type EventEnvelope<T extends string = string, D = unknown> = EnvelopeHeader & {
  type: T;
  data: D;
};
