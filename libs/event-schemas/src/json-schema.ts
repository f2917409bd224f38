import { z } from 'zod';
import { eventCatalogue } from './catalogue/catalogue.ts';
import { findDefinition, type EventCatalogue } from './define-catalogue.ts';
import { envelopeSchema } from './envelope.ts';
import { UnknownEventTypeError } from './errors.ts';

export type JsonSchema = Record<string, unknown>;

/**
 * JSON Schema (draft 2020-12) of a whole event of `type` at its current schemaVersion, as a
 * producer must write it. Sensitive fields carry `"x-sensitive": true`.
 *
 * @throws UnknownEventTypeError for a type not in the catalogue.
 */
export function eventJsonSchema(type: string, catalogue: EventCatalogue = eventCatalogue): JsonSchema {
  const definition = findDefinition(catalogue, type);
  if (definition === undefined) throw new UnknownEventTypeError(type);
  const schema = envelopeSchema.extend({
    type: z.literal(definition.type),
    schemaVersion: z.literal(definition.schemaVersion),
    aggregateType: z.literal(definition.aggregateType),
    data: definition.data,
  });
  const jsonSchema = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' });
  const properties = jsonSchema.properties as Record<string, JsonSchema> | undefined;
  if (properties?.data) properties.data = { ...properties.data, examples: [definition.example] };
  return { ...jsonSchema, title: definition.type, description: definition.description };
}
