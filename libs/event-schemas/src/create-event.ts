import type { z } from 'zod';
import { eventCatalogue, type EventType, type PlatformCatalogue } from './catalogue/catalogue.ts';
import { findDefinition, type EventCatalogue } from './define-catalogue.ts';
import type { Actor, EventEnvelope } from './envelope.ts';
import { UnknownEventTypeError } from './errors.ts';
import { parseEvent } from './parse-event.ts';
import { uuidv7 } from './uuidv7.ts';

export interface CreateEventInput<T extends string, D> {
  type: T;
  tenantId: string;
  actor: Actor;
  data: D;
  /** Omit for an event that does not come from an aggregate: its own id and version 1 are used. */
  aggregateId?: string;
  aggregateVersion?: number;
  /** The event or request this one follows from: correlationId is inherited, causationId is its id. */
  causedBy?: { id: string; correlationId: string };
  /** Overrides; without them and without `causedBy` the event starts a chain. */
  correlationId?: string;
  causationId?: string | null;
  metadata?: { replay?: boolean };
}

export interface CreateEventOptions<C extends EventCatalogue> {
  catalogue?: C;
  /** Clock for occurredAt. */
  now?: () => Date;
  /** Id source; must return UUIDv7s. */
  newId?: () => string;
}

/**
 * Builds a validated event: stamps id and occurredAt from the injected sources (real ones by
 * default), takes schemaVersion and aggregateType from the catalogue and parses the result,
 * so what it returns is exactly what parseEvent would return for it.
 *
 * @throws InvalidEventError listing every issue; UnknownEventTypeError for a type not in the catalogue.
 */
export function createEvent<T extends EventType>(
  input: CreateEventInput<T, z.input<PlatformCatalogue[T]['data']>>,
  options?: CreateEventOptions<PlatformCatalogue>,
): EventEnvelope<T, z.output<PlatformCatalogue[T]['data']>>;
export function createEvent<T extends keyof C & string, C extends EventCatalogue>(
  input: CreateEventInput<T, z.input<C[T]['data']>>,
  options: CreateEventOptions<C> & { catalogue: C },
): EventEnvelope<T, z.output<C[T]['data']>>;
export function createEvent(
  input: CreateEventInput<string, unknown>,
  { catalogue = eventCatalogue, now = () => new Date(), newId = uuidv7 }: CreateEventOptions<EventCatalogue> = {},
): EventEnvelope<string, unknown> {
  const definition = findDefinition(catalogue, input.type);
  if (definition === undefined) throw new UnknownEventTypeError(input.type);
  const id = newId();
  const raw = {
    id,
    type: input.type,
    schemaVersion: definition.schemaVersion,
    tenantId: input.tenantId,
    aggregateType: definition.aggregateType,
    aggregateId: input.aggregateId ?? id,
    aggregateVersion: input.aggregateVersion ?? 1,
    occurredAt: now().toISOString(),
    correlationId: input.correlationId ?? input.causedBy?.correlationId ?? id,
    causationId: input.causationId !== undefined ? input.causationId : (input.causedBy?.id ?? null),
    actor: input.actor,
    ...(input.metadata ? { metadata: input.metadata } : {}),
    data: input.data,
  };
  return parseEvent(raw, catalogue);
}
