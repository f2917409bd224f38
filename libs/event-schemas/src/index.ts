export { createUuidv7, uuidv7, uuidv7Timestamp, type Uuidv7Sources } from './uuidv7.ts';
export { derivedId } from './derived-id.ts';
export {
  actorSchema,
  aggregateTypePattern,
  envelopeSchema,
  eventTypePattern,
  type Actor,
  type EventEnvelope,
} from './envelope.ts';
export { isSealedValue, SEALED_VALUE_PATTERN, SENSITIVE_KEYWORD, sensitive, sensitivePaths } from './sensitive.ts';
export { defineEvent, defineUpcaster, type EventDefinition, type EventSpec, type Upcaster } from './define-event.ts';
export {
  defineCatalogue,
  findDefinition,
  type CatalogueOf,
  type EventCatalogue,
  type EventOf,
} from './define-catalogue.ts';
export {
  eventCatalogue,
  type DomainEvent,
  type EventData,
  type EventType,
  type PlatformCatalogue,
} from './catalogue/catalogue.ts';
export {
  currency,
  leadSource,
  moneyAmount,
  percentScore,
  personalEmail,
  personName,
  phoneNumber,
} from './catalogue/values.ts';
export { InvalidEventError, toFieldIssues, UnknownEventTypeError } from './errors.ts';
export { upcast, type UpcastResult } from './upcast.ts';
export { parseEvent } from './parse-event.ts';
export { createEvent, type CreateEventInput, type CreateEventOptions } from './create-event.ts';
export { eventJsonSchema, type JsonSchema } from './json-schema.ts';
export { notificationChannel, preferenceSource } from './catalogue/notification-events.ts';
