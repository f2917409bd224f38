import { requirePrincipal } from '@bizosaas/auth';
import { eventCatalogue, eventJsonSchema } from '@bizosaas/event-schemas';
import type { ServiceApp } from '@bizosaas/service-kit';
import { z } from 'zod';

const schemaEntry = z.object({
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

/** `GET /api/v1/events/schemas`: the catalogue, every type with its versions and JSON Schema. */
export function registerSchemasRoute(app: ServiceApp): void {
  const schemas = Object.values(eventCatalogue)
    .map((definition) => ({
      type: definition.type,
      aggregateType: definition.aggregateType,
      description: definition.description,
      schemaVersion: definition.schemaVersion,
      versions: Array.from({ length: definition.schemaVersion }, (_, i) => i + 1),
      sensitiveFields: [...definition.sensitivePaths],
      jsonSchema: eventJsonSchema(definition.type),
    }))
    .sort((a, b) => a.type.localeCompare(b.type));
  app.get(
    '/api/v1/events/schemas',
    {
      schema: {
        tags: ['schemas'],
        summary: 'The event catalogue',
        response: { 200: z.object({ schemas: z.array(schemaEntry) }) },
      },
      onRequest: async (request) => void requirePrincipal(request),
    },
    async () => ({ schemas }),
  );
}
